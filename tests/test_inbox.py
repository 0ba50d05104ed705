"""The content designer's inbox (inbox.py): the report's unanswered and "not helpful"
questions from a real Rasa SQL tracker store, similar wordings counted once, the
classifier's likeliest topics, and decisions that take an item out until it is asked again."""
import asyncio
import sqlite3
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from hospital_faq.content import inbox, report
from hospital_faq.ops import conversation_store
from hospital_faq.paths import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def turn(text, intent, actions, at, slot=None, ranking=()):
    parse = {"intent": {"name": intent, "confidence": 0.4},
             "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking]}
    events = [UserUttered(text, parse["intent"], parse_data=parse, timestamp=at)]
    events += [ActionExecuted(name, timestamp=at + 0.1) for name in actions]
    if slot:
        events.append(SlotSet("last_topic", slot, timestamp=at + 0.2))
    return events + [ActionExecuted("action_listen", timestamp=at + 0.3)]


@pytest.fixture
def store(tmp_path):
    database = tmp_path / "conversations.db"
    (tmp_path / "endpoints.yml").write_text(f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{database}"\n')
    tracker_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(database))
    now = time.time()
    conversations = {
        "a": turn("radiation from lots of angles at once?", "nlu_fallback", ["action_clarify_topic"], now - 300,
                  ranking=[("nlu_fallback", 0.5), ("ask_stereotactic_radiosurgery", 0.37),
                           ("ask_radiation_therapy", 0.12), ("ask_surgery", 0.01)]),
        "b": turn("Radiation from lots of angle at once", "out_of_scope", ["action_out_of_scope"], now - 200,
                  ranking=[("out_of_scope", 0.6), ("ask_stereotactic_radiosurgery", 0.3)]),
        "c": (turn("what is surgery for", "ask_surgery", ["action_answer_topic"], now - 100, "surgery")
              + turn("not helpful", "feedback_not_helpful", ["action_feedback"], now - 90)),
        "d": turn("<b>where</b> do I park", "out_of_scope", ["action_out_of_scope"], now - 50,
                  ranking=[("out_of_scope", 0.9)]),
    }
    for sender, events in conversations.items():
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)))
    return conversation_store.store_config(tmp_path / "endpoints.yml")


def test_the_inbox_holds_unanswered_and_unhelpful_questions_newest_first_similar_ones_together(store):
    items = inbox.inbox(store)
    assert [i.question for i in items] == ["<b>where</b> do I park", "what is surgery for",
                                           "Radiation from lots of angle at once"]
    radiation = items[2]
    assert radiation.count == 2 and radiation.wordings == ["radiation from lots of angles at once?"]
    assert radiation.what_happened == ["not understood (asked 'did you mean')", "out of scope"]
    assert radiation.suggestions == [("stereotactic_radiosurgery", 0.3)]  # the latest asking's ranking
    assert items[1].what_happened == [report.NOT_HELPFUL]
    assert items[0].suggestions == []


def test_a_decision_takes_an_item_out_until_someone_asks_it_again(store):
    [park, surgery, radiation] = inbox.inbox(store)
    inbox.decide(store, radiation, "example", "erin")
    assert [i.question for i in inbox.inbox(store)] == [park.question, surgery.question]
    assert inbox.find(store, radiation.id) is None
    # Only hashes of the wording are kept, never the wording or who asked.
    with sqlite3.connect(store.url.database) as db:
        rows = db.execute("select * from inbox_decisions").fetchall()
    assert len(rows) == 2 and all("radiation" not in " ".join(map(str, row)) for row in rows)
    assert {row[1] for row in rows} == {"example"} and {row[3] for row in rows} == {"erin"}
    inbox.decide(store, surgery, "dismissed", "rita", )
    conversation_store.record_decision(store, park.hashes, "dismissed", "rita", at=park.last - 10)
    assert [i.question for i in inbox.inbox(store)] == [park.question]  # asked again after the decision
    with pytest.raises(ValueError):
        inbox.decide(store, park, "deleted", "rita")


def test_decisions_are_purged_with_the_conversations(store):
    [_, _, radiation] = inbox.inbox(store)
    conversation_store.record_decision(store, radiation.hashes, "dismissed", "rita", at=time.time() - 40 * 86400)
    conversation_store.purge(store)
    assert conversation_store.decisions(store) == {}


def test_the_report_lists_what_was_marked_not_helpful(store):
    result = report.report(store)
    assert [g.question for g in result.not_helpful] == ["what is surgery for"]
    assert result.topics["surgery"].not_helpful == 1
    assert "what is surgery for" not in [g.question for g in result.unanswered]

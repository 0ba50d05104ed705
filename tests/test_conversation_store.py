"""Where conversations are kept (Rasa's SQL tracker store), how long, and the report
built from them: with SQLite files, and with the local PostgreSQL server."""
import asyncio
import time
import uuid

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from hospital_faq.content import report
from hospital_faq.ops import conversation_store
from hospital_faq.ops.launcher import free_port
from hospital_faq.paths import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
DAY = 86400
POSTGRES = {"host": "127.0.0.1", "port": 5432, "login_db": "test"}


def turn(text, intent, actions, at, slot=None):
    events = [UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=at)]
    events += [ActionExecuted(name, timestamp=at + 0.1) for name in actions]
    if slot:
        events.append(SlotSet("last_topic", slot, timestamp=at + 0.2))
    return events + [ActionExecuted("action_listen", timestamp=at + 0.3)]


def save(store, sender, events):
    tracker = DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)
    asyncio.run(store.save(tracker))


def write_endpoints(path, section):
    path.write_text("tracker_store:\n" + "".join(f"  {k}: {v}\n" for k, v in section.items()))
    return path


@pytest.fixture
def sqlite_store(tmp_path):
    database = tmp_path / "conversations.db"
    endpoints = write_endpoints(tmp_path / "endpoints.yml",
                                {"type": "SQL", "dialect": "sqlite", "db": f'"{database}"', "retention_days": 30})
    return SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(database)), conversation_store.store_config(endpoints)


CONVERSATIONS = {
    # sender: events (times in days before now)
    "patient-a": lambda now: (
        [SessionStarted(timestamp=now - 3 * DAY)]
        + turn("where can I park?", "out_of_scope", ["action_out_of_scope"], now - 3 * DAY)
        + turn("what is proton therapy", "ask_proton_therapy", ["action_answer_topic"], now - 3 * DAY + 10, "proton_therapy")
        + turn("/feedback_helpful", "feedback_helpful", ["action_feedback"], now - 3 * DAY + 20)
        + turn("blorp zimzam", "nlu_fallback", ["action_clarify_topic"], now - 2 * DAY)
    ),
    "patient-b": lambda now: (
        turn("Where can I PARK??", "out_of_scope", ["action_out_of_scope"], now - DAY)
        + turn("what is surgery for", "ask_surgery", ["action_answer_topic"], now - DAY + 10, "surgery")
        + turn("not helpful", "feedback_not_helpful", ["action_feedback"], now - DAY + 20)
        + turn("👎", "feedback_not_helpful", ["action_feedback"], now - DAY + 30)
        + turn("I can't walk", "emergency", ["action_emergency"], now - DAY + 40)
    ),
    "patient-c": lambda now: (
        turn("do you do liver transplants", "ask_surgery", ["action_clarify_topic"], now - 40 * DAY)
    ),
}


def test_the_report_groups_counts_and_orders_unanswered_questions(sqlite_store):
    store, config = sqlite_store
    now = time.time()
    for sender, events in CONVERSATIONS.items():
        save(store, sender, events(now))
    result = report.report(config, now=now)
    assert [(g.question, g.count) for g in result.unanswered] == [
        ("Where can I PARK??", 2),  # the newest wording; newest group first
        ("blorp zimzam", 1),
        ("do you do liver transplants", 1),  # the core fallback counts too
    ]
    assert result.unanswered[0].what_happened == {"out of scope"}
    assert result.unanswered[1].what_happened == {"not understood (asked 'did you mean')"}
    assert vars(result.topics["proton_therapy"]) == {"answered": 1, "helpful": 1, "not_helpful": 0}
    assert vars(result.topics["surgery"]) == {"answered": 1, "helpful": 0, "not_helpful": 2}
    assert result.conversations == 3
    last_week = report.report(config, days=7, now=now)
    assert [g.question for g in last_week.unanswered] == ["Where can I PARK??", "blorp zimzam"]


def test_conversations_older_than_the_limit_are_deleted(sqlite_store):
    store, config = sqlite_store
    now = time.time()
    for sender, events in CONVERSATIONS.items():
        save(store, sender, events(now))
    assert config.retention_days == 30
    assert conversation_store.purge(config, now=now) == 3  # patient-c's one turn: user, action, listen
    assert "do you do liver transplants" not in [g.question for g in report.report(config, now=now).unanswered]
    remaining = asyncio.run(store.retrieve_full_tracker("patient-a"))
    assert [e.text for e in remaining.events if isinstance(e, UserUttered)][0] == "where can I park?"
    assert conversation_store.purge(config, now=now + 2.5 * DAY + 30 * DAY) > 0  # later, patient-a's first days go too


def test_the_report_command_writes_csv_files(sqlite_store, tmp_path, capsys):
    from hospital_faq.content import commands as content

    store, config = sqlite_store
    now = time.time()
    for sender, events in CONVERSATIONS.items():
        save(store, sender, events(now))
    save(store, "patient-d", turn("=HYPERLINK(\"http://x\")", "nlu_fallback", ["action_clarify_topic"], now))
    endpoints = tmp_path / "endpoints.yml"
    unanswered, feedback = tmp_path / "todo.csv", tmp_path / "feedback.csv"
    assert content.main(["report", "--endpoints", str(endpoints), "--csv", str(unanswered),
                         "--feedback-csv", str(feedback)]) == 0
    out = capsys.readouterr().out
    assert "WHAT THE ASSISTANT COULD NOT ANSWER" in out and "Where can I PARK??" in out
    lines = unanswered.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "question,times_asked,last_asked,first_asked,what_happened"
    assert lines[1].startswith("\"'=HYPERLINK(")  # a formula typed by a patient stays text
    assert any(line.startswith("Where can I PARK??,2,") for line in lines)
    assert "surgery,1,0,2" in feedback.read_text(encoding="utf-8-sig").splitlines()


def test_the_project_keeps_conversations_in_sqlite_for_30_days():
    config = conversation_store.store_config()
    assert config.url.get_backend_name() == "sqlite"
    assert config.url.database == str(PROJECT_ROOT / "var" / "conversations.db")
    assert config.retention_days == 30


def test_an_unreachable_postgresql_server_is_reported_clearly(tmp_path):
    endpoints = write_endpoints(tmp_path / "endpoints.yml", {
        "type": "SQL", "dialect": "postgresql", "url": "127.0.0.1", "port": free_port(), "db": "nothing"})
    config = conversation_store.store_config(endpoints)
    with pytest.raises(conversation_store.ConversationStoreError) as error:
        report.report(config)
    assert "Is the PostgreSQL server running" in str(error.value) and "endpoints.yml" in str(error.value)


@pytest.fixture
def postgres_database():
    """A new database on the local PostgreSQL server, dropped afterwards."""
    engine = sa.create_engine(sa.engine.URL.create("postgresql", host=POSTGRES["host"], port=POSTGRES["port"],
                                                   database=POSTGRES["login_db"]),
                              connect_args={"connect_timeout": 3}, isolation_level="AUTOCOMMIT")
    try:
        engine.connect().close()
    except sa.exc.OperationalError as error:
        pytest.skip(f"No PostgreSQL server at {POSTGRES['host']}:{POSTGRES['port']} "
                    f"(database '{POSTGRES['login_db']}'): {str(error.orig).strip().splitlines()[0]}")
    name = f"faq_test_{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()


def test_a_conversation_is_stored_in_postgresql_and_read_back(postgres_database, tmp_path):
    store = SQLTrackerStore(DOMAIN, dialect="postgresql", db=postgres_database, **POSTGRES)
    now = time.time()
    events = (turn("what is proton therapy", "ask_proton_therapy", ["action_answer_topic"], now, "proton_therapy")
              + turn("👍", "feedback_helpful", ["action_feedback"], now + 5)
              + turn("where can I park", "out_of_scope", ["action_out_of_scope"], now + 10))
    save(store, "patient-pg", events)
    tracker = asyncio.run(store.retrieve("patient-pg"))
    assert tracker.get_slot("last_topic") == "proton_therapy"
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "what is proton therapy", "👍", "where can I park"]
    store.engine.dispose()

    endpoints = write_endpoints(tmp_path / "endpoints.yml", {
        "type": "SQL", "dialect": "postgresql", "url": POSTGRES["host"], "port": POSTGRES["port"],
        "db": postgres_database, "retention_days": 30})
    config = conversation_store.store_config(endpoints)
    result = report.report(config)
    assert [(g.question, g.count) for g in result.unanswered] == [("where can I park", 1)]
    assert vars(result.topics["proton_therapy"]) == {"answered": 1, "helpful": 1, "not_helpful": 0}
    assert conversation_store.purge(config, now=now + 31 * DAY) == len(events)


def test_the_printed_report_cuts_a_long_message_to_a_readable_line(sqlite_store, capsys):
    store, config = sqlite_store
    now = time.time()
    pasted = "my mother has a tumor near her spine and " + "the doctors keep changing the plan " * 150
    save(store, "patient-e", turn(pasted, "nlu_fallback", ["action_clarify_topic"], now))
    result = report.report(config, now=now)
    report.print_report(result, config, None)
    [line] = [l for l in capsys.readouterr().out.splitlines() if "my mother has a tumor" in l]
    assert line.endswith("...") and len(line) < 220
    assert [g.question for g in result.unanswered if g.question.startswith("my mother")] == [pasted.strip()]

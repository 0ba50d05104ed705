"""Two people for every medical answer (review.py), the history (history.py) and new
example questions (training_examples.py), on a copy of facts/ and data/nlu.yml."""
import datetime
import json
import shutil

import pytest
import yaml

from hospital_faq.content import history, review, topics_file, training_examples
from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.paths import FACTS_DIR, PROJECT_ROOT

TODAY = datetime.date(2026, 12, 1)
NEW_ANSWER = "Proton therapy is a type of radiation therapy. It sends high doses to the tumor and less to the tissue around it."


@pytest.fixture
def facts(tmp_path):
    copy = tmp_path / "facts"
    shutil.copytree(FACTS_DIR, copy, ignore=shutil.ignore_patterns("drafts.yml", "history.jsonl", ".content.lock"))
    return copy


def values_of(content, topic_id, **changes):
    return {**content.edited_view(topic_id), **changes}


def approved_answer(facts, topic_id):
    return FactStore.load(facts).get(topic_id).answer


def test_an_answer_change_waits_for_review_and_the_approved_answer_stays(facts):
    content = review.Content(facts)
    before = (facts / "topics.yml").read_text()
    outcome = content.save("proton_therapy", values_of(content, "proton_therapy", answer=NEW_ANSWER), "erin",
                           content.version("proton_therapy"), TODAY)
    assert set(outcome.proposed) == {"answer"} and not outcome.applied
    assert (facts / "topics.yml").read_text() == before  # what patients get is unchanged
    draft = content.drafts()["proton_therapy"]
    assert draft.authors == ["erin"] and draft.change == {"answer": NEW_ANSWER}
    assert draft.base["answer"] == approved_answer(facts, "proton_therapy")  # what it changes
    assert content.edited_view("proton_therapy")["answer"] == NEW_ANSWER  # editors see their proposal
    [entry] = history.entries(facts, "proton_therapy")
    assert entry["by"] == "erin" and entry["action"] == "proposed a change" and not entry["applied"]
    assert entry["changes"]["answer"]["after"] == NEW_ANSWER


def test_other_fields_are_saved_at_once_and_keep_the_files_layout(facts):
    content = review.Content(facts)
    before = (facts / "topics.yml").read_text().splitlines()
    examples = content.edited_view("ommaya_reservoir")["examples"] + ["what is the little dome under the scalp for chemo"]
    outcome = content.save("ommaya_reservoir", values_of(content, "ommaya_reservoir", title="Ommaya reservoir (port)",
                                                         examples=examples), "erin", content.version("ommaya_reservoir"))
    assert set(outcome.applied) == {"title", "examples"} and not outcome.proposed
    after = (facts / "topics.yml").read_text().splitlines()
    changed = [line for line in after if line not in before]
    assert changed == ["  title: Ommaya reservoir (port)", "    - what is the little dome under the scalp for chemo"]
    assert not content.drafts()


def test_only_a_reviewer_who_did_not_write_it_approves_with_their_name_and_the_date(facts):
    content = review.Content(facts)
    content.save("proton_therapy", values_of(content, "proton_therapy", answer=NEW_ANSWER), "rita",
                 content.version("proton_therapy"), TODAY)
    with pytest.raises(review.ChangeRefused, match="another clinical reviewer must approve it"):
        content.approve("proton_therapy", "rita", "Dr. Rita", content.version("proton_therapy"), TODAY)
    outcome = content.approve("proton_therapy", "ravi", "Dr. Ravi Second, radiation oncology",
                              content.version("proton_therapy"), TODAY)
    assert set(outcome.applied) == {"answer", "reviewer", "review_date"}
    topic = FactStore.load(facts).get("proton_therapy")
    assert topic.answer == NEW_ANSWER and topic.reviewer == "Dr. Ravi Second, radiation oncology"
    assert topic.review_date == "2026-12-01"
    assert not content.drafts()
    approved = history.entries(facts, "proton_therapy")[-1]
    assert approved["action"] == "approved" and approved["by"] == "ravi" and approved["applied"]
    assert approved["comment"] == "proposed by rita"


def test_a_change_that_breaks_a_rule_changes_nothing(facts):
    content = review.Content(facts)
    before = (facts / "topics.yml").read_text()
    with pytest.raises(review.ChangeRefused) as refused:
        content.save("proton_therapy", values_of(content, "proton_therapy", answer="x " * 300,
                                                 title="Proton therapy, now"), "erin",
                     content.version("proton_therapy"))
    assert any(p.field == "answer" and "too long for a text message" in p.message for p in refused.value.problems)
    assert (facts / "topics.yml").read_text() == before and not content.drafts() and not history.entries(facts)


def test_a_change_to_a_version_someone_else_changed_meanwhile_is_refused(facts):
    content = review.Content(facts)
    opened = content.version("surgery")
    content.save("surgery", values_of(content, "surgery", title="Surgery for spine tumors"), "rita", opened)
    with pytest.raises(review.Conflict, match="Someone else changed this topic since you opened it"):
        content.save("surgery", values_of(content, "surgery", title="Spine surgery"), "erin", opened)
    assert FactStore.load(facts).get("surgery").title == "Surgery for spine tumors"


def test_a_proposal_is_not_approved_over_an_answer_changed_outside_the_designer(facts):
    content = review.Content(facts)
    content.save("proton_therapy", values_of(content, "proton_therapy", answer=NEW_ANSWER), "erin",
                 content.version("proton_therapy"))
    topics = facts / "topics.yml"
    changed = topics.read_text().replace("It sends high doses of radiation", "It gives high doses of radiation")
    assert changed != topics.read_text()
    topics.write_text(changed)
    with pytest.raises(review.Conflict, match="changed after this change was proposed"):
        content.approve("proton_therapy", "rita", "Dr. Rita", content.version("proton_therapy"), TODAY)


def test_editing_the_answer_back_withdraws_the_proposal(facts):
    content = review.Content(facts)
    original = content.edited_view("chemotherapy")["answer"]
    content.save("chemotherapy", values_of(content, "chemotherapy", answer=original + " Ask your team."), "erin",
                 content.version("chemotherapy"))
    outcome = content.save("chemotherapy", values_of(content, "chemotherapy", answer=original), "erin",
                           content.version("chemotherapy"))
    assert outcome.withdrawn and not content.drafts()


def test_a_new_topic_waits_for_review_then_joins_the_fact_store(facts):
    content = review.Content(facts)
    topic = {"id": "physical_therapy", "title": "Physical therapy", "theme": "Support and next steps",
             "answer": "Physical therapy helps you get stronger and move safely after treatment. Your care team "
                       "can tell you when to start.",
             "source": ["spinal_tumor_treatment"], "related": ["surgery"],
             "quotes": ["Find the latest news and information about spine tumors in our Knowledge Center, "
                        "including blog posts, articles, videos, news releases and more."],
             "examples": [f"physical therapy question number {n}" for n in range(1, 12)]}
    content.propose_topic(topic, "erin", TODAY)
    assert FactStore.load(facts).get("physical_therapy") is None
    with pytest.raises(review.ChangeRefused, match="already a topic"):
        content.propose_topic(topic, "ravi", TODAY)
    content.approve("physical_therapy", "rita", "Dr. Rita Reviewer", content.version("physical_therapy"), TODAY)
    added = FactStore.load(facts).get("physical_therapy")
    assert added.reviewer == "Dr. Rita Reviewer" and added.review_date == "2026-12-01" and len(added.examples) == 11


def test_a_new_topic_needs_a_good_id_and_ten_examples(facts):
    content = review.Content(facts)
    with pytest.raises(review.ChangeRefused, match="lowercase letters"):
        content.propose_topic({"id": "Physical Therapy"}, "erin")
    with pytest.raises(review.ChangeRefused) as refused:
        content.propose_topic({"id": "physical_therapy", "title": "PT", "theme": "Support", "answer": "Short.",
                               "source": ["spinal_tumor_treatment"], "quotes": ["not in the page at all"],
                               "examples": ["one", "two"]}, "erin")
    fields = {p.field for p in refused.value.problems}
    assert {"examples", "quotes", "related"} <= fields


def test_any_earlier_version_can_be_worked_back_from_the_history(facts):
    content = review.Content(facts)
    original = content.edited_view("proton_therapy")
    content.save("proton_therapy", values_of(content, "proton_therapy", answer=NEW_ANSWER, title="Protons"), "erin",
                 content.version("proton_therapy"))
    content.approve("proton_therapy", "rita", "Dr. Rita", content.version("proton_therapy"), TODAY)
    content.save("proton_therapy", values_of(content, "proton_therapy", title="Proton beam therapy"), "erin",
                 content.version("proton_therapy"))
    entries = history.entries(facts, "proton_therapy")
    assert [e["action"] for e in entries] == ["changed", "proposed a change", "approved", "changed"]
    now = content.entry("proton_therapy")
    first = history.state_before(now, entries, entries[0]["line"])
    assert first["answer"] == original["answer"] and first["title"] == original["title"]
    assert first["reviewer"] == original["reviewer"]
    before_last = history.state_before(now, entries, entries[-1]["line"])
    assert before_last["answer"] == NEW_ANSWER and before_last["title"] == "Protons"


def test_an_example_is_added_at_once_unless_another_topic_has_it(facts):
    content = review.Content(facts)
    content.add_example("stereotactic_radiosurgery", "radiation aimed from lots of angles at once", "erin")
    assert "radiation aimed from lots of angles at once" in FactStore.load(facts).get("stereotactic_radiosurgery").examples
    with pytest.raises(review.ChangeRefused) as refused:
        content.add_example("surgery", "what is chemotherapy for spinal tumors?", "erin")
    assert "the same question as" in refused.value.problems[0].message


def test_evaluation_messages_never_become_training_examples():
    evaluation = yaml.safe_load((PROJECT_ROOT / "tests/evaluation/test_set.yml").read_text())
    message = evaluation["nlu"][0]["examples"].splitlines()[0][2:]
    assert "evaluation set tests/evaluation/test_set.yml" in training_examples.problem(message)
    assert "evaluation set" in training_examples.problem(message.upper() + "!!")  # the same, other capitals
    assert "evaluation set" in training_examples.problem(message[:-1] + "x" + message[-1])  # nearly the same
    assert "already an example of 'greet'" in training_examples.problem("good morning")
    assert training_examples.problem("   ") and training_examples.problem("x" * 600)
    assert training_examples.problem("radiation aimed from many angles at one spot, what's that") is None


def test_an_out_of_scope_example_goes_into_data_nlu_yml_and_rasa_reads_it(facts, tmp_path, monkeypatch):
    from rasa.shared.nlu.training_data.loading import load_data

    nlu = tmp_path / "nlu.yml"
    shutil.copy(training_examples.NLU_FILE, nlu)
    monkeypatch.setattr(training_examples, "NLU_FILE", nlu)
    entries = review.Content(facts).entries()
    added = training_examples.add_out_of_scope("where do I [park] my {car} at night\n", "erin", entries, facts)
    assert added == "where do I (park) my (car) at night"
    examples = {(m.get("text"), m.get("intent")) for m in load_data(str(nlu)).intent_examples}
    assert (added, "out_of_scope") in examples
    assert len(examples) == len({(m.get("text"), m.get("intent")) for m in
                                 load_data(str(PROJECT_ROOT / "data/nlu.yml")).intent_examples}) + 1
    with pytest.raises(ValueError, match="example of the topic 'chemotherapy'"):
        training_examples.add_out_of_scope("what is chemotherapy for spinal tumors", "erin", entries, facts)
    assert history.entries(facts, "out_of_scope")[0]["changes"]["examples"]["added"] == [added]


def test_the_lock_is_reentrant_and_files_in_facts_stay_valid(facts):
    with topics_file.locked(facts):
        with topics_file.locked(facts):
            document = topics_file.load_cached(facts / "topics.yml")
            topics_file.save_cached(document, facts / "topics.yml")
    assert FactStore.load(facts).get("surgery") is not None
    assert json.loads(json.dumps(yaml.safe_load((facts / "topics.yml").read_text()), default=str))


def test_changing_only_the_title_of_a_topic_with_a_proposal_leaves_its_authors(facts):
    content = review.Content(facts)
    content.save("proton_therapy", values_of(content, "proton_therapy", answer=NEW_ANSWER), "erin",
                 content.version("proton_therapy"))
    content.save("proton_therapy", values_of(content, "proton_therapy", title="Proton beam therapy"), "rita",
                 content.version("proton_therapy"))
    assert content.drafts()["proton_therapy"].authors == ["erin"]
    content.approve("proton_therapy", "rita", "Dr. Rita", content.version("proton_therapy"), TODAY)
    assert approved_answer(facts, "proton_therapy") == NEW_ANSWER

"""The content rules (hospital_faq/content/validation.py): the real fact store breaks none of
them, and each rule fires, naming the topic and the fix, on a crafted bad entry."""
import copy
import datetime
import warnings

import pytest
import yaml

from hospital_faq.content import validation
from hospital_faq.content.validation import Problem, reading_grade, validate, validate_entries
from hospital_faq.paths import FACTS_DIR, PROJECT_ROOT

TODAY = datetime.date(2026, 11, 21)
ENTRIES = yaml.safe_load((FACTS_DIR / "topics.yml").read_text(encoding="utf-8"))
SOURCES = yaml.safe_load((FACTS_DIR / "sources.yml").read_text(encoding="utf-8"))


def test_the_fact_store_has_no_errors_and_its_warnings_are_listed():
    problems = validate()
    errors = [str(p) for p in problems if p.is_error]
    assert not errors, "\n".join(errors)
    for problem in problems:  # shown in pytest's warnings summary
        warnings.warn(str(problem), UserWarning)


def problems_with(change, today=TODAY):
    """The problems of the real store after `change(entries)` altered a copy of it."""
    entries = copy.deepcopy(ENTRIES)
    change(entries)
    return validate_entries(entries, SOURCES, FACTS_DIR, today)


def topic(entries, topic_id):
    return next(e for e in entries if e["id"] == topic_id)


def only(problems, level="error"):
    """The one problem of this level (warnings: of the crafted entry; the real store has some)."""
    found = [p for p in problems if p.level == level and (level == "error" or p.topic == GOOD["id"])]
    assert len(found) == 1, "\n".join(map(str, problems))
    return found[0]


GOOD = {
    "id": "wheelchair_access", "title": "Wheelchair access", "theme": "Visiting",
    "answer": "Every entrance has a ramp. Ask at the front desk for a wheelchair.",
    "source": "spinal_tumor_treatment", "reviewer": "A. Nurse, RN", "review_date": TODAY,
    "quotes": ["Spinal tumor care often requires complex and delicate surgery."],
    "related": ["surgery"],
    "examples": [f"wheelchair question number {word}" for word in
                 "one two three four five six seven eight nine ten".split()],
}


def add(entry):
    return lambda entries: entries.append(entry)


def test_a_good_new_entry_has_no_errors():
    assert not [p for p in problems_with(add(dict(GOOD))) if p.is_error]


@pytest.mark.parametrize("field", ["answer", "examples", "reviewer", "review_date", "related", "title", "quotes"])
def test_a_missing_field_is_named_with_what_to_write(field):
    entry = {k: v for k, v in GOOD.items() if k != field}
    problem = only(problems_with(add(entry)))
    assert problem.topic == "wheelchair_access"
    assert f"missing '{field}'" in problem.message and "Add a line" in problem.message


def test_a_missing_source_says_which_pages_there_are():
    problem = only(problems_with(add({**GOOD, "source": None})))
    assert "has no source" in problem.message and "'medical_treatment'" in problem.message


def test_an_unknown_source_is_an_error():
    problem = only(problems_with(add({**GOOD, "source": "wikipedia"})))
    assert "'wikipedia', which is not in facts/sources.yml" in problem.message


def test_a_quote_not_in_its_source_is_an_error():
    problem = only(problems_with(add({**GOOD, "quotes": ["Spinal tumors are always cured."]})))
    assert "not word for word" in problem.message and "always cured" in problem.message


def test_too_few_example_questions():
    problem = only(problems_with(add({**GOOD, "examples": GOOD["examples"][:7]})))
    assert "has 7 different example questions" in problem.message and "Add 3 or more" in problem.message


def test_an_example_repeated_within_a_topic():
    examples = GOOD["examples"] + ["Wheelchair  question number ONE"]
    problem = only(problems_with(add({**GOOD, "examples": examples})))
    assert "twice" in problem.message


@pytest.mark.parametrize("copied", [
    "what is chemotherapy for spinal tumors",  # word for word
    "What is chemotherapy, for spinal tumors?!",  # case, punctuation and spacing
    "what is chemotherapy for spinal tumor",  # nearly identical
])
def test_the_same_or_a_nearly_identical_example_under_two_topics(copied):
    problem = only(problems_with(add({**GOOD, "examples": GOOD["examples"] + [copied]})))
    assert problem.topic == "wheelchair_access"
    assert "under topic 'chemotherapy'" in problem.message and "remove it from the other" in problem.message


def test_different_questions_that_share_most_words_are_not_near_identical():
    assert not [p for p in problems_with(add({**GOOD, "examples": GOOD["examples"] + ["what is proton therapy for kids"]}))
                if p.is_error]


def test_an_answer_too_long_for_a_text_message():
    answer = "Every entrance has a ramp. " * 20  # 540 characters
    problem = only(problems_with(add({**GOOD, "answer": answer})))
    assert "too long for a text message" in problem.message and f"{validation.MAX_ANSWER_CHARACTERS}" in problem.message


def test_placeholders_are_filled_in_before_the_length_is_measured():
    answer = "Call {phone}. " + "Every entrance has a ramp. " * 17  # 459 + 14 characters when filled in
    assert not [p for p in problems_with(add({**GOOD, "answer": answer})) if p.is_error]


def test_an_old_review_is_a_warning():
    entry = {**GOOD, "review_date": datetime.date(2025, 11, 1)}
    problem = only(problems_with(add(entry)), "warning")
    assert problem.topic == "wheelchair_access" and "more than a year ago" in problem.message
    assert not [p for p in problems_with(add(entry)) if p.is_error]


@pytest.mark.parametrize("date, why", [("21.11.2026", "is not a date"), ("2027-01-01", "in the future")])
def test_a_bad_review_date_is_an_error(date, why):
    assert why in only(problems_with(add({**GOOD, "review_date": date}))).message


def test_a_high_reading_level_is_a_warning():
    answer = ("Chemotherapeutic administration necessitates individualized pharmacological "
              "considerations regarding neurological complications.")
    problem = only(problems_with(add({**GOOD, "answer": answer})), "warning")
    assert "US grade" in problem.message and "grade 6-8" in problem.message


def test_characters_outside_the_sms_alphabet_are_a_warning():
    problem = only(problems_with(add({**GOOD, "answer": GOOD["answer"] + " It’s free 🙂."})), "warning")
    assert "text messages can't send cheaply" in problem.message and "🙂" in problem.message
    assert "’" not in problem.message  # curly quotes are made plain for text messages anyway


def test_a_draft_review_is_a_warning():
    problem = only(problems_with(add({**GOOD, "reviewer": "Engineering team (draft)"})), "warning")
    assert "clinician must review" in problem.message


def test_a_misspelt_field_name_suggests_the_right_one():
    entry = {**GOOD, "exmples": ["x"]}
    problem = only(problems_with(add(entry)))
    assert "'exmples'" in problem.message and "Did you mean 'examples'" in problem.message


def test_an_unknown_related_topic_suggests_the_right_one():
    problem = only(problems_with(add({**GOOD, "related": ["surgury"]})))
    assert "'surgury', which does not exist" in problem.message and "'surgery'" in problem.message


def test_a_bad_id_and_a_second_topic_with_the_same_id():
    assert "lowercase letters" in only(problems_with(add({**GOOD, "id": "Wheelchair Access"}))).message
    problems = problems_with(lambda entries: entries.append({**topic(entries, "surgery"), "examples": GOOD["examples"]}))
    assert any("used by two topics" in p.message for p in problems)


def test_an_unknown_placeholder_is_an_error():
    assert "{fone}" in only(problems_with(add({**GOOD, "answer": "Call {fone}."}))).message


def test_a_broken_file_is_one_clear_error(tmp_path):
    (tmp_path / "sources.yml").write_text((FACTS_DIR / "sources.yml").read_text())
    (tmp_path / "topics.yml").write_text("- id: x\n  answer: [unclosed\n")
    [problem] = validate(tmp_path)
    assert problem.is_error and "not valid YAML" in problem.message and "Undo your last change" in problem.message


def test_problems_read_as_sentences():
    assert str(Problem("error", "surgery", "is missing 'answer'.")) == "ERROR in topic 'surgery': is missing 'answer'."


@pytest.mark.parametrize("text, low, high", [
    ("The cat sat on the mat. It was warm.", -5, 3),
    ("Chemo uses drugs that kill tumor cells. It may be taken by mouth or given by injection.", 3, 8),
    ("Immunotherapeutic pharmacological interventions necessitate comprehensive multidisciplinary evaluation.", 15, 60),
])
def test_the_reading_grade_orders_texts_sensibly(text, low, high):
    assert low <= reading_grade(text) <= high


def test_a_role_with_no_topic_is_said_clearly():
    """Renaming or deleting the booking topic must not silently break booking."""
    problem = only(problems_with(lambda entries: topic(entries, "appointment").update(roles=["other_cancers"])))
    assert "no topic has the role 'booking'" in problem.message and "roles: [booking]" in problem.message


def test_an_unknown_role_suggests_the_right_one():
    problem = only(problems_with(add(dict(GOOD, roles=["bookng"]))))
    assert problem.field == "roles" and "Did you mean 'booking'?" in problem.message


@pytest.mark.parametrize("name, broken", [
    ("messages.yml", "greeting: Hello {hospital}\n"),
    ("messages.yml", "greeting: [unclosed\n"),
    ("hospital.yml", "name: Example Hospital\n"),
])
def test_a_broken_messages_or_hospital_file_is_an_error_that_says_the_last_good_version_stays(tmp_path, monkeypatch, name, broken):
    import shutil

    facts = tmp_path / "facts"
    shutil.copytree(FACTS_DIR, facts)
    hospital = tmp_path / "hospital.yml"
    shutil.copy(PROJECT_ROOT / "hospital.yml", hospital)
    monkeypatch.setenv("HOSPITAL_CONFIG", str(hospital))
    target = hospital if name == "hospital.yml" else facts / name
    if name == "messages.yml":
        broken = target.read_text().replace("greeting: >-", "old_greeting: >-") + broken
    target.write_text(broken)
    [problem] = [p for p in validate(facts, datetime.date.today()) if p.is_error]
    assert name in str(problem) and "keeps using the last version that worked" in problem.message


def test_answers_are_written_for_patients_median_grade_7_5_none_above_9():
    """Patient materials aim for US grade 6-8 (issue 16's target: median at most 7.5, none above 9)."""
    import statistics

    grades = validation.reading_levels()
    assert statistics.median(grades.values()) <= 7.5
    assert {topic: grade for topic, grade in grades.items() if grade > 9} == {}

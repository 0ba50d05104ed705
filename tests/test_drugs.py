"""The reviewed drug lists (facts/drugs.yml): every drug of a class reaches its topic,
and the answer says what the drug is."""
import datetime

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from hospital_faq.content.validation import check_drugs
from hospital_faq.knowledge import replies
from hospital_faq.knowledge.drugs import load_drugs
from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.nlu.drug_screen import DrugScreen
from hospital_faq.nlu.question_details import question_details
from hospital_faq.paths import FACTS_DIR, PROJECT_ROOT

DRUGS = load_drugs()
STORE = FactStore.load()
TODAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize("text, generic, topic", [
    ("what is brigatinib", "brigatinib", "alk_inhibitors"),
    ("Lorbrena side effects", "lorlatinib", "alk_inhibitors"),
    ("is tucatinib a pill", "tucatinib", "her2_blockers"),
    ("my mom is on nerlynx", "neratinib", "her2_blockers"),
    ("T-DM1 for breast cancer in the spine", "ado-trastuzumab emtansine", "her2_blockers"),
    ("what does atezolizumab do", "atezolizumab", "checkpoint_inhibitors"),
    ("Libtayo", "cemiplimab", "checkpoint_inhibitors"),
    ("encorafenib with binimetinib", "encorafenib", "braf_mek_inhibitors"),
    ("is Hemady a steroid", "dexamethasone", "corticosteroids"),
    ("lorlatanib for lung cancer", "lorlatinib", "alk_inhibitors"),  # misspelt
    ("dexamethazone dose", "dexamethasone", "corticosteroids"),
])
def test_a_drug_is_found_by_any_of_its_names_and_belongs_to_its_topic(text, generic, topic):
    mention = DRUGS.find(text)[0]
    assert (mention.drug.generic, mention.drug.drug_class.topic) == (generic, topic)


@pytest.mark.parametrize("text", ["what is proton therapy", "nutrient rich food during chemo", "information please",
                                  "interesting", "dexterity exercises", ""])
def test_ordinary_words_are_not_drugs(text):
    assert DRUGS.find(text) == []


def test_every_drug_class_belongs_to_a_topic_of_the_store():
    assert DRUGS.topics <= {t.id for t in STORE.topics}


def test_the_drug_entity_has_the_generic_name_and_where_it_was_written():
    entities = [e for e in question_details("is Lorbrena the same as lorlatinib?")["entities"] if e["entity"] == "drug"]
    assert entities == [{"entity": "drug", "value": "lorlatinib", "start": 3, "end": 11,
                         "extractor": "QuestionDetailsExtractor"}]


def _screen(text, intent, confidence, *others):
    ranking = [{"name": intent, "confidence": confidence}] + [{"name": n, "confidence": c} for n, c in others]
    message = Message.build(text=text)
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    [screened] = DrugScreen().process([message])
    return screened.get("intent")["name"]


@pytest.mark.parametrize("text, intent, confidence, expected", [
    ("what is tucatinib", "ask_braf_mek_inhibitors", 0.9, "ask_her2_blockers"),  # a neighbouring class, however sure
    ("what is lorlatinib", "ask_targeted_therapy", 0.8, "ask_alk_inhibitors"),
    ("cemiplimab?", "nlu_fallback", 0.3, "nlu_fallback"),  # not a topic the classifier chose
    ("cemiplimab?", "out_of_scope", 0.3, "ask_checkpoint_inhibitors"),  # unsure it was out of scope
    ("where do I pick up my keytruda prescription", "out_of_scope", 0.9, "out_of_scope"),  # sure: left alone
    ("is tukysa a pill", "ask_targeted_therapy_administration", 0.8, "ask_targeted_therapy_administration"),
    ("is tukysa a pill", "ask_targeted_therapy_administration", 0.4, "ask_her2_blockers"),
    ("should my mom stop her lorlatinib", "medical_advice", 0.6, "medical_advice"),
    ("lorlatinib or tucatinib", "ask_braf_mek_inhibitors", 0.6, "ask_braf_mek_inhibitors"),  # two classes: no guess
])
def test_the_drug_screen_keeps_a_named_drug_on_its_topic(text, intent, confidence, expected):
    assert _screen(text, intent, confidence) == expected


def test_a_neighbouring_class_is_corrected_even_in_a_toss_up_with_a_personal_question():
    assert _screen("is lorlatinib chemo", "ask_chemotherapy", 0.42, ("medical_advice", 0.38)) == "ask_alk_inhibitors"
    assert _screen("lorlatinib for my dad?", "ask_targeted_therapy_results", 0.42,
                   ("medical_advice", 0.38)) == "ask_targeted_therapy_results"  # unsure, maybe personal: left


def test_the_drug_screen_is_unsure_where_the_fallback_is():
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())["pipeline"]
    settings = {c["name"].rsplit(".", 1)[-1]: c for c in config}
    assert settings["DrugScreen"]["unsure_below"] == settings["FallbackClassifier"]["threshold"]


@pytest.mark.parametrize("text, topic, expected", [
    ("what is Lorbrena?", "alk_inhibitors", "Lorbrena (lorlatinib) is an ALK inhibitor. ALK inhibitors are"),
    ("brigatinib vs alectinib", "alk_inhibitors", "Brigatinib and alectinib are ALK inhibitors. ALK inhibitors"),
    ("is tukysa a pill", "targeted_therapy_administration", "Tukysa (tucatinib) is a HER2 blocker. Some targeted"),
    ("what is Hemady", "corticosteroids", "Hemady (dexamethasone) is a corticosteroid (a steroid medicine). Corticosteroids"),
])
def test_the_answer_says_what_the_named_drug_is_first(text, topic, expected):
    answer = replies.topic_answer(STORE, STORE.get(topic), named_drugs=DRUGS.find(text))["text"]
    assert answer.startswith(expected)


@pytest.mark.parametrize("text, topic", [("is keytruda chemo?", "checkpoint_inhibitors"),
                                         ("what is dexamethasone", "corticosteroids"),
                                         ("keytrudah", "checkpoint_inhibitors")])
def test_no_sentence_when_the_answer_already_names_the_drug(text, topic):
    answer = replies.topic_answer(STORE, STORE.get(topic), named_drugs=DRUGS.find(text))["text"]
    assert answer.startswith(STORE.get(topic).answer[:40])


def test_the_drug_list_breaks_no_rule():
    problems = check_drugs(FACTS_DIR / "drugs.yml", {t.id for t in STORE.topics}, TODAY)
    assert [p for p in problems if p.is_error] == []


def _entry(**changes):
    entry = {"class": "ALK inhibitors", "topic": "alk_inhibitors", "one": "an ALK inhibitor", "many": "ALK inhibitors",
             "references": [{"title": "FDA label", "url": "https://dailymed.nlm.nih.gov/dailymed/"}],
             "reviewer": "Dr. A. Pharmacist", "review_date": "2026-11-30", "drugs": [{"generic": "lorlatinib"}]}
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


@pytest.mark.parametrize("entries, expected", [
    ([_entry(topic="alk_inhibtors")], "not in topics.yml. Did you mean 'alk_inhibitors'?"),
    ([_entry(references=[{"title": "a page", "url": "http://example.org"}])], "https:// link"),
    ([_entry(references=None)], "is missing 'references'"),
    ([_entry(), _entry(**{"class": "Other", "drugs": [{"generic": "x", "brands": ["Lorlatinib"]}]})],
     "'Lorlatinib' is also listed under the class 'ALK inhibitors'"),
    ([_entry(drugs=[{"generic": "lorlatinib", "brand": ["Lorbrena"]}])], "has a field 'brand'"),
    ([_entry(review_date="2027-01-01")], "in the future"),
    ([_entry(one="an {ALK} inhibitor")], "may not contain"),
    ("- class: [broken", "not valid YAML"),
])
def test_each_rule_of_the_drug_list_fires_on_a_crafted_bad_file(tmp_path, entries, expected):
    path = tmp_path / "drugs.yml"
    path.write_text(entries if isinstance(entries, str) else yaml.safe_dump(entries))
    problems = check_drugs(path, {t.id for t in STORE.topics}, TODAY)
    assert any(p.is_error and expected in p.message for p in problems), [p.message for p in problems]


def test_a_draft_drug_list_is_a_warning(tmp_path):
    path = tmp_path / "drugs.yml"
    path.write_text(yaml.safe_dump([_entry(reviewer="Engineering team (draft)")]))
    [problem] = check_drugs(path, {"alk_inhibitors"}, TODAY)
    assert not problem.is_error and "draft" in problem.message and problem.file == "facts/drugs.yml"

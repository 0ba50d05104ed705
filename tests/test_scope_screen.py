"""The scope screen: questions about another cancer or condition are not answered with a spine fact."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.nlu.scope_screen import ScopeScreen, about_something_else, exempt_topics


@pytest.mark.parametrize("text", [
    "is keytruda used for stage 3 lung cancer",
    "radiation for prostate cancer, how many sessions",
    "methotrexate shots for psoriasis",
    "what does surgery for a slipped disc involve",
])
def test_other_conditions_without_the_spine_are_out_of_scope(text):
    assert about_something_else(text)


@pytest.mark.parametrize("text", [
    "my dad has lung cancer in his spine, what's the drug that targets ALK",
    "breast cancer that spread to the bones, can radiation help",
    "is keytruda a targeted therapy?",
    "prostate cancer in my dad's L4, can they treat it with SBRT",
    "what is proton therapy",
])
def test_spine_questions_stay_in_scope(text):
    assert not about_something_else(text)


def test_no_training_example_of_a_screened_topic_would_be_screened():
    store = FactStore.load()
    screened = [(t.id, e) for t in store.topics if t.id not in exempt_topics()
                for e in t.examples if about_something_else(e)]
    assert screened == []


def _classified(text, intent, confidence=0.8):
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    return message


def test_the_component_turns_a_topic_into_out_of_scope_and_leaves_others():
    screen = ScopeScreen()
    other, exempt, spine = screen.process([
        _classified("how often is Keytruda given for lung cancer", "ask_checkpoint_inhibitors"),
        _classified("what is ALK-positive lung cancer", "ask_alk_inhibitors"),
        _classified("is Keytruda given for cancer in the spine", "ask_checkpoint_inhibitors"),
    ])
    assert other.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert exempt.get("intent")["name"] == "ask_alk_inhibitors"
    assert spine.get("intent")["name"] == "ask_checkpoint_inhibitors"


def test_a_message_in_another_language_is_out_of_scope():
    [spanish] = ScopeScreen().process([_classified("¿Qué es la quimioterapia intratecal?", "ask_intrathecal_chemo")])
    assert spanish.get("intent")["name"] == "out_of_scope"


def test_the_exempt_topics_are_the_ones_marked_in_the_fact_store():
    """Marked there with roles: [other_cancers], not named in code: renaming a topic keeps it exempt."""
    assert exempt_topics() == {t.id for t in FactStore.load().topics if "other_cancers" in t.roles}
    assert {"appointment", "alk_inhibitors", "her2_blockers"} <= exempt_topics()


@pytest.mark.parametrize("text", [
    "what should we do about my father's pancreatic cancer",
    "my mom has bladder cancer, is chemo the right treatment for her",
    "should my husband have surgery for his stomach cancer",
    "is immunotherapy a good idea for my mother's ovarian cancer",
    "how long does my dad have with pancreatic cancer",
])
def test_a_personal_question_about_another_disease_is_declined_as_personal(text):
    for predicted in ("ask_chemotherapy", "out_of_scope"):
        [message] = ScopeScreen().process([_classified(text, predicted)])
        assert message.get("intent")["name"] == "medical_advice", (text, predicted)


@pytest.mark.parametrize("text, predicted, expected", [
    ("is keytruda used for stage 3 lung cancer", "ask_checkpoint_inhibitors", "out_of_scope"),  # a question, not advice
    ("should I bring my insurance card", "out_of_scope", "out_of_scope"),  # personal, but not about health
    ("what are proton pump inhibitors", "ask_proton_therapy", "out_of_scope"),  # a word of a topic in another thing
    ("can I take omeprazole with my proton therapy", "ask_proton_therapy", "medical_advice"),
    ("cortisone shot in my knee", "ask_corticosteroids", "out_of_scope"),
    ("should my dad have proton therapy for his spine tumor", "medical_advice", "medical_advice"),
])
def test_near_misses_and_plain_questions_keep_their_kind_of_reply(text, predicted, expected):
    [message] = ScopeScreen().process([_classified(text, predicted)])
    assert message.get("intent")["name"] == expected


def test_a_guess_between_a_topic_and_a_personal_question_is_declined_as_personal():
    message = Message.build(text="should my dad keep taking his Tafinlar")
    ranking = [{"name": "ask_braf_mek_inhibitors", "confidence": 0.45}, {"name": "medical_advice", "confidence": 0.4}]
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    [screened] = ScopeScreen().process([message])
    assert screened.get("intent") == {"name": "medical_advice", "confidence": 1.0}


def test_a_personal_question_is_declined_even_when_the_classifier_was_unsure():
    [message] = ScopeScreen().process([_classified("so do I keep going with it or not", "medical_advice", 0.3)])
    assert message.get("intent") == {"name": "medical_advice", "confidence": 1.0}


@pytest.mark.parametrize("text", [
    "I have been diagnosed with lupus and my joints hurt. What can I do?",
    "my son has asthma, is there any treatment that would help him",
    "my mother has diabetes, what are her options now",
])
def test_asking_for_help_with_ones_own_condition_is_personal(text):
    [message] = ScopeScreen().process([_classified(text, "out_of_scope")])
    assert message.get("intent")["name"] == "medical_advice"

"""A Rasa NLU component that keeps the assistant to the question it was asked.

The fact store is about spinal tumors. "How often is Keytruda given for lung
cancer?" shares its drug name with a topic, and the classifier would answer it with
the spinal-tumor fact about Keytruda: a true sentence, but not an answer to the
question. When a message is about another cancer or another condition and says
nothing about the spine, the brain or cancer spreading, this screen turns a topic
prediction into "out of scope", so the person is told what the assistant covers and
where to ask instead. A message not written in English is out of scope too (see
language.py).

A personal question stays a personal question whatever the disease: "should my dad have
chemo for his pancreatic cancer?" gets the "I can't advise on your own care" reply, not
"I can't answer that here" (personal_questions.py). That holds too for a health question
the classifier took for out of scope, and for a message whose likeliest reading was a
personal question. It runs after the classifier and before the urgent and emergency
screens, which still have the last word.
"""
import re
from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from hospital_faq.knowledge.fact_store import OTHER_CANCERS, current_store, topic_id_of
from hospital_faq.knowledge.drugs import current_drugs
from hospital_faq.nlu.intent_screen import IntentScreen, Ranking, in_doubt_about
from hospital_faq.nlu.language import is_english
from hospital_faq.nlu.personal_questions import asks_for_personal_advice

OUT_OF_SCOPE_INTENT = "out_of_scope"
MEDICAL_ADVICE_INTENT = "medical_advice"

_OTHER_CONDITION = re.compile(
    r"\b(?:(?:lung|breast|prostate|skin|throat|colon|colorectal|bowel|ovarian|cervical|"
    r"pancreatic|stomach|liver|bladder|testicular|thyroid|head and neck|oral|uterine)\s+cancers?"
    r"|leukemia|leukaemia|arthritis|psoriasis|lupus|crohn'?s|asthma|copd|eczema|allerg\w*|hay fever|"
    r"heartburn|reflux|ulcers?|pregnan\w*|ectopic|herniated|slipped disc|bulging disc|sciatica|"
    r"meningitis|migraines?|diabetes)\b",
    re.IGNORECASE,
)
# Other things that share a word with a topic: "proton pump inhibitors" are heartburn
# drugs, not proton therapy; a cortisone shot in a knee is not steroids for a spinal tumor.
# Whatever else the message says, these are never answered with a topic.
_NOT_A_TOPIC = re.compile(
    r"\b(?:proton[\s-]+pumps?(?:\s+inhibitors?)?|ppis?|omeprazole|esomeprazole|pantoprazole|lansoprazole|rabeprazole"
    r"|nexium|prilosec|protonix|cortisone (?:shots?|injections?)|epidural steroids?|anabolic steroids?"
    r"|steroid (?:eye ?drops|creams?|ointments?|inhalers?|nasal sprays?|sprays?))\b",
    re.IGNORECASE,
)
# Words that make a question about someone's care a health question (not parking or billing).
_HEALTH = re.compile(
    r"\b(?:cancers?|tumou?rs?|chemo\w*|radiation|radiotherapy|surgery|operation|treatment|therapy|drugs?|medicines?"
    r"|medications?|pills?|doses?|scans?|mri|biopsy|diagnos\w*|oncologist|symptoms?|pain|immunotherapy|steroids?"
    r"|trials?|hospice|metasta\w*|mets|stage\s+\d|lymphoma|myeloma|melanoma|sarcoma|carcinoma)\b",
    re.IGNORECASE,
)
# Words that tie a message to this assistant's subject after all.
_SPINE_CONTEXT = re.compile(
    r"\b(?:spin\w*|vertebr\w*|backbone|back|neck|cord|csf|cns|brain|bones?|spread\w*|metasta\w*|mets|"
    r"tumou?rs?|lesions?|mass"
    r"|[ctl]\d{1,2}|s[1-5])\b",  # a vertebra by its level: C5, T10, L4, S1
    re.IGNORECASE,
)


def about_something_else(text: str) -> bool:
    """True when the message names another cancer or condition and nothing of the spine."""
    return bool(_OTHER_CONDITION.search(text or "")) and not _SPINE_CONTEXT.search(text or "")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ScopeScreen(IntentScreen):
    def replacement(self, predicted: str, text: str, ranking: Ranking = ()) -> Optional[str]:
        if not is_english(text):  # answered with where to get help in another language
            return OUT_OF_SCOPE_INTENT
        topic = topic_id_of(predicted)
        screened = topic and (_NOT_A_TOPIC.search(text) or about_something_else(text) and topic not in exempt_topics())
        if predicted == MEDICAL_ADVICE_INTENT:
            # The likeliest reading is a personal question: declined kindly, however unsure ("ask your
            # care team" with the appointment prompt is never a wrong fact; "did you mean" would offer some).
            return MEDICAL_ADVICE_INTENT
        personal = is_personal_health_question(text)
        if personal and (screened or predicted == OUT_OF_SCOPE_INTENT or in_doubt_about(MEDICAL_ADVICE_INTENT, ranking)):
            # A personal question (or a guess between a personal and another reading of one): declined kindly.
            return MEDICAL_ADVICE_INTENT
        if screened:
            return OUT_OF_SCOPE_INTENT
        return None


def is_personal_health_question(text: str) -> bool:
    """Asks for advice about someone's own care, in a health matter (any disease, any drug)."""
    return asks_for_personal_advice(text) and bool(
        _HEALTH.search(text) or _OTHER_CONDITION.search(text) or current_drugs().find(text))


def exempt_topics() -> set:
    """Topics where naming another cancer is part of the question, marked in the fact store
    with the role "other_cancers": those about the hospital rather than a treatment, and the
    drugs whose subject is a cancer that spreads to the spine (ALK inhibitors: lung cancer)."""
    return {topic.id for topic in current_store().with_role(OTHER_CANCERS)}

"""Which questions ask for something the topic answers don't cover."""
import pytest

from hospital_faq.nlu.question_aspects import uncovered_aspect


@pytest.mark.parametrize("text, aspect", [
    ("Aresteroids safe", "side_effects"),
    ("what are the side-effects of keytruda", "side_effects"),
    ("is gamma knife painful", "side_effects"),
    ("risks of spinal tumor surgery?", "side_effects"),
    ("Can Herceptin cause heart problems?", "side_effects"),
    ("will chemo make me lose my hair", "side_effects"),
    ("does dex give you trouble sleeping", "side_effects"),
    ("how much does proton therapy cost", "cost"),
    ("does medicare pay for proton therapy", "cost"),
    ("what is the success rate of spine surgery", "outcomes"),
    ("survival rate with targeted therapy", "outcomes"),
    ("how long does it take to recover from spine surgery", "schedule"),
    ("how often is intrathecal chemo given", "schedule"),
    ("how many sessions of SBRT will I need", "schedule"),
    ("how long does immunotherapy last", "schedule"),
    ("what is the outlook for spinal metastases on targeted therapy", "outcomes"),
    ("prognosis with ALK positive lung cancer in the spine", "outcomes"),
    ("does proton therapy work for everyone", "outcomes"),
    ("does lorlatinib work for everyone", "outcomes"),
    ("is chemo a cure for spinal tumors", "outcomes"),
    ("what's the usual dose of dexamethasone", "dosage"),
    ("dosage of tucatinib", "dosage"),
    ("how many mg of decadron do people take", "dosage"),
    ("how much radiation do they give for spine mets", "dosage"),
])
def test_questions_about_an_uncovered_aspect(text, aspect):
    assert uncovered_aspect(text) == aspect


@pytest.mark.parametrize("text", [
    "what is intrathecal chemo?",
    "is Keytruda a targeted therapy?",
    "will I need surgery?",
    "ommaya?",
    "my dad has lung cancer in his spine, what's the drug that targets ALK",
    "do targeted drugs shrink spinal tumors",
    "how often does targeted therapy shrink spine tumors",
    "how do targeted therapies block cancer survival pathways",
    "the doctor wants to give me high dose chemo through a vein",
    "radiation to relieve spinal cord compression caused by a tumor",
    "how can I lower my risk of cancer",
    "what is high dose IV chemo",
    "how well do targeted therapies work for spinal tumors",
    "why do they give such a big dose of chemo through the vein",
    "how do targeted therapies block cancer survival pathways",
    "I'd like to talk to someone who survived a spinal tumor",
    "",
])
def test_questions_the_answers_cover(text):
    assert uncovered_aspect(text) is None

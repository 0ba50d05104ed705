"""The deterministic safety screens: symptoms described now reach "call 911"; symptoms
getting worse over days or weeks reach "call your care team today"; a doubt goes up."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from hospital_faq.nlu.emergency_patterns import describes_emergency
from hospital_faq.nlu.emergency_screen import EmergencyScreen
from hospital_faq.nlu.urgent_patterns import describes_worsening_symptoms
from hospital_faq.nlu.urgent_screen import UrgentScreen


@pytest.mark.parametrize("text", [
    "I suddenly can't feel my legs",
    "my mom can't move her legs since an hour ago",
    "I lost control of my bladder this morning",
    "he's had loss of bowel control since lunch",
    "I wet myself and didn't even feel it",
    "numbness in my groin and inner thighs",
    "my legs just gave out and I can't stand",
    "severe new back pain, worse than ever",
    "my legs went numb this morning, what is radiosurgery?",
    "I CAN'T WALK",
    "dad is paralyzed from the waist down since today",
    "I can't pee and my back is killing me",
    "he hasn't peed since last night",
    "she's had trouble emptying her bladder since this morning",
    "unable to urinate for 12 hours",
    "I can't feel the toilet paper when I wipe",
    "my mom has a spine tumor and she suddenly can't get out of her chair",
    "new horrible back pain tonight, worst ever, and I have a spine tumor",
    "today my legs are weaker than ever, can I just take an extra pill and wait?",
    "he couldn't climb the stairs tonight, his legs keep buckling",
    "weakness in both legs since this morning",
    "my legs stopped working an hour ago",
    "dad says he's numb from the waist down",
    "I can't hold my pee anymore since this morning",
    "the numbness is spreading up to my knees",
    "my bum and inner thighs have gone numb",
    "she's dragging her left leg since lunch",
    "sudden loss of feeling in my legs",
])
def test_emergency_symptoms_are_recognised(text):
    assert describes_emergency(text)


@pytest.mark.parametrize("text", [
    "what is intrathecal chemo?",
    "can steroids reduce swelling around the spinal cord?",
    "will I be paralyzed after my surgery",
    "back pain after lifting boxes at work",
    "methotrexate for rheumatoid arthritis",
    "how soon can I walk after spine surgery",
    "does chemo make you pee a lot",
    "can I pee normally after spinal surgery",
    "will chemo make me feel weak and tired",
    "my feet are numb from chemo, is that normal",
    "my daughter wets the bed at night",
    "let me talk to a doctor",
    "is back pain a symptom of a spinal tumor",
    "",
])
def test_ordinary_questions_are_not_emergencies(text):
    assert not describes_emergency(text)


# --- the urgent level: symptoms getting worse over days or weeks ----------------------

@pytest.mark.parametrize("text", [
    "My dad's legs have been getting weaker over the past two weeks",
    "the numbness in her feet has been spreading up her legs over the last few days",
    "my husband has been dropping things and his hands feel weak, he has a tumor in his neck",
    "over the last week mom has had more and more trouble with the stairs",
    "his back pain is much worse since he started radiation",
    "she has new pain in her mid back that wakes her up at night",
    "my arms have been tingling for a few days and it's getting worse",
    "I keep stumbling lately and my balance is off",
    "walking has gotten slower and slower since christmas",
    "we noticed his grip getting weaker this past week",
])
def test_worsening_symptoms_are_urgent_not_emergencies(text):
    assert describes_worsening_symptoms(text)
    assert not describes_emergency(text)


@pytest.mark.parametrize("text", [
    "my legs have been getting weaker over the past week and today they gave way",
    "numbness spreading up my legs for a few days and since this morning I can't walk",
    "his legs are getting weaker by the hour",
    "my legs feel weak",  # no time course: when in doubt, the higher level
])
def test_a_slow_course_with_anything_sudden_or_no_course_at_all_stays_an_emergency(text):
    assert describes_emergency(text)


@pytest.mark.parametrize("text", [
    "will I have trouble walking after surgery",
    "can chemo make your hands numb",
    "is back pain a symptom of a spinal tumor",
    "back pain that's worse at night, can that be a sign of a tumor in general?",
    "my feet are numb from chemo, is that normal",
    "fingertips numb and tingly since my chemo started, is that ok to keep going with it",
    "does radiation make your back hurt worse",
    "my back hurts",
    "what is proton therapy",
    "",
])
def test_questions_and_stable_symptoms_are_not_urgent(text):
    assert not describes_worsening_symptoms(text)


def _classified(text, ranking):
    message = Message.build(text=text)
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    return message


def _screened(text, *ranking):
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    [message] = EmergencyScreen().process(UrgentScreen().process([_classified(text, ranked)]))
    return message.get("intent")


def test_the_screens_set_each_level_surely_and_emergency_wins():
    assert _screened("my arms are getting weaker this week", ("ask_surgery", 0.7)) == {"name": "urgent", "confidence": 1.0}
    assert _screened("my legs gave way today", ("urgent", 0.9)) == {"name": "emergency", "confidence": 1.0}
    assert _screened("mom is slower on her feet", ("urgent", 0.35), ("medical_advice", 0.3)) == {
        "name": "urgent", "confidence": 1.0}  # unsure, but urgent was its best guess
    assert _screened("what is proton therapy", ("ask_proton_therapy", 0.9)) == {"name": "ask_proton_therapy", "confidence": 0.9}


def test_a_doubt_between_levels_goes_to_the_higher_one():
    assert _screened("dad's legs are not right", ("medical_advice", 0.4), ("urgent", 0.35))["name"] == "urgent"
    assert _screened("dad's legs are not right", ("urgent", 0.4), ("emergency", 0.35))["name"] == "emergency"
    assert _screened("dad's legs are not right", ("medical_advice", 0.6), ("urgent", 0.2))["name"] == "medical_advice"


def test_a_flat_ranking_is_no_doubt_between_levels():
    """'the doctor mentioned something': every intent a little likely is not a guess at urgent."""
    assert _screened("the doctor mentioned something", ("ask_surgery", 0.12), ("urgent", 0.11),
                     ("medical_advice", 0.1))["name"] == "ask_surgery"


def test_urgent_by_its_patterns_is_an_emergency_when_the_classifier_thought_that_at_least_as_likely():
    assert _screened("my arms are getting weaker this week", ("emergency", 0.3), ("ask_surgery", 0.28),
                     ("urgent", 0.2))["name"] == "emergency"


def test_an_unsure_guess_at_urgent_needs_a_symptom():
    # not made sure: the fallback after the screens asks "did you mean" instead
    assert _screened("the doctor mentioned something", ("urgent", 0.3), ("ask_surgery", 0.2)) == {
        "name": "urgent", "confidence": 0.3}
    assert _screened("dad's legs are not right lately", ("urgent", 0.3), ("ask_surgery", 0.2)) == {
        "name": "urgent", "confidence": 1.0}
    assert _screened("the doctor mentioned something", ("urgent", 0.7)) == {"name": "urgent", "confidence": 1.0}


@pytest.mark.parametrize("text", [
    "since this morning his hands are weak and he keeps dropping things",
    "she suddenly can't button her shirt and her arms feel weak",
])
def test_an_urgent_kind_of_symptom_that_came_on_fast_is_an_emergency(text):
    assert describes_emergency(text)

"""The deterministic emergency screen: symptoms described now reach "call 911"."""
import pytest

from hospital_faq.nlu.emergency_patterns import describes_emergency


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

""""Did this answer help?" and the content team's report, with the running assistant:
real conversations over REST, kept in its SQLite tracker store, then reported."""
import uuid

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from hospital_faq.content import report
from hospital_faq.knowledge.fact_store import comparison_key
from hospital_faq.ops import conversation_store
from hospital_faq.knowledge.hospital import load_hospital

# Starts the Rasa and action servers (or trains): `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration


HOSPITAL = load_hospital()
PROMPT_BUTTON = {"title": "Make an appointment", "payload": "/ask_appointment"}
FEEDBACK_BUTTONS = [{"title": "👍 Helpful", "payload": "/feedback_helpful"},
                    {"title": "👎 Not helpful", "payload": "/feedback_not_helpful"}]
THANKS = "Thank you for telling us. Is there anything else"
SORRY = "Thank you for telling us; we'll use it to improve this answer."


def new_sender():
    return f"test-{uuid.uuid4().hex[:8]}"


def test_a_web_answer_offers_helpful_buttons_and_still_ends_with_the_appointment_prompt(assistant):
    reply = assistant.ask("what is proton therapy?", new_sender())
    assert reply[0]["text"].startswith("Proton therapy is a type of radiation therapy")
    assert reply[0]["buttons"] == FEEDBACK_BUTTONS
    assert reply[-1]["buttons"] == [PROMPT_BUTTON]


def test_the_booking_answer_asks_no_feedback(assistant):
    reply = assistant.ask(PROMPT_BUTTON["payload"], new_sender())
    assert not reply[0].get("buttons")


def test_helpful_and_not_helpful_are_understood_typed_tapped_or_as_thumbs(assistant):
    for said, expected in [("/feedback_helpful", THANKS), ("helpful", THANKS), ("👍", THANKS),
                           ("/feedback_not_helpful", SORRY), ("not helpful", SORRY), ("👎", SORRY)]:
        sender = new_sender()
        assistant.ask("what is an ommaya reservoir", sender)
        reply = assistant.ask(said, sender)
        assert reply[0]["text"].startswith(expected), (said, reply)
        if expected == SORRY:  # still no answer: how to reach the team comes last
            assert HOSPITAL.phone in reply[0]["text"] and reply[-1]["buttons"] == [PROMPT_BUTTON]


def test_yes_after_an_answer_still_books(assistant):
    sender = new_sender()
    assistant.ask("what is an ommaya reservoir", sender)
    reply = assistant.ask("yes", sender)
    assert HOSPITAL.phone in reply[0]["text"] and HOSPITAL.appointment_url in reply[0]["text"]


def test_text_channels_ask_for_a_typed_reply_and_keep_the_prompt_last():
    parse = {"text": "what is proton therapy", "intent": {"name": "ask_proton_therapy", "confidence": 0.9},
             "intent_ranking": [{"name": "ask_proton_therapy", "confidence": 0.9}], "entities": []}
    events = [{"event": "user", "text": parse["text"], "parse_data": parse, "input_channel": "twilio"}]
    tracker = Tracker("+15550100", {}, parse, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    actions.ActionAnswerTopic().run(dispatcher, tracker, {})
    answer, prompt = dispatcher.messages
    assert answer["text"].endswith("Did this answer help? Reply HELPFUL or NOT HELPFUL.")
    assert not answer.get("buttons") and not prompt.get("buttons")
    assert HOSPITAL.phone in prompt["text"]


def counts(assistant):
    result = report.report(conversation_store.store_config(assistant.endpoints))
    unanswered = {comparison_key(g.question): g for g in result.unanswered}
    return result, unanswered


def test_the_report_counts_what_the_running_assistant_could_not_answer(assistant):
    parking = "where can i park my car"  # as the report groups it: lowercase, no punctuation
    before, unanswered = counts(assistant)
    parked = unanswered[parking].count if parking in unanswered else 0
    vague = "the doctor mentioned something"  # as in tests/test_stories.yml: not understood
    puzzled = unanswered[vague].count if vague in unanswered else 0
    proton = before.topics.get("proton_therapy", report.TopicCounts())

    for message in ["where can I park my car", "Where can I park my car?", "where can I park my car"]:
        assistant.ask(message, new_sender())
    assistant.ask(vague, new_sender())
    for feedback in ["/feedback_helpful", "not helpful"]:
        sender = new_sender()
        assistant.ask("what is proton therapy?", sender)
        assistant.ask(feedback, sender)

    after, unanswered = counts(assistant)
    assert unanswered[parking].count == parked + 3
    assert unanswered[parking].what_happened == {"out of scope"}
    assert unanswered[vague].count == puzzled + 1
    assert after.unanswered[0].question == vague  # newest first
    assert "not understood" in " ".join(after.unanswered[0].what_happened)
    topic = after.topics["proton_therapy"]
    assert (topic.answered, topic.helpful, topic.not_helpful) == (
        proton.answered + 2, proton.helpful + 1, proton.not_helpful + 1)

"""The running assistant over its REST channel, as a website or the terminal chat uses it."""
import uuid

import pytest

from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.knowledge.hospital import load_hospital

# Starts the Rasa and action servers (or trains): `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration

STORE = FactStore.load()
HOSPITAL = load_hospital()
PROMPT_BUTTON = {"title": "Make an appointment", "payload": "/ask_appointment"}


def new_sender():
    return f"test-{uuid.uuid4().hex[:8]}"


def texts(reply):
    return [m.get("text", "") for m in reply]


def assert_ends_with_prompt(reply):
    assert reply, "the assistant sent nothing"
    assert reply[-1].get("buttons") == [PROMPT_BUTTON], reply[-1]


@pytest.mark.parametrize("topic", STORE.topics, ids=lambda t: t.id)
def test_every_topic_is_answered_with_its_fact_and_the_appointment_prompt(assistant, topic):
    reply = assistant.ask(topic.examples[0], new_sender())
    answer = topic.answer.format(**HOSPITAL.template_values())
    assert reply[0]["text"].startswith(answer), f"asked {topic.examples[0]!r}, got {reply[0]['text'][:120]!r}"
    if topic.id == "appointment":
        assert HOSPITAL.phone in reply[0]["text"]
    else:
        assert_ends_with_prompt(reply)


def test_a_conversation_with_follow_ups_and_booking(assistant):
    sender = new_sender()
    greeting = assistant.ask("hello", sender)
    assert "not medical advice" in greeting[0]["text"]
    answer = assistant.ask("what is intrathecal chemo?", sender)
    assert answer[0]["text"].startswith("Intrathecal chemotherapy is chemo given by an injection")
    how = assistant.ask("how is it given?", sender)
    assert "Ommaya reservoir" in how[0]["text"]
    assert_ends_with_prompt(how)
    side_effects = assistant.ask("what are the side effects?", sender)
    assert "care team" in side_effects[0]["text"]
    assert_ends_with_prompt(side_effects)
    booking = assistant.ask("yes", sender)
    assert HOSPITAL.phone in booking[0]["text"] and HOSPITAL.appointment_url in booking[0]["text"]


def test_the_appointment_button_leads_to_how_to_book(assistant):
    reply = assistant.ask(PROMPT_BUTTON["payload"], new_sender())
    assert HOSPITAL.phone in reply[0]["text"] and HOSPITAL.appointment_url in reply[0]["text"]


@pytest.mark.parametrize("message", [
    "Is Keytruda a targeted therapy?",
    "is keytruda chemo??",
    "what are checkpoint inhibitors",
])
def test_brand_names_reach_the_right_answer(assistant, message):
    reply = assistant.ask(message, new_sender())
    assert reply[0]["text"].startswith("Checkpoint inhibitors are drugs")


def test_emergency_comes_first_even_inside_a_question(assistant):
    reply = assistant.ask("my legs went numb this morning and I can't walk, what is radiosurgery?", new_sender())
    assert f"Call {HOSPITAL.emergency_number}" in reply[0]["text"]


def test_symptoms_getting_worse_get_the_urgent_reply_and_nothing_after_it(assistant):
    reply = assistant.ask("over the last week my dad's hands have gotten weaker and he keeps dropping his cup, "
                          "he has a tumor in his neck", new_sender())
    assert len(reply) == 1 and not reply[0].get("buttons")
    assert "care team today" in reply[0]["text"] and HOSPITAL.after_hours_phone in reply[0]["text"]


@pytest.mark.parametrize("message, start", [
    ("what is lorlatinib?", "Lorlatinib is an ALK inhibitor. ALK inhibitors are"),
    ("is Tukysa used for breast cancer that spread to the spine", "Tukysa (tucatinib) is a HER2 blocker. HER2 blockers"),
    ("what is atezolizumab", "Atezolizumab is a checkpoint inhibitor (a kind of immunotherapy). Checkpoint inhibitors"),
])
def test_a_drug_the_pages_do_not_name_reaches_its_class(assistant, message, start):
    reply = assistant.ask(message, new_sender())
    assert reply[0]["text"].startswith(start), reply[0]["text"][:160]
    assert_ends_with_prompt(reply)


def test_a_personal_question_about_another_disease_is_declined_as_personal(assistant):
    reply = assistant.ask("my mom has bladder cancer, should she have chemo?", new_sender())
    assert "can't give advice about your own care" in reply[0]["text"]


def test_personal_advice_is_declined_with_the_prompt(assistant):
    reply = assistant.ask("should I stop my dexamethasone?", new_sender())
    assert "can't give advice about your own care" in reply[0]["text"]
    assert_ends_with_prompt(reply)


@pytest.mark.parametrize("message", ["where do I park?", "can you help me with my bill",
                                     "is keytruda used for stage 3 lung cancer",
                                     "methotrexate shots for psoriasis, are they safe"])
def test_out_of_scope_is_declined_not_answered_with_a_fact(assistant, message):
    reply = assistant.ask(message, new_sender())
    assert not any(t.answer[:40] in " ".join(texts(reply)) for t in STORE.topics)
    assert_ends_with_prompt(reply)


@pytest.mark.parametrize("message", ["help", "what can I ask you?"])
def test_help_lists_the_topics(assistant, message):
    reply = assistant.ask(message, new_sender())
    payloads = {b["payload"] for m in reply for b in m.get("buttons", [])}
    assert "/ask_intrathecal_chemo" in payloads and "/ask_proton_therapy" in payloads


@pytest.mark.parametrize("message", ["", "   ", "😀🙏", "x" * 10_000, "¿Qué es la quimioterapia intratecal?",
                                     "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_odd_messages_get_a_sensible_reply(assistant, message):
    reply = assistant.ask(message, new_sender())
    assert reply and reply[0].get("text")
    assert all("<script>" not in t and "onerror" not in t for t in texts(reply))
    assert_ends_with_prompt(reply)


@pytest.mark.parametrize("message", ["¿Qué es la quimioterapia intratecal?", "我爸爸脊柱有肿瘤，化疗怎么做？"])
def test_another_language_is_told_where_to_get_help_in_it(assistant, message):
    reply = assistant.ask(message, new_sender())
    assert "I can only answer in English" in reply[0]["text"] and HOSPITAL.phone in reply[0]["text"]
    assert not any(t.answer[:40] in " ".join(texts(reply)) for t in STORE.topics)
    assert_ends_with_prompt(reply)


@pytest.mark.parametrize("raw, why", [
    ('{"sender": "a",', "not a JSON object"),
    ("[1, 2]", "not a JSON object"),
    ('{"message": "hi"}', '"sender"'),
    ('{"sender": "a"}', '"message"'),
    ('{"sender": "a", "message": 42}', '"message"'),
])
def test_malformed_requests_get_a_clear_400(assistant, raw, why):
    reply = assistant.post(data=raw, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert why in reply.json()["message"]


def test_a_stopped_action_server_gets_an_apology_not_silence(assistant):
    assistant.stop_actions()
    try:
        reply = assistant.ask("what is proton therapy?", new_sender())
        assert HOSPITAL.phone in reply[-1]["text"] and "can't answer right now" in reply[-1]["text"]
    finally:
        assistant.start_actions()
        assistant.wait_until_ready()


def test_no_message_text_is_logged_at_info_level(assistant):
    secret = f"zebra{uuid.uuid4().hex[:6]} what is proton therapy"
    assistant.ask(secret, new_sender())
    for log in (assistant.rasa_log, assistant.actions_log):
        assert secret.split()[0] not in log.read_text(errors="replace"), f"{log.name} contains the message"

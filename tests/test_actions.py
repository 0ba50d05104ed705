"""The custom actions, driven with real Rasa SDK Tracker and CollectingDispatcher objects."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from hospital_faq.nlu.question_details import question_details
from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.knowledge.hospital import load_hospital

STORE = FactStore.load()
HOSPITAL = load_hospital()


def tracker_for(intent, text="", channel="rest", last_topic=None, ranking=None):
    """A tracker whose latest message is `text`, understood as `intent`, with what the NLU
    pipeline notes about it (the aspect entity, the language: nlu/question_details.py)."""
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        **question_details(text),
    }
    events = [{"event": "user", "text": text, "parse_data": parse, "input_channel": channel}]
    return Tracker("patient-1", {"last_topic": last_topic}, parse, events, False, None, {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def assert_ends_with_web_prompt(messages):
    last = messages[-1]
    assert "appointment" in last["text"].lower()
    assert last["buttons"] == [{"title": "Make an appointment", "payload": "/ask_appointment"}]


@pytest.mark.parametrize("topic", [t for t in STORE.topics if t.id != "appointment"], ids=lambda t: t.id)
def test_each_topic_is_answered_from_the_store_then_the_appointment_prompt(topic):
    messages, events = run(actions.ActionAnswerTopic(), tracker_for(topic.intent, topic.title))
    answer = messages[0]["text"]
    assert answer.startswith(topic.answer.format(**HOSPITAL.template_values()))
    assert "Source:" in answer and STORE.sources[topic.sources[0]].title in answer
    assert_ends_with_web_prompt(messages)
    assert events == [SlotSet("last_topic", topic.id)]


def test_how_to_book_gives_phone_and_link_without_a_second_prompt():
    for action, intent in [(actions.ActionAnswerTopic(), "ask_appointment"), (actions.ActionHowToBook(), "affirm")]:
        messages, _ = run(action, tracker_for(intent, "yes"))
        assert len(messages) == 1
        assert HOSPITAL.phone in messages[0]["text"] and HOSPITAL.appointment_url in messages[0]["text"]


def test_text_channels_get_phone_and_link_instead_of_a_button():
    messages, _ = run(actions.ActionAnswerTopic(), tracker_for("ask_proton_therapy", channel="twilio"))
    last = messages[-1]
    assert HOSPITAL.phone in last["text"] and HOSPITAL.appointment_url in last["text"]
    assert not last.get("buttons")


def test_how_is_it_given_answers_about_the_last_topic():
    messages, _ = run(actions.ActionAnswerFollowUp(), tracker_for("followup_how_given", last_topic="intrathecal_chemo"))
    assert "injection into the cerebrospinal fluid" in messages[0]["text"]
    assert_ends_with_web_prompt(messages)


def test_a_follow_up_the_store_does_not_cover_is_declined_honestly():
    messages, _ = run(actions.ActionAnswerFollowUp(), tracker_for("followup_side_effects", last_topic="proton_therapy"))
    assert "doesn't cover that for Proton therapy" in messages[0]["text"]
    assert "care team" in messages[0]["text"]
    assert_ends_with_web_prompt(messages)


def test_tell_me_more_offers_the_related_topics():
    messages, _ = run(actions.ActionAnswerFollowUp(), tracker_for("followup_tell_more", last_topic="her2_blockers"))
    offered = [b["payload"] for b in messages[0]["buttons"]]
    assert offered == [f"/ask_{r}" for r in STORE.get("her2_blockers").related]


def test_a_follow_up_without_a_topic_asks_which_one_and_shows_the_menu():
    messages, _ = run(actions.ActionAnswerFollowUp(), tracker_for("followup_how_given"))
    assert messages[0]["text"] == "Which treatment would you like to know more about?"
    assert any(b["payload"] == "/ask_surgery" for m in messages for b in m.get("buttons", []))
    assert_ends_with_web_prompt(messages)


def test_a_follow_up_that_names_a_topic_is_about_that_topic_when_there_was_none_before():
    ranking = [{"name": "followup_side_effects", "confidence": 0.6}, {"name": "medical_advice", "confidence": 0.17},
               {"name": "ask_chemotherapy", "confidence": 0.13}, {"name": "ask_surgery", "confidence": 0.01}]
    tracker = tracker_for("followup_side_effects", "will chemo make me lose my hair", ranking=ranking)
    messages, events = run(actions.ActionAnswerFollowUp(), tracker)
    assert "doesn't cover that for Chemotherapy" in messages[0]["text"]
    assert events == [SlotSet("last_topic", "chemotherapy")]
    assert_ends_with_web_prompt(messages)


def test_when_unsure_the_likeliest_topics_are_offered_not_answered():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_radiation_therapy", "confidence": 0.41},
        {"name": "out_of_scope", "confidence": 0.3},
        {"name": "ask_proton_therapy", "confidence": 0.2},
        {"name": "ask_stereotactic_radiosurgery", "confidence": 0.1},
        {"name": "ask_surgery", "confidence": 0.09},
        {"name": "ask_chemotherapy", "confidence": 0.01},
    ]
    messages, events = run(actions.ActionClarifyTopic(), tracker_for("nlu_fallback", "rays?", ranking=ranking))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/ask_radiation_therapy", "/ask_proton_therapy", "/ask_stereotactic_radiosurgery", "/help"]
    assert events == []
    assert_ends_with_web_prompt(messages)


def test_when_nothing_is_likely_the_assistant_says_it_did_not_understand():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_surgery", "confidence": 0.02}]
    messages, _ = run(actions.ActionClarifyTopic(), tracker_for("nlu_fallback", "xyzzy", ranking=ranking))
    assert messages[0]["text"].startswith("Sorry, I didn't understand that.")
    assert_ends_with_web_prompt(messages)


@pytest.mark.parametrize("action, expected", [
    (actions.ActionOutOfScope(), "I can't answer that here"),
    (actions.ActionDeclineMedicalAdvice(), "can't give advice about your own care"),
    (actions.ActionExplainBot(), "automated assistant, not a person"),
])
def test_declines_say_why_and_still_end_with_the_appointment_prompt(action, expected):
    messages, _ = run(action, tracker_for("x"))
    assert expected in messages[0]["text"]
    assert_ends_with_web_prompt(messages)


def test_emergency_says_call_the_emergency_number_and_nothing_else():
    messages, _ = run(actions.ActionEmergency(), tracker_for("emergency", "I can't feel my legs"))
    assert len(messages) == 1
    assert f"Call {HOSPITAL.emergency_number}" in messages[0]["text"]
    assert "emergency room now" in messages[0]["text"]


def test_greeting_says_it_gives_information_not_medical_advice():
    messages, _ = run(actions.ActionGreet(), tracker_for("greet", "hi"))
    assert HOSPITAL.name in messages[0]["text"]
    assert "not medical advice" in messages[0]["text"]


def test_asking_for_a_person_gives_the_phone_number():
    messages, _ = run(actions.ActionOfferHuman(), tracker_for("request_human"))
    assert HOSPITAL.phone in messages[0]["text"]


def test_help_shows_every_topic_grouped_by_theme():
    messages, _ = run(actions.ActionShowTopics(), tracker_for("help"))
    offered = {b["payload"] for m in messages for b in m.get("buttons", [])}
    assert {f"/{t.intent}" for t in STORE.topics} <= offered


def test_an_edited_answer_is_used_without_retraining(tmp_path, monkeypatch):
    import shutil
    from hospital_faq.knowledge import fact_store

    facts = tmp_path / "facts"
    shutil.copytree(fact_store.FACTS_DIR, facts)
    monkeypatch.setattr(fact_store, "FACTS_DIR", facts)
    monkeypatch.setattr(actions, "current_store", lambda: fact_store.current_store(facts))
    topics = (facts / "topics.yml").read_text()
    (facts / "topics.yml").write_text(topics.replace("Proton therapy is a type of radiation therapy.", "Proton therapy: EDITED."))
    messages, _ = run(actions.ActionAnswerTopic(), tracker_for("ask_proton_therapy"))
    assert messages[0]["text"].startswith("Proton therapy: EDITED.")


@pytest.mark.parametrize("question, says", [
    ("what are the side effects of radiation for a spine tumor", "side effects or risks"),
    ("how much does radiation therapy cost, is it covered by insurance", "costs or insurance"),
    ("how long is recovery after radiation to the spine", "how long treatment or recovery takes"),
])
def test_a_topic_question_about_what_its_answer_does_not_cover_says_so_before_the_answer(question, says):
    messages, _ = run(actions.ActionAnswerTopic(), tracker_for("ask_radiation_therapy", question))
    answer = messages[0]["text"]
    first, rest = answer.split("\n", 1)
    assert says in first and "Here is what I can tell you about Radiation therapy:" in first
    assert rest.startswith(STORE.get("radiation_therapy").answer)
    assert_ends_with_web_prompt(messages)


def test_a_plain_topic_question_gets_the_answer_alone():
    messages, _ = run(actions.ActionAnswerTopic(), tracker_for("ask_radiation_therapy", "what is radiation therapy"))
    assert messages[0]["text"].startswith(STORE.get("radiation_therapy").answer)


def test_a_message_in_another_language_is_told_where_to_get_help_in_it():
    messages, _ = run(actions.ActionOutOfScope(), tracker_for("out_of_scope", "¿Qué es la quimioterapia intratecal?"))
    assert "I can only answer in English" in messages[0]["text"] and "solo puedo responder en inglés" in messages[0]["text"]
    assert HOSPITAL.phone in messages[0]["text"]
    assert_ends_with_web_prompt(messages)


def test_unsure_with_no_topic_to_offer_gives_the_likeliest_decline_rather_than_not_understood():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "out_of_scope", "confidence": 0.48},
               {"name": "medical_advice", "confidence": 0.1}, {"name": "ask_surgery", "confidence": 0.02}]
    tracker = tracker_for("nlu_fallback", "What is the life expectancy with spinal metastases?", ranking=ranking)
    messages, _ = run(actions.ActionClarifyTopic(), tracker)
    assert "I can't answer that here" in messages[0]["text"]
    assert_ends_with_web_prompt(messages)


def test_unsure_about_something_vague_says_it_did_not_understand():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "followup_side_effects", "confidence": 0.16},
               {"name": "out_of_scope", "confidence": 0.14}]
    messages, _ = run(actions.ActionClarifyTopic(), tracker_for("nlu_fallback", "the doctor mentioned something",
                                                                   ranking=ranking))
    assert "didn't understand" in messages[0]["text"]


def test_urgent_says_call_the_care_team_today_with_the_after_hours_number_and_nothing_else():
    for channel in ("rest", "twilio"):
        messages, events = run(actions.ActionUrgent(), tracker_for("urgent", "his legs got weaker all week", channel))
        assert len(messages) == 1 and not messages[0].get("buttons") and events == []
        text = messages[0]["text"]
        assert "care team today" in text and HOSPITAL.after_hours_phone in text
        assert f"call {HOSPITAL.emergency_number} now" in text  # if it becomes sudden or severe


def test_the_urgent_reply_fits_one_text_message():
    from hospital_faq.channels.twilio import phone_text

    messages, _ = run(actions.ActionUrgent(), tracker_for("urgent", "worse every day", "twilio"))
    texted = phone_text.plain(messages[0]["text"])
    assert len(texted) <= 1600 and phone_text.segments(texted) <= 4


def test_an_answer_names_the_class_of_a_drug_the_pages_do_not_name():
    messages, _ = run(actions.ActionAnswerTopic(), tracker_for("ask_alk_inhibitors", "what is Lorbrena?"))
    assert messages[0]["text"].startswith("Lorbrena (lorlatinib) is an ALK inhibitor. ALK inhibitors are")
    assert_ends_with_web_prompt(messages)


def test_unsure_about_an_aspect_question_says_first_what_the_pages_do_not_cover():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_corticosteroids", "confidence": 0.3},
               {"name": "ask_surgery", "confidence": 0.2}]
    messages, _ = run(actions.ActionClarifyTopic(),
                      tracker_for("nlu_fallback", "usual dose of dex after the op", ranking=ranking))
    assert messages[0]["text"].startswith("I don't have reviewed information on doses.")
    assert messages[0]["text"].endswith("Did you mean one of these?")

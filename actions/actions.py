"""Custom actions. Each is small: what they answer from, and how replies are composed,
is in hospital_faq/knowledge/ (the only part of hospital_faq they use). What the NLU
noticed about a message (an aspect entity, its language) comes with the tracker."""
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from hospital_faq.knowledge import replies
from hospital_faq.knowledge.drugs import Mention, current_drugs
from hospital_faq.knowledge.fact_store import current_store

# How sure the model must be of a topic before it is offered as "did you mean" (or
# taken as the subject of a follow-up that has no earlier topic).
SUGGESTION_FLOOR = 0.08
MAX_SUGGESTIONS = 3
# Replies (in messages.yml) that also fit a message the model is unsure about, when its
# likeliest guess is one of them ("life expectancy with spine mets?": out of scope).
UNSURE_DECLINES = {"out_of_scope", "medical_advice"}
# Set by the NLU (hospital_faq/nlu/question_details.py).
ASPECT_ENTITY = "aspect"
DRUG_ENTITY = "drug"
LANGUAGE_KEY = "language"


def asked_aspect(tracker: Tracker):
    """The part of a topic the latest message asks about that the answers don't cover, if any."""
    return next(tracker.get_latest_entity_values(ASPECT_ENTITY), None)


def named_drugs(tracker: Tracker) -> List[Mention]:
    """The drugs the latest message names (the `drug` entities), with the words used for each."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    drugs = current_drugs()
    mentions = []
    for entity in message.get("entities") or []:
        drug = drugs.get(entity.get("value")) if entity.get("entity") == DRUG_ENTITY else None
        if drug:
            start, end = entity.get("start") or 0, entity.get("end") or 0
            mentions.append(Mention(drug, start, end, text[start:end] or drug.generic))
    return mentions


class ActionAnswerTopic(Action):
    """Answers the topic the user asked about, from the fact store."""

    def name(self) -> Text:
        return "action_answer_topic"

    def topic(self, store, tracker: Tracker):
        return store.for_intent(tracker.get_intent_of_latest_message())

    def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        store = current_store()
        topic = self.topic(store, tracker)
        if topic is None:  # the model knows a topic the fact store no longer has
            replies.send(dispatcher, tracker, [{"text": replies.text("not_understood")}])
            return []
        # The booking answer is itself the appointment information.
        prompt = topic.id != store.booking.id
        answer = replies.topic_answer(store, topic, uncovered_aspect=asked_aspect(tracker),
                                      named_drugs=named_drugs(tracker))
        if prompt:  # "did this help?" (the content team's report counts the replies)
            answer = replies.with_feedback_request(tracker, answer)
        replies.send(dispatcher, tracker, [answer], prompt)
        return [SlotSet("last_topic", topic.id)]


class ActionHowToBook(ActionAnswerTopic):
    """"Yes" to the appointment prompt: how to book."""

    def name(self) -> Text:
        return "action_how_to_book"

    def topic(self, store, tracker: Tracker):
        return store.booking


class ActionAnswerFollowUp(Action):
    """Answers "how is it given?", "tell me more", "side effects?" about the last topic."""

    def name(self) -> Text:
        return "action_answer_follow_up"

    def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        store = current_store()
        topic = store.get(tracker.get_slot("last_topic"))
        events = []
        if topic is None:  # no topic yet: the one the message itself names ("will chemo make me tired?")
            named = ranked_topics(store, tracker)
            if not named:
                replies.send(dispatcher, tracker, replies.topics_menu(store, heading="which_topic"))
                return []
            topic = named[0]
            events = [SlotSet("last_topic", topic.id)]
        intent = tracker.get_intent_of_latest_message()
        if intent == "followup_how_given" and topic.how_given:
            message = replies.topic_answer(store, topic, topic.how_given)
        elif intent == "followup_tell_more" and topic.related:
            message = {
                "text": replies.text("more_on_topic", topic_title=topic.title),
                "buttons": [replies.topic_button(store.get(r)) for r in topic.related],
            }
        else:
            # Honest: the reviewed pages don't say, so neither does the assistant.
            message = {"text": replies.text("not_covered", topic_title=topic.title)}
        replies.send(dispatcher, tracker, [message])
        return events


def ranked_topics(store, tracker: Tracker) -> List:
    """The topics the classifier thought the latest message might be about, likeliest first."""
    topics = []
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        topic = store.for_intent(ranked.get("name"))
        if topic and (ranked.get("confidence") or 0) >= SUGGESTION_FLOOR:
            topics.append(topic)
    return topics


class ActionClarifyTopic(Action):
    """When the model is unsure: offers the 2-3 likeliest topics instead of guessing."""

    def name(self) -> Text:
        return "action_clarify_topic"

    def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        store = current_store()
        candidates = ranked_topics(store, tracker)
        if candidates:
            buttons = [replies.topic_button(t) for t in candidates[:MAX_SUGGESTIONS]]
            buttons.append({"title": replies.text("clarify_none"), "payload": "/help"})
            message = {"text": replies.clarify_text(asked_aspect(tracker)), "buttons": buttons}
        else:  # no topic to offer: if the likeliest guess is a decline, it says more than "didn't understand"
            ranking = [r.get("name") for r in tracker.latest_message.get("intent_ranking") or []]
            likeliest = next((name for name in ranking if name != "nlu_fallback"), None)
            message = {"text": replies.text(likeliest if likeliest in UNSURE_DECLINES else "not_understood")}
        replies.send(dispatcher, tracker, [message])
        return []


class ActionFeedback(Action):
    """Thanks the person for "helpful" / "not helpful". The reply is stored with the
    conversation; the report counts it for the topic in `last_topic`."""

    def name(self) -> Text:
        return "action_feedback"

    def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        if tracker.get_intent_of_latest_message() == "feedback_not_helpful":
            # The answer didn't help: say how else to get one, and offer the appointment.
            replies.send(dispatcher, tracker, [{"text": replies.text("feedback_sorry")}])
        else:
            replies.send(dispatcher, tracker, [{"text": replies.text("feedback_thanks")}], False)
        return []


class ActionShowTopics(Action):
    def name(self) -> Text:
        return "action_show_topics"

    def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        replies.send(dispatcher, tracker, replies.topics_menu(current_store()))
        return []


class SendMessage(Action, ABC):
    """Sends one text from facts/messages.yml, then the appointment prompt if asked to."""

    appointment_prompt = True

    @property
    @abstractmethod
    def action_name(self) -> Text:
        ...

    @property
    @abstractmethod
    def message(self) -> Text:
        ...

    def name(self) -> Text:
        return self.action_name

    def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        reply = {"text": replies.text(self.message)}
        replies.send(dispatcher, tracker, [reply], self.appointment_prompt)
        return []


class ActionOutOfScope(SendMessage):
    action_name, message = "action_out_of_scope", "out_of_scope"

    def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        if tracker.latest_message.get(LANGUAGE_KEY) != "other":
            return super().run(dispatcher, tracker, domain)
        replies.send(dispatcher, tracker, [{"text": replies.text("other_language")}])
        return []


class ActionDeclineMedicalAdvice(SendMessage):
    action_name, message = "action_decline_medical_advice", "medical_advice"


class ActionExplainBot(SendMessage):
    action_name, message = "action_explain_bot", "bot_challenge"


class ActionEmergency(SendMessage):
    # Nothing may distract from "call 911 now": no appointment prompt here.
    action_name, message, appointment_prompt = "action_emergency", "emergency", False


class ActionUrgent(SendMessage):
    # "Call your care team today": nothing may compete with it, so no appointment prompt.
    action_name, message, appointment_prompt = "action_urgent", "urgent", False


class ActionGreet(SendMessage):
    action_name, message, appointment_prompt = "action_greet", "greeting", False


class ActionOfferHuman(SendMessage):
    # The contact details are the reply; a booking prompt would repeat them.
    action_name, message, appointment_prompt = "action_offer_human", "human", False


class ActionGoodbye(SendMessage):
    # The goodbye itself says how to book.
    action_name, message, appointment_prompt = "action_goodbye", "goodbye", False


class ActionThankYou(SendMessage):
    action_name, message, appointment_prompt = "action_thank_you", "thanks", False


class ActionNoProblem(SendMessage):
    action_name, message, appointment_prompt = "action_no_problem", "no_problem", False

"""The reply composer: how every answer is worded, formatted for its channel, and ended.

Every fact answer, and every fallback, out-of-scope and advice reply, goes out
through `send`, which puts the appointment prompt last. Texts come from
facts/messages.yml and facts/topics.yml, filled with the details in hospital.yml.
"""
import logging
from typing import Any, Dict, Iterable, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from hospital_faq.knowledge.drugs import Mention
from hospital_faq.knowledge.fact_store import FactStore, Topic, clean_text, current_store
from hospital_faq.knowledge.hospital import current_hospital
from hospital_faq.knowledge.messages import current_messages
from hospital_faq.knowledge.reloading import ContentError

# Channels that show plain text only (no buttons): they get phone number and link.
TEXT_CHANNELS = {"twilio", "twilio_sms", "whatsapp", "sms"}
# Said when the assistant can't reply and even messages.yml or hospital.yml can't be read
# (a broken first version, no last good one): never silence.
LAST_RESORT = ("Sorry, I can't answer right now. Please try again later or call the hospital. "
               "If this is an emergency, call your local emergency number.")

Message = Dict[str, Any]


def _messages() -> Dict[str, Any]:
    return current_messages()


def fill(template: str, **values: Any) -> str:
    """Fills {hospital_name}, {phone}, ... (and any extra values) into a text."""
    return clean_text(template).format(**current_hospital().template_values(), **values)


def text(key: str, **values: Any) -> str:
    """The text called `key` in messages.yml, filled in."""
    return fill(_messages()[key], **values)


def unavailable() -> str:
    """The apology for when the assistant produced no reply: how to reach the hospital."""
    try:
        return text("unavailable")
    except ContentError:
        logging.getLogger(__name__).error("Sent the built-in apology: messages.yml or hospital.yml can't be read.")
        return LAST_RESORT


def is_text_channel(tracker: Tracker) -> bool:
    return (tracker.get_latest_input_channel() or "") in TEXT_CHANNELS


def topic_button(topic: Topic) -> Dict[str, str]:
    return {"title": topic.title, "payload": f"/{topic.intent}"}


def topic_answer(store: FactStore, topic: Topic, answer: Optional[str] = None,
                 uncovered_aspect: Optional[str] = None, named_drugs: Sequence[Mention] = ()) -> Message:
    """A fact answer (or a follow-up answer about the topic), with its source. When the
    question asked for something the answer doesn't cover (see question_aspects.py),
    the answer first says so; when it named drugs the answer doesn't, it says what they are."""
    source_titles = " and ".join(f'"{title}"' for title in store.source_titles(topic))
    body = fill(answer or topic.answer)
    drugs = drug_sentences(named_drugs, body)
    if drugs:
        body = f"{drugs} {body}"
    if uncovered_aspect:
        preface = fill(_messages()["not_covered_aspects"][uncovered_aspect])
        body = f"{preface} {text('what_i_can_tell', topic_title=topic.title)}\n{body}"
    return {"text": f"{body}\n{text('source', source_titles=source_titles)}"}


def clarify_text(uncovered_aspect: Optional[str] = None) -> str:
    """"Did you mean one of these?", first saying what the pages don't cover when the
    question asked for it (doses, outlook, cost...), so that is said even before a topic is."""
    question = text("clarify")
    if uncovered_aspect:
        return f"{fill(_messages()['not_covered_aspects'][uncovered_aspect])} {question}"
    return question


def _brand_written(mention: Mention) -> Optional[str]:
    return next((b for b in mention.drug.brands if b.lower() == mention.text.lower()), None)


def _as_written(mention: Mention) -> str:
    """The drug as the person named it: a brand gets its generic name after it."""
    brand = _brand_written(mention)
    return f"{brand} ({mention.drug.generic})" if brand else mention.drug.generic


def drug_sentences(named_drugs: Sequence[Mention], answer: str) -> str:
    """One sentence per class of the named drugs the answer doesn't name itself
    ("Lorlatinib is an ALK inhibitor.", "Brigatinib and alectinib are ALK inhibitors.")."""
    said = answer.lower()
    by_class: Dict[Any, List[str]] = {}
    for mention in named_drugs:
        if (_brand_written(mention) or mention.drug.generic).lower() in said:
            continue  # the answer names it, as the person did
        by_class.setdefault(mention.drug.drug_class, []).append(_as_written(mention))
    templates = _messages()["drug_is"]
    sentences = []
    for drug_class, names in by_class.items():
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        listed = listed[0].upper() + listed[1:]
        if len(names) == 1:
            sentences.append(fill(templates["one"], drug=listed, kind=drug_class.one))
        else:
            sentences.append(fill(templates["many"], drug=listed, kind=drug_class.many))
    return " ".join(sentences)


def with_feedback_request(tracker: Tracker, message: Message) -> Message:
    """The answer, asking whether it helped: buttons on the web, a typed reply on text channels."""
    feedback = _messages()["feedback"]
    if is_text_channel(tracker):
        return {**message, "text": f"{message['text']}\n{fill(feedback['text'])}"}
    buttons = [{"title": feedback["helpful_button"], "payload": "/feedback_helpful"},
               {"title": feedback["not_helpful_button"], "payload": "/feedback_not_helpful"}]
    return {**message, "buttons": [*message.get("buttons", []), *buttons]}


def text_appointment_prompt() -> str:
    """The appointment prompt for text messages: the phone number and the link."""
    return fill(_messages()["appointment_prompt"]["text"])


def appointment_prompt(tracker: Tracker) -> Message:
    prompt = _messages()["appointment_prompt"]
    if is_text_channel(tracker):
        return {"text": text_appointment_prompt()}
    button = {"title": fill(prompt["button"]), "payload": f"/{current_store().booking.intent}"}
    return {"text": fill(prompt["web"]), "buttons": [button]}


def send(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    messages: Iterable[Message],
    appointment_prompt_last: bool = True,
) -> None:
    """Sends the messages in order, then (unless told not to) the appointment prompt."""
    for message in messages:
        dispatcher.utter_message(**message)
    if appointment_prompt_last:
        dispatcher.utter_message(**appointment_prompt(tracker))


def topics_menu(store: FactStore, heading: str = "topics_menu") -> List[Message]:
    """The menu of topics: a heading, then one message per theme with its topics as buttons."""
    menu: List[Message] = [{"text": text(heading)}]
    for theme, topics in store.themes().items():
        menu.append({"text": theme, "buttons": [topic_button(t) for t in topics]})
    return menu

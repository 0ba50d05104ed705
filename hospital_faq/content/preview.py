"""A topic's answer as patients will get it, before it is saved: on the website chat
(the answer, its source, "Did this answer help?" and the appointment prompt with its
button) and as a text message (one message, numbered options, the phone number and
link), composed by the same code the assistant uses (knowledge/replies.py,
channels/twilio/phone_text.py), with the hospital's details filled in."""
from dataclasses import dataclass
from typing import Any, Dict, List

from rasa_sdk import Tracker

from hospital_faq.channels.twilio import phone_text
from hospital_faq.knowledge import replies
from hospital_faq.knowledge.fact_store import BOOKING, Topic, as_list, clean_text
from hospital_faq.knowledge.reloading import ContentError


def _tracker(channel: str) -> Tracker:
    events = [{"event": "user", "text": "", "input_channel": channel}]
    return Tracker("preview", {}, {}, events, False, None, {}, "action_listen")


@dataclass
class _Sources:
    """What replies.topic_answer needs of the fact store: the titles of the topic's sources."""
    titles: Dict[str, str]

    def source_titles(self, topic: Topic) -> List[str]:
        return [self.titles.get(s, s) for s in topic.sources]


def _messages(store: _Sources, topic: Topic, answer: str, channel: str, ask_feedback: bool) -> List[Dict[str, Any]]:
    tracker = _tracker(channel)
    message = replies.topic_answer(store, topic, answer)
    if ask_feedback and BOOKING not in topic.roles:  # as actions.py: the answer asks, a follow-up doesn't
        message = replies.with_feedback_request(tracker, message)
    return [message, replies.appointment_prompt(tracker)]


def preview(values: Dict[str, Any], sources: Dict[str, Any]) -> Dict[str, Any]:
    """{"answer": {"web": [messages], "sms": [bodies], "sms_segments": n}, "how_given": ... or None},
    or {"error": why it can't be shown}."""
    topic = Topic(
        id=str(values.get("id") or "preview"), title=clean_text(values.get("title") or "this topic"),
        theme="", answer=clean_text(values.get("answer") or ""), sources=tuple(as_list(values.get("source"))),
        quotes=(), examples=(), roles=tuple(as_list(values.get("roles"))),
        how_given=clean_text(values.get("how_given") or "") or None,
    )
    store = _Sources({key: str((page or {}).get("title", key)) for key, page in (sources or {}).items()})
    shown = {}
    try:
        for name, text in (("answer", topic.answer), ("how_given", topic.how_given)):
            if not text:
                shown[name] = None
                continue
            web = _messages(store, topic, text, "rest", name == "answer")
            sms = phone_text.compose(_messages(store, topic, text, "twilio", name == "answer"),
                                     replies.text("text_choose"))
            shown[name] = {"web": web, "sms": sms, "sms_segments": sum(phone_text.segments(b) for b in sms)}
    except (KeyError, ValueError, IndexError) as error:
        return {"error": f"The text can't be filled in ({error}): check the {{...}} placeholders."}
    except ContentError as error:
        return {"error": f"messages.yml or hospital.yml can't be read: {error}"}
    return shown

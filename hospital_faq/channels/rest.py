"""The REST channel (POST /webhooks/rest/webhook), checked: clear 4xx answers for malformed requests, and never silence.

Rasa's own REST channel answers a JSON list with a 500, a missing message with
an empty reply, and a missing sender by putting everyone in one conversation
("default"). This one says what is wrong instead, and when the assistant
produced no reply at all (say, the action server is down) it sends a message
that tells the person how to reach the hospital.
"""
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from hospital_faq.channels.no_silence import answer_or_apologise

MAX_SENDER_LENGTH = 128
EXPECTED = 'Send a JSON object like {"sender": "a conversation id", "message": "your question"}.'


def _body(request: Request) -> dict:
    try:
        body = request.json
    except Exception:  # sanic raises its own error type for a body that is not JSON
        body = None
    if not isinstance(body, dict):
        raise InvalidUsage(f"The request is not a JSON object. {EXPECTED}")
    return body


class CheckedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, request: Request) -> Optional[Text]:
        sender = _body(request).get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
            raise InvalidUsage(f'"sender" must be a non-empty string of up to {MAX_SENDER_LENGTH} characters. {EXPECTED}')
        return sender

    def _extract_message(self, request: Request) -> Optional[Text]:
        message = _body(request).get("message")
        if not isinstance(message, str):
            raise InvalidUsage(f'"message" must be a string. {EXPECTED}')
        return message

    def _extract_input_channel(self, request: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[dict]:
        return None  # nothing beyond the message is kept

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            output = message.output_channel
            await answer_or_apologise(on_new_message, message,
                                      lambda: isinstance(output, CollectingOutputChannel) and not output.messages)

        return super().blueprint(handle)

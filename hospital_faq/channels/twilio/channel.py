"""SMS and WhatsApp through Twilio: signed requests only, carrier keywords, replies written for a phone.

    POST /webhooks/twilio/webhook     form fields as Twilio sends them (From, To, Body, ...)

Rasa's own Twilio channel checks nothing: anyone could make the hospital's number
text anybody. Here every request must carry a valid X-Twilio-Signature (HMAC of
the public webhook URL and the form fields, keyed with the auth token); anything
else gets 403 and sends nothing. The answer goes out through Twilio's REST API,
from the number the person wrote to, and the webhook itself answers with empty
TwiML so nothing is sent twice.

Settings are environment variables, so no secret is written in credentials.yml:
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN  required; without them the webhook answers 503
  TWILIO_WEBHOOK_URL   the webhook's public URL, exactly as in the Twilio console (behind
                       a proxy the server sees another URL than the one Twilio signed);
                       unset: the URL the request reached
  TWILIO_API_URL       Twilio's REST API (default https://api.twilio.com)
  TWILIO_OPT_OUTS_DB   the opt-out file (default var/opt_outs.sqlite3)

Phone numbers never reach Rasa: the conversation id is the number's salted hash
(see opt_outs.py), and the numbers and texts of messages are not logged at INFO.

The pieces: keywords.py (STOP, START, HELP), opt_outs.py (who has stopped),
phone_text.py (replies written for a phone, numbered options), sending.py (Twilio's API).
"""
import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.headers import parse_content_header
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from hospital_faq.channels.no_silence import answer_or_apologise
from hospital_faq.channels.twilio import keywords, phone_text
from hospital_faq.channels.twilio.opt_outs import OptOuts, path_from_environment
from hospital_faq.channels.twilio.sending import DEFAULT_API_URL, TwilioApi
from hospital_faq.knowledge import replies

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
NOT_CONFIGURED = (
    "Twilio channel not configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN "
    "(see README). Its webhook answers 503 until then."
)

@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    webhook_url: Optional[str]
    api_url: str
    opt_outs_db: Path

    @classmethod
    def from_environment(cls) -> Optional["TwilioSettings"]:
        """The settings, or None when the account SID or auth token is not set."""
        sid = os.environ.get("TWILIO_ACCOUNT_SID", "").strip()
        token = os.environ.get("TWILIO_AUTH_TOKEN", "").strip()
        if not sid or not token:
            return None
        return cls(
            account_sid=sid,
            auth_token=token,
            webhook_url=os.environ.get("TWILIO_WEBHOOK_URL", "").strip() or None,
            api_url=(os.environ.get("TWILIO_API_URL", "").strip() or DEFAULT_API_URL).rstrip("/"),
            opt_outs_db=path_from_environment(),
        )


def _say(key: str, **values: Any) -> List[str]:
    """One text of messages.yml, as a phone shows it."""
    return phone_text.compose([{"text": replies.text(key, **values)}], "")


def _form(request: Request) -> RequestParameters:
    """The form fields, blank ones included: Twilio signs those too (Sanic's request.form drops them)."""
    content_type, _ = parse_content_header(request.headers.get("content-type", ""))
    if content_type != "application/x-www-form-urlencoded":
        return RequestParameters()
    return RequestParameters(parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True))


class TwilioInput(InputChannel):
    """The input channel "twilio" (knowledge/replies.py, TEXT_CHANNELS: the appointment prompt is the phone number and link)."""

    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(TwilioSettings.from_environment())

    def __init__(self, settings: Optional[TwilioSettings]):
        self.settings = settings
        if settings is None:
            logger.info(NOT_CONFIGURED)
            return
        self.validator = RequestValidator(settings.auth_token)
        self.api = TwilioApi(settings.account_sid, settings.auth_token, settings.api_url)
        self.opt_outs = OptOuts(settings.opt_outs_db)

    def get_metadata(self, request: Request) -> Optional[dict]:
        return None  # nothing from the request (numbers, location) is kept in the conversation

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.settings is not None})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self.settings is None:
                logger.error(NOT_CONFIGURED)
                return response.text("The Twilio channel is not configured.", status=503)
            form = _form(request)
            if not self._signed_by_twilio(request, form):
                logger.warning("Twilio webhook: refused a request without a valid X-Twilio-Signature (403)")
                return response.text("Missing or invalid X-Twilio-Signature.", status=403)
            if form.get("MessageStatus"):  # a delivery report (status callback), not a message
                return response.text(EMPTY_TWIML, content_type="text/xml")
            address, our_number = (form.get("From") or "").strip(), (form.get("To") or "").strip()
            if not address or not our_number:
                return response.text('The form fields "From" and "To" are required.', status=400)
            bodies = await self._reply(request, on_new_message, address, form.get("Body") or "")
            if bodies:
                sent = await self.api.send(our_number, address, bodies)
                logger.info("Twilio webhook: answered with %d of %d message(s), %d SMS segment(s)",
                            sent, len(bodies), sum(phone_text.segments(b) for b in bodies))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return twilio_webhook

    def _signed_by_twilio(self, request: Request, form: RequestParameters) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.settings.webhook_url or request.url
        return bool(signature) and self.validator.validate(url, form, signature)

    async def _reply(self, request: Request, on_new_message, address: str, body: str) -> List[str]:
        """What to send back: the carrier keywords first, then the assistant's answer."""
        key = await asyncio.get_running_loop().run_in_executor(None, self.opt_outs.key, address)
        decision = keywords.decide(body, self.opt_outs.is_opted_out(key))
        if decision == keywords.OPT_OUT:
            newly = self.opt_outs.opt_out(key)
            logger.info("Twilio webhook: opt-out %s", "recorded" if newly else "repeated (not answered)")
            return _say("text_opted_out") if newly else []
        if decision == keywords.OPT_IN:
            self.opt_outs.opt_in(key)
            logger.info("Twilio webhook: opt-out withdrawn")
            return _say("text_opted_in")
        if decision == keywords.HELP:
            return _say("text_help")
        if decision == keywords.IGNORE:
            logger.info("Twilio webhook: message from an unsubscribed number, not answered")
            return []
        if not body.strip():
            return phone_text.compose([{"text": replies.text("text_empty")},
                                       {"text": replies.text_appointment_prompt()}], "")
        if decision == keywords.GREET:
            body = "/greet"  # "start" from someone who never stopped: begin the conversation
        number = phone_text.chosen_number(body)
        if number is not None:
            shown = await self._options_shown(request, key)
            if shown and not 1 <= number <= len(shown):
                return _say("text_number_out_of_range", count=len(shown))
            if shown:
                body = shown[number - 1]["payload"]
        return phone_text.compose(await self._ask(on_new_message, key, body), replies.text("text_choose"))

    async def _ask(self, on_new_message, key: str, body: str) -> List[Dict[str, Any]]:
        """The assistant's messages for this text; never none (then: sorry, call us)."""
        collector = CollectingOutputChannel()
        message = UserMessage(body, collector, key, input_channel=self.name())
        try:
            await answer_or_apologise(on_new_message, message, lambda: not collector.messages)
        except Exception as error:  # the person still gets the apology
            logger.error("Twilio webhook: the assistant failed (%s)", type(error).__name__)
        return collector.messages

    async def _options_shown(self, request: Request, key: str) -> List[Dict[str, Any]]:
        """The numbered options of the assistant's last reply to this person.

        They are not kept anywhere else: they are the buttons of the last reply in
        the conversation itself, which Rasa keeps per person (conversation id = the
        number's hash) and forgets with the conversation. Options older than a
        session (domain.yml, session_config) no longer count.
        """
        agent = getattr(request.app.ctx, "agent", None)
        tracker = await agent.tracker_store.retrieve(key) if agent and agent.tracker_store else None
        if tracker is None:
            return []
        session_minutes = agent.domain.session_config.session_expiration_time if agent.domain else 0
        oldest = time.time() - session_minutes * 60 if session_minutes > 0 else 0
        last_reply: List[Dict[str, Any]] = []
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered) or event.timestamp < oldest:
                break
            if isinstance(event, BotUttered):
                last_reply.insert(0, {"text": event.text, **event.data})
        return phone_text.options(last_reply)

"""The website chat's channel: Rasa's socket.io channel, open only to the hospital's own pages.

Rasa's SocketIOInput builds its socket.io server with `cors_allowed_origins=[]`,
which turns the origin check off: any web page anywhere could open a chat with
the assistant. This one accepts connections only from the pages (origins, like
`https://www.hospital.org`) listed in credentials.yml under `allowed_origins`;
the environment variable WEB_CHAT_ALLOWED_ORIGINS (comma-separated) overrides
that list. Without either, only the demo page (http://localhost:8080) may connect.
Browsers always send their page's origin; programs that send none are not web
pages and are let through, as with any HTTP API.

Like the REST channel (rest.py) it never answers with silence, and it keeps
no metadata from the client. Its name stays "socketio", which is not one of the
text-only channels (knowledge/replies.py, TEXT_CHANNELS): the website gets buttons.
"""
import inspect
import logging
import os
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic_cors.core import SANIC_CORS_EVALUATED

from hospital_faq.channels.no_silence import answer_or_apologise

logger = logging.getLogger(__name__)

ORIGINS_VARIABLE = "WEB_CHAT_ALLOWED_ORIGINS"
DEMO_ORIGINS = ["http://localhost:8080", "http://127.0.0.1:8080"]
# The session ids the widget gets from this channel: uuid4().hex.
SESSION_ID = re.compile(r"[0-9a-f]{32}")
ORIGIN = re.compile(r"https?://[^/\s?#]+")


def allowed_origins(configured: Union[None, str, List[str]] = None) -> Union[str, List[str]]:
    """The origins allowed to connect: the variable, else the configured ones, else the demo page's.

    "*" (alone) allows every page: only for trying things out.
    """
    raw = os.environ.get(ORIGINS_VARIABLE, "").strip() or configured or DEMO_ORIGINS
    origins = [o.strip().rstrip("/") for o in (raw.split(",") if isinstance(raw, str) else raw)]
    origins = [o for o in origins if o]
    if origins == ["*"]:
        return "*"
    wrong = [o for o in origins if not ORIGIN.fullmatch(o)]
    if wrong or not origins:
        raise ValueError(
            f"allowed origins must look like https://www.hospital.org (scheme, host, optional port, "
            f"no path); got {wrong or origins!r}. Set them in credentials.yml or {ORIGINS_VARIABLE}."
        )
    return origins


class _CountingOutput(SocketIOOutput):
    """Rasa's socket.io output that remembers whether it sent anything."""

    sent = False

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent = True
        await super()._send_message(socket_id, response)


class WebChatInput(SocketIOInput):
    """Rasa's socket.io channel with allowed origins, checked session ids and no silence."""

    origins: Union[str, List[str]] = DEMO_ORIGINS

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.origins = allowed_origins((credentials or {}).get("allowed_origins"))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(self._answer_or_apologise(on_new_message))
        sio = self.sio
        # Checked by python-engineio at every request, the WebSocket handshake included.
        sio.eio.cors_allowed_origins = self.origins
        logger.info(f"Website chat: accepting pages from {self.origins}")
        self._leave_cors_headers_to_engineio(sio.eio)

        async def session_request(sid: Text, data: Any) -> None:
            """Rasa's handler, but a session id is one this channel made, else a new one."""
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if isinstance(asked, str) and SESSION_ID.fullmatch(asked) else uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id)
                if inspect.isawaitable(joined):  # python-socketio 5.10+ made it a coroutine
                    await joined
            await sio.emit("session_confirm", session_id, room=sid)

        sio.on("session_request", session_request, namespace=self.namespace)
        return blueprint

    @staticmethod
    def _leave_cors_headers_to_engineio(eio) -> None:
        """Engine.IO sets the socket.io route's CORS headers, for the allowed origins only.

        Rasa installs Sanic-CORS on every route; with `rasa run --cors ...` it adds its own
        headers: two Access-Control-Allow-Origin headers make browsers refuse the
        long-polling transport, and the socket.io route would answer other origins too. The route is
        taken when the blueprint is registered, so replacing the handler here is enough.
        """
        handle_request = eio.handle_request

        async def handle_request_with_own_cors(request, *args, **kwargs):
            setattr(request.ctx, SANIC_CORS_EVALUATED, "1")  # Sanic-CORS: nothing to add
            return await handle_request(request, *args, **kwargs)

        eio.handle_request = handle_request_with_own_cors

    def _answer_or_apologise(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[Any]]:
        async def handle(message: UserMessage) -> None:
            if self.session_persistence and not SESSION_ID.fullmatch(message.sender_id or ""):
                logger.warning("Website chat: ignored a message with a malformed session id.")
                return
            message.metadata = None  # nothing beyond the message is kept
            output = _CountingOutput(self.sio, self.bot_message_evt)
            message.output_channel = output
            await answer_or_apologise(on_new_message, message, lambda: not output.sent)

        return handle

"""The website chat's socket.io channel (hospital_faq/channels/web_chat.py), spoken to by a Python client.

The assistant fixture runs with the project's credentials.yml, so these tests also
check its defaults: the demo page's origin is allowed, others are refused.
"""
import threading
import time
import uuid

import pytest
import socketio

from hospital_faq.knowledge.hospital import load_hospital
from hospital_faq.channels.web_chat import DEMO_ORIGINS, ORIGINS_VARIABLE, allowed_origins

# Starts the Rasa and action servers (or trains): `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration

HOSPITAL = load_hospital()


class SocketChat:
    """A socket.io client that talks to the channel the way the widget does."""

    def __init__(self, url: str, origin: str, session_id=None):
        self.client = socketio.Client(reconnection=False)
        self.replies, self.session_id = [], None
        self._confirmed, self._last = threading.Event(), time.monotonic()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_reply)
        # Polling: the WebSocket client would add an Origin header of its own.
        self.client.connect(url, headers={"Origin": origin}, transports=["polling"], wait_timeout=30)
        self.client.emit("session_request", {"session_id": session_id})
        assert self._confirmed.wait(30), "no session_confirm"

    def _on_confirm(self, session_id):
        self.session_id = session_id
        self._confirmed.set()

    def _on_reply(self, message):
        self.replies.append(message)
        self._last = time.monotonic()

    def ask(self, message: str, session_id=None, quiet_for: float = 1.5, timeout: float = 60) -> list:
        """Sends a message; returns the replies that came until none came for `quiet_for` seconds."""
        already = len(self.replies)
        self.client.emit("user_uttered", {"message": message, "session_id": session_id or self.session_id})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if len(self.replies) > already and time.monotonic() - self._last > quiet_for:
                break
        return self.replies[already:]

    def close(self):
        self.client.disconnect()


@pytest.fixture
def chat(assistant):
    client = SocketChat(assistant.url, DEMO_ORIGINS[0])
    yield client
    client.close()


def test_allowed_origins_default_to_the_demo_page(monkeypatch):
    monkeypatch.delenv(ORIGINS_VARIABLE, raising=False)
    assert allowed_origins() == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert allowed_origins(["https://www.hospital.org/"]) == ["https://www.hospital.org"]


def test_the_environment_variable_overrides_the_configured_origins(monkeypatch):
    monkeypatch.setenv(ORIGINS_VARIABLE, " https://a.org , https://b.org:8443 ")
    assert allowed_origins(["https://www.hospital.org"]) == ["https://a.org", "https://b.org:8443"]
    monkeypatch.setenv(ORIGINS_VARIABLE, "*")
    assert allowed_origins() == "*"


@pytest.mark.parametrize("wrong", ["localhost:8080", "https://www.hospital.org/chat", "ftp://x.org"])
def test_an_origin_that_can_never_match_is_reported(monkeypatch, wrong):
    monkeypatch.delenv(ORIGINS_VARIABLE, raising=False)
    with pytest.raises(ValueError, match="https://www.hospital.org"):
        allowed_origins([wrong])


def test_the_demo_page_gets_the_greeting_with_the_disclaimer(chat):
    replies = chat.ask("/greet")
    assert "not medical advice" in replies[0]["text"]


def test_answers_come_with_the_appointment_button_not_the_text_channel_prompt(chat):
    replies = chat.ask("what is proton therapy?")
    assert replies[0]["text"].startswith("Proton therapy is")
    assert replies[-1]["quick_replies"] == [
        {"content_type": "text", "title": "Make an appointment", "payload": "/ask_appointment"}
    ]
    assert not any(HOSPITAL.phone in r["text"] for r in replies)


def test_another_origin_is_refused(assistant):
    with pytest.raises(socketio.exceptions.ConnectionError):
        SocketChat(assistant.url, "http://evil.example")


def test_a_reconnecting_client_continues_its_conversation(assistant):
    first = SocketChat(assistant.url, DEMO_ORIGINS[1])
    first.ask("what is intrathecal chemo?")
    first.close()
    again = SocketChat(assistant.url, DEMO_ORIGINS[1], session_id=first.session_id)
    try:
        assert again.session_id == first.session_id
        assert "Ommaya reservoir" in again.ask("how is it given?")[0]["text"]
    finally:
        again.close()


@pytest.mark.parametrize("asked", ["../../etc", "readiness-check", {"x": 1}, "A" * 32])
def test_a_session_id_the_channel_did_not_make_is_replaced(assistant, asked):
    client = SocketChat(assistant.url, DEMO_ORIGINS[0], session_id=asked)
    try:
        assert client.session_id != asked and len(client.session_id) == 32
    finally:
        client.close()


def test_a_message_with_a_made_up_session_id_is_ignored(chat):
    assert chat.ask("hello", session_id="someone-else", quiet_for=0.5, timeout=5) == []


def test_a_stopped_action_server_gets_an_apology_not_silence(assistant, chat):
    assistant.stop_actions()
    try:
        replies = chat.ask("what is proton therapy?")
        assert HOSPITAL.phone in replies[-1]["text"] and "can't answer right now" in replies[-1]["text"]
    finally:
        assistant.start_actions()
        assistant.wait_until_ready()


def test_no_message_text_is_logged_at_info_level(assistant, chat):
    secret = f"okapi{uuid.uuid4().hex[:6]}"
    chat.ask(f"{secret} what is radiosurgery")
    for log in (assistant.rasa_log, assistant.actions_log):
        assert secret not in log.read_text(errors="replace"), f"{log.name} contains the message"

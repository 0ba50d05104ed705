"""SMS and WhatsApp through Twilio, against the running assistant.

The Rasa and action servers run as scripts/run starts them, with made-up Twilio
settings; Twilio's REST API is a local HTTP server that records every message
the assistant sends, i.e. what would reach the phone. Requests are signed with
Twilio's own RequestValidator, as Twilio signs them, and forged as an attacker would.
"""
import asyncio
import base64
import json
import random
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests
from twilio.request_validator import RequestValidator

from hospital_faq.channels.twilio import phone_text
from hospital_faq.knowledge import replies
from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.ops.launcher import RunningAssistant
from hospital_faq.knowledge.hospital import load_hospital
from hospital_faq.channels.twilio.sending import TwilioApi

# Starts the Rasa and action servers (or trains): `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration

STORE = FactStore.load()
HOSPITAL = load_hospital()
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2  # made up, like the token: no real account
AUTH_TOKEN = "test-auth-token-not-a-secret"
PUBLIC_URL = "https://assistant.example.org/webhooks/twilio/webhook"  # as the proxy presents it
OUR_SMS_NUMBER = "+15005550006"
OUR_WHATSAPP_NUMBER = "whatsapp:+14155238886"
PROMPT = replies.text_appointment_prompt()


class FakeTwilioApi(ThreadingHTTPServer):
    """Stands in for https://api.twilio.com: records each message the assistant sends."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _RecordMessage)
        self.requests, self.lock = [], threading.Lock()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def messages_to(self, address):
        with self.lock:
            return [r["form"] for r in self.requests if r["form"].get("To") == address]


class _RecordMessage(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = {name: values[0] for name, values in parse_qs(body, keep_blank_values=True).items()}
        with self.server.lock:
            self.server.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "form": form})
        answer = json.dumps({"sid": "SM" + "0" * 32, "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def twilio_api():
    api = FakeTwilioApi()
    threading.Thread(target=api.serve_forever, daemon=True).start()
    yield api
    api.shutdown()


@pytest.fixture(scope="module")
def texting(model_path, tmp_path_factory, twilio_api):
    """The assistant with Twilio configured, its opt-outs in a file of this test run."""
    workdir = tmp_path_factory.mktemp("twilio")
    running = RunningAssistant(model_path, workdir, env={
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_WEBHOOK_URL": PUBLIC_URL,
        "TWILIO_API_URL": twilio_api.url,
        "TWILIO_OPT_OUTS_DB": str(workdir / "opt_outs.sqlite3"),
    })
    try:
        yield running.start()
    finally:
        running.stop()


def new_number():
    return f"+1202555{random.randrange(10_000):04d}"


def twilio_form(sender, body, to=OUR_SMS_NUMBER):
    """The form fields of an incoming message as Twilio posts them (blank ones included)."""
    form = {
        "ToCountry": "US", "ToState": "", "SmsMessageSid": "SM" + "1" * 32, "NumMedia": "0", "ToCity": "",
        "FromZip": "", "SmsSid": "SM" + "1" * 32, "FromState": "", "SmsStatus": "received", "FromCity": "",
        "Body": body, "FromCountry": "US", "To": to, "ToZip": "", "NumSegments": "1",
        "MessageSid": "SM" + "1" * 32, "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01",
    }
    return {name: value for name, value in form.items() if value is not None}


def post(assistant, form, signature=None, sign_url=PUBLIC_URL, token=AUTH_TOKEN):
    """POSTs to the webhook, signed as Twilio signs (unless a signature is given)."""
    headers = {}
    if signature is None:
        signature = RequestValidator(token).compute_signature(sign_url, form)
    if signature:
        headers["X-Twilio-Signature"] = signature
    return requests.post(f"{assistant.url}/webhooks/twilio/webhook", data=form, headers=headers, timeout=60)


def text(assistant, api, sender, body, to=OUR_SMS_NUMBER):
    """Texts the assistant as `sender`; returns the messages that reached that phone in answer."""
    before = len(api.messages_to(sender))
    reply = post(assistant, twilio_form(sender, body, to))
    assert reply.status_code == 200, reply.text
    assert "<Response></Response>" in reply.text  # empty TwiML: nothing is sent twice
    return api.messages_to(sender)[before:]


def bodies(messages):
    return [m["Body"] for m in messages]


def assert_readable_on_a_phone(messages):
    assert messages, "nothing reached the phone"
    for message in messages:
        assert phone_text.length(message["Body"]) <= phone_text.MAX_MESSAGE_LENGTH
        assert not re.search(r"</?[a-z][^>]*>", message["Body"]), "markup in a text message"


def test_a_signed_question_is_answered_by_text_with_the_appointment_prompt(texting, twilio_api):
    sender = new_number()
    received = text(texting, twilio_api, sender, "what is proton therapy?")
    assert_readable_on_a_phone(received)
    assert len(received) == 1  # one message: carriers may reorder several
    message = received[0]
    assert message["From"] == OUR_SMS_NUMBER and message["To"] == sender
    proton = STORE.get("proton_therapy")
    assert message["Body"].startswith(proton.answer.format(**HOSPITAL.template_values()))
    assert message["Body"].endswith(PROMPT)
    assert HOSPITAL.phone in PROMPT and HOSPITAL.appointment_url in PROMPT
    request = twilio_api.requests[-1]
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


def test_a_whatsapp_sender_is_answered_on_whatsapp(texting, twilio_api):
    sender = "whatsapp:" + new_number()
    received = text(texting, twilio_api, sender, "what is intrathecal chemo?", to=OUR_WHATSAPP_NUMBER)
    assert_readable_on_a_phone(received)
    assert [(m["From"], m["To"]) for m in received] == [(OUR_WHATSAPP_NUMBER, sender)]
    assert received[0]["Body"].startswith("Intrathecal chemotherapy is chemo given by an injection")
    assert received[0]["Body"].endswith(PROMPT)


@pytest.mark.parametrize("forgery", [
    "unsigned", "signed with another token", "signature of another message", "body changed after signing",
    "another recipient than the one signed", "signed for the server's own URL, not the public one",
])
def test_forged_or_unsigned_requests_get_403_and_send_nothing(texting, twilio_api, forgery):
    victim = new_number()
    form = twilio_form(victim, "what is proton therapy?")
    if forgery == "unsigned":
        reply = post(texting, form, signature="")
    elif forgery == "signed with another token":
        reply = post(texting, form, token="guessed-token")
    elif forgery == "signature of another message":
        reply = post(texting, form, signature=RequestValidator(AUTH_TOKEN).compute_signature(
            PUBLIC_URL, twilio_form(new_number(), "hi")))
    elif forgery == "body changed after signing":
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL, form)
        reply = post(texting, {**form, "Body": "call this number now"}, signature=signature)
    elif forgery == "another recipient than the one signed":
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL, twilio_form(new_number(), form["Body"]))
        reply = post(texting, form, signature=signature)
    else:
        reply = post(texting, form, sign_url=f"{texting.url}/webhooks/twilio/webhook")
    assert reply.status_code == 403
    assert twilio_api.messages_to(victim) == []


def test_numbered_options_and_a_number_picks_one(texting, twilio_api):
    sender = new_number()
    menu = "\n".join(bodies(text(texting, twilio_api, sender, "topics")))
    assert replies.text("text_choose") in menu
    numbers = dict((title, n) for n, title in re.findall(r"^(\d+)\. (.+)$", menu, re.MULTILINE))
    assert len(numbers) == len(STORE.topics)  # every topic is an option, numbered once
    proton = STORE.get("proton_therapy")
    answer = text(texting, twilio_api, sender, numbers[proton.title])
    assert answer[0]["Body"].startswith(proton.answer.format(**HOSPITAL.template_values()))
    assert answer[-1]["Body"].endswith(PROMPT)


def test_a_number_beyond_the_options_asks_again_and_the_options_stay(texting, twilio_api):
    sender = new_number()
    menu = "\n".join(bodies(text(texting, twilio_api, sender, "what can I ask?")))
    count = len(re.findall(r"^\d+\. ", menu, re.MULTILINE))
    assert bodies(text(texting, twilio_api, sender, str(count + 1))) == [
        replies.text("text_number_out_of_range", count=count)]
    surgery = STORE.get("surgery")
    number = re.search(rf"^(\d+)\. {re.escape(surgery.title)}$", menu, re.MULTILINE).group(1)
    assert text(texting, twilio_api, sender, f"{number}.")[0]["Body"].startswith(surgery.answer[:60])


def test_a_number_with_no_options_shown_gets_a_sensible_reply(texting, twilio_api):
    received = text(texting, twilio_api, new_number(), "2")
    assert_readable_on_a_phone(received)
    assert received[-1]["Body"].endswith(PROMPT)


@pytest.mark.parametrize("word", ["STOP", "stop", "Unsubscribe", "CANCEL", "end", "QUIT."])
def test_stop_confirms_once_then_silence_until_start(texting, twilio_api, word):
    sender = new_number()
    assert bodies(text(texting, twilio_api, sender, word)) == [replies.text("text_opted_out")]
    assert text(texting, twilio_api, sender, "what is proton therapy?") == []
    assert text(texting, twilio_api, sender, "my legs are numb and I can't walk") == []
    assert text(texting, twilio_api, sender, "STOP") == []  # no second confirmation
    # HELP is still answered (carriers require it), and changes nothing.
    assert bodies(text(texting, twilio_api, sender, "HELP")) == [replies.text("text_help")]
    assert text(texting, twilio_api, sender, "what is surgery?") == []
    assert bodies(text(texting, twilio_api, sender, "START")) == [replies.text("text_opted_in")]
    back = text(texting, twilio_api, sender, "what is proton therapy?")
    assert back[0]["Body"].startswith(STORE.get("proton_therapy").answer[:60])


@pytest.mark.parametrize("word", ["yes", "UNSTOP"])
def test_yes_or_unstop_also_end_an_opt_out(texting, twilio_api, word):
    sender = new_number()
    text(texting, twilio_api, sender, "STOP")
    assert bodies(text(texting, twilio_api, sender, word)) == [replies.text("text_opted_in")]


def test_help_says_who_we_are_and_how_to_reach_a_person(texting, twilio_api):
    received = text(texting, twilio_api, new_number(), "HELP")
    assert bodies(received) == [replies.text("text_help")]
    help_text = received[0]["Body"]
    assert HOSPITAL.name in help_text and HOSPITAL.phone in help_text and "STOP" in help_text
    assert phone_text.segments(help_text) <= 2


def test_keyword_replies_are_short():
    for key in ("text_opted_out", "text_opted_in", "text_help", "text_empty", "text_choose"):
        assert phone_text.segments(replies.text(key)) <= 2, key


def test_emergency_advice_gets_through_whole_and_first(texting, twilio_api):
    received = text(texting, twilio_api, new_number(), "my legs went numb this morning and I can't walk")
    assert bodies(received) == [replies.text("emergency")]


@pytest.mark.parametrize("body", ["", "   ", "😀🙏", "x" * 5000, "<script>alert(1)</script>"])
def test_odd_messages_get_a_clear_answer(texting, twilio_api, body):
    received = text(texting, twilio_api, new_number(), body)
    assert_readable_on_a_phone(received)
    assert received[-1]["Body"].endswith(PROMPT)
    if not body.strip():
        assert received[0]["Body"].startswith(replies.text("text_empty"))


def test_a_photo_without_text_gets_a_clear_answer(texting, twilio_api):
    sender = new_number()
    form = twilio_form(sender, "")
    form.update(NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME0", MediaContentType0="image/jpeg")
    assert post(texting, form).status_code == 200
    assert twilio_api.messages_to(sender)[0]["Body"].startswith(replies.text("text_empty"))


def test_a_delivery_report_is_not_answered(texting, twilio_api):
    person = new_number()
    report = {"AccountSid": ACCOUNT_SID, "MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered",
              "SmsStatus": "delivered", "From": OUR_SMS_NUMBER, "To": person, "ApiVersion": "2010-04-01"}
    assert post(texting, report).status_code == 200
    assert twilio_api.messages_to(person) == [] and twilio_api.messages_to(OUR_SMS_NUMBER) == []


@pytest.mark.parametrize("missing", ["From", "To"])
def test_a_signed_request_without_from_or_to_gets_400(texting, twilio_api, missing):
    form = twilio_form(new_number(), "hello")
    del form[missing]
    reply = post(texting, form)
    assert reply.status_code == 400 and missing in reply.text


def test_opt_outs_survive_a_restart(texting, twilio_api):
    stopped, other = new_number(), new_number()
    assert bodies(text(texting, twilio_api, stopped, "STOP")) == [replies.text("text_opted_out")]
    texting.stop()
    texting.start()
    assert text(texting, twilio_api, stopped, "what is proton therapy?") == []
    assert text(texting, twilio_api, other, "what is proton therapy?")  # the restarted server answers
    assert bodies(text(texting, twilio_api, stopped, "START")) == [replies.text("text_opted_in")]
    assert text(texting, twilio_api, stopped, "what is proton therapy?")


def test_no_phone_number_or_message_text_is_logged(texting, twilio_api):
    sender = new_number()
    marker = f"zebra{random.randrange(10**6)}"
    text(texting, twilio_api, sender, f"{marker} what is surgery?")
    text(texting, twilio_api, sender, "STOP")
    for log in (texting.rasa_log, texting.actions_log):
        content = log.read_text(errors="replace")
        assert marker not in content and sender not in content, f"{log.name} shows a number or a message"


def test_without_twilio_settings_the_webhook_answers_503_and_the_server_runs(assistant):
    """The shared assistant runs with no TWILIO_* variables, as scripts/run does on most machines."""
    reply = post(assistant, twilio_form(new_number(), "what is proton therapy?"))
    assert reply.status_code == 503
    assert assistant.ask("what is proton therapy?")
    assert "Twilio channel not configured" in assistant.rasa_log.read_text(errors="replace")


class _Answers(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = self.server.statuses.pop(0)
        self.server.calls += 1
        answer = json.dumps({"code": 21610, "message": "unsubscribed"} if status == 400 else {}).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("statuses, calls, sent", [
    ([201], 1, 1),
    ([503, 201], 2, 1),  # Twilio did not take it: tried again
    ([400], 1, 0),  # refused (here: the person unsubscribed with Twilio itself): not repeated
    ([500], 1, 0),  # may have been taken: not repeated, to send nothing twice
])
def test_the_api_client_retries_only_what_twilio_did_not_take(statuses, calls, sent):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    server.statuses, server.calls = list(statuses), 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = TwilioApi(ACCOUNT_SID, AUTH_TOKEN, f"http://127.0.0.1:{server.server_address[1]}")
        assert asyncio.run(api.send(OUR_SMS_NUMBER, new_number(), ["hello"])) == sent
        assert server.calls == calls
    finally:
        server.shutdown()


def test_did_this_answer_help_is_a_typed_reply_by_text(texting, twilio_api):
    sender = new_number()
    body = "\n".join(bodies(text(texting, twilio_api, sender, "what is proton therapy?")))
    assert "Did this answer help? Reply HELPFUL or NOT HELPFUL." in body and body.endswith(PROMPT)
    assert replies.text("text_choose") not in body  # no numbered options for it
    for reply, expected in [("HELPFUL", "Thank you for telling us. Is"), ("👎", "Thank you for telling us; we'll")]:
        assert bodies(text(texting, twilio_api, sender, reply))[0].startswith(expected)

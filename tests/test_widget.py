"""The website chat in a real browser, as a patient uses it.

Debian's Chromium, headless, driven by Playwright, opens the demo hospital page
(hospital_faq/ops/demo_site.py) served next to a running assistant whose socket.io
channel accepts that page's origin; all on free ports. Screenshots of the desktop
and phone layouts go to tests/artifacts/. scripts/setup-browser installs Chromium
and axe-core (scripts/test runs it).
"""
import re
import threading
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from hospital_faq.ops.demo_site import DemoHandler, DemoSite
from hospital_faq.ops.launcher import RunningAssistant, free_port
from hospital_faq.knowledge.hospital import load_hospital
from hospital_faq.paths import PROJECT_ROOT
from hospital_faq.channels.web_chat import ORIGINS_VARIABLE
from tests.support import DESKTOP, PHONE, SETUP_HINT, axe_violations, fresh_pages

# Starts the Rasa and action servers (or trains): `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration

HOSPITAL = load_hospital()
ARTIFACTS = Path(__file__).parent / "artifacts"
expect.set_options(timeout=30_000)


# ---- the assistant, the demo site and the browser ----

@pytest.fixture(scope="module")
def demo_port():
    return free_port()


@pytest.fixture(scope="module")
def web_assistant(model_path, tmp_path_factory, demo_port):
    """The assistant as scripts/run starts it, accepting the demo page on its free port."""
    origins = f"http://127.0.0.1:{demo_port},http://localhost:{demo_port}"
    running = RunningAssistant(model_path, tmp_path_factory.mktemp("web"), env={ORIGINS_VARIABLE: origins},
                               rasa_args=["--cors", "*"])
    try:
        yield running.start()
    finally:
        running.stop()


class DemoWithAnotherHospital(DemoHandler):
    """The demo site, plus a page of another hospital with its own name and a light brand colour."""

    def do_GET(self) -> None:
        if self.path != "/another-hospital.html":
            return super().do_GET()
        body = f"""<!doctype html><html lang="en"><title>Another hospital</title><main><h1>Another hospital</h1></main>
            <script src="/widget/widget.js" data-server-url="{self.server.rasa_url}" data-hospital-name="St. Elsewhere"
                    data-primary-color="#ffd200" data-primary-text-color="#ffffff"></script></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve_demo(port: int, rasa_url: str) -> DemoSite:
    site = DemoSite(port, "127.0.0.1", rasa_url=rasa_url, handler=DemoWithAnotherHospital)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site


@pytest.fixture(scope="module")
def demo(web_assistant, demo_port):
    site = serve_demo(demo_port, web_assistant.url)
    yield f"http://127.0.0.1:{demo_port}"
    site.shutdown()
    site.server_close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (fresh sessionStorage), closed after the test."""
    def answer_the_booking_site(context) -> None:  # no internet here: the test answers it
        context.route(re.compile(re.escape(HOSPITAL.appointment_url) + ".*"), lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>Appointments</title><h1>Appointments</h1>"))

    with fresh_pages(browser, answer_the_booking_site) as make:
        yield make


# ---- the chat, as a patient sees it ----

class Chat:
    """The widget on a page, found by role and name like a screen reader finds it."""

    def __init__(self, page: Page):
        self.page = page
        self.launcher = page.get_by_role("button", name="Questions? Chat with us")
        self.dialog = page.get_by_role("dialog", name=f"{HOSPITAL.name} assistant")
        self.input = page.get_by_role("textbox", name="Your question")
        self.bot = page.locator(".msg.bot .text")
        self.user = page.locator(".msg.user .text")
        self.status = page.locator(".status")
        self.cta = page.get_by_role("button", name="Make an appointment")

    def open(self) -> "Chat":
        self.launcher.click()
        expect(self.dialog).to_be_visible()
        return self

    def wait_for_replies(self, before: int, quiet_s: float = 1.0) -> list:
        """The bot's texts after the first `before`, once they stop arriving."""
        expect(self.bot).not_to_have_count(before)
        count, since = self.bot.count(), time.monotonic()
        while time.monotonic() - since < quiet_s:
            time.sleep(0.1)
            if self.bot.count() != count:
                count, since = self.bot.count(), time.monotonic()
        return self.bot.all_inner_texts()[before:]

    def greeting(self) -> str:
        return self.wait_for_replies(0)[0]

    def ask(self, question: str) -> list:
        before = self.bot.count()
        self.input.fill(question)
        self.input.press("Enter")
        return self.wait_for_replies(before)

    def record(self, selector: str):
        """Starts recording every text the widget's element shows; returns a function that reads them."""
        name = "seen" + re.sub(r"\W", "", selector)
        self.page.evaluate("""([selector, name]) => {
            const element = document.querySelector('#hospital-chat').shadowRoot.querySelector(selector);
            window[name] = [];
            new MutationObserver(() => element.textContent && window[name].push(element.textContent))
                .observe(element, {childList: true, characterData: true, subtree: true});
        }""", [selector, name])
        return lambda: self.page.evaluate(f"window.{name}")

    def choose(self, reply: str) -> list:
        before = self.bot.count()
        self.page.get_by_role("button", name=reply, exact=True).click()
        return self.wait_for_replies(before)


def open_demo(page: Page, demo: str) -> Chat:
    page.goto(demo)
    chat = Chat(page)
    expect(chat.launcher).to_be_visible()
    return chat


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def focused(page: Page) -> dict:
    """The element that has the keyboard focus, looking inside the widget's shadow root."""
    return page.evaluate("""() => {
        let el = document.activeElement;
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href') || '',
                name: (el.getAttribute('aria-label') || el.textContent || '').trim(),
                outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth)};
    }""")


def press_until_focused(page: Page, key: str, name: str, tries: int = 60) -> dict:
    for _ in range(tries):
        page.keyboard.press(key)
        now = focused(page)
        if now["name"] == name:
            return now
    raise AssertionError(f"{key} never reached {name!r}; focus is on {focused(page)}")


# ---- the demo page ----

def test_the_demo_page_embeds_the_chat_with_one_script_tag(demo):
    page = requests.get(demo, timeout=10)
    assert page.ok and HOSPITAL.name in page.text and HOSPITAL.phone in page.text
    assert HOSPITAL.appointment_url in page.text
    assert len(re.findall(r"<script\b", page.text)) == 1
    assert 'src="/widget/widget.js"' in page.text and "data-server-url=" in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("widget/widget.js", "widget/widget.css", "widget/vendor/socket.io.min.js", "demo.css"):
        assert requests.get(f"{demo}/{asset}", timeout=10).ok, asset
    for outside in ("widget/../../hospital.yml", "widget/%2e%2e/%2e%2e/hospital.yml", "hospital.yml", "web/demo/index.html"):
        assert requests.get(f"{demo}/{outside}", timeout=10).status_code == 404, outside


# ---- chatting ----

def test_a_patient_chats_asks_picks_a_quick_reply_and_follows_the_appointment_prompt(new_page, demo):
    page = new_page()
    chat = open_demo(page, demo).open()
    greeting = chat.greeting()
    assert "not medical advice" in greeting and HOSPITAL.name in greeting
    expect(chat.input).to_be_focused()

    answer = chat.ask("what is intrathecal chemo?")
    assert answer[0].startswith("Intrathecal chemotherapy is chemo given by an injection")
    expect(chat.user.last).to_have_text("what is intrathecal chemo?")
    # The appointment prompt ends the answer, with its button styled as the call to action.
    expect(chat.cta).to_be_visible()
    assert "cta" in chat.cta.get_attribute("class")

    menu = chat.ask("help")
    assert any("topics" in text for text in menu)
    answer = chat.choose("Proton therapy")
    expect(chat.user.last).to_have_text("Proton therapy")  # the title is shown, the payload sent
    assert answer[0].startswith("Proton therapy is a type of radiation therapy")
    screenshot(page, "widget-desktop.png")

    booking = chat.choose("Make an appointment")
    assert HOSPITAL.phone in booking[0] and HOSPITAL.appointment_url in booking[0]
    phone_link = chat.dialog.get_by_role("link", name=HOSPITAL.phone)
    expect(phone_link).to_have_attribute("href", "tel:" + re.sub(r"[^\d+]", "", HOSPITAL.phone))
    booking_link = chat.dialog.get_by_role("link", name=f"{HOSPITAL.appointment_url} (opens in a new tab)")
    expect(booking_link).to_have_attribute("href", HOSPITAL.appointment_url)
    with page.expect_popup() as popup:
        booking_link.click()
    expect(popup.value).to_have_url(HOSPITAL.appointment_url)
    expect(popup.value.get_by_role("heading")).to_have_text("Appointments")
    screenshot(page, "widget-desktop-booking.png")


def test_a_typing_indicator_shows_while_the_assistant_answers(new_page, demo):
    page = new_page()
    chat = open_demo(page, demo).open()
    chat.greeting()
    shown = chat.record(".typing")  # however short the wait
    chat.ask("what is radiosurgery?")
    assert "The assistant is typing" in shown()
    expect(page.locator(".typing")).not_to_have_class(re.compile(r"\bon\b"))


def test_the_conversation_continues_after_a_reload(new_page, demo):
    page = new_page()
    chat = open_demo(page, demo).open()
    chat.greeting()
    chat.ask("what is intrathecal chemo?")
    before = chat.bot.all_inner_texts()
    page.reload()
    chat = Chat(page)
    expect(chat.dialog).to_be_visible()  # still open, with the same transcript
    expect(chat.bot).to_have_text(before)
    expect(chat.user).to_have_text(["what is intrathecal chemo?"])
    # The server knows it is the same conversation: "it" is still intrathecal chemo.
    answer = chat.ask("how is it given?")
    assert "Ommaya reservoir" in answer[0]


def test_everything_works_with_the_keyboard_alone(new_page, demo):
    page = new_page()
    chat = open_demo(page, demo)
    launcher = press_until_focused(page, "Tab", "Questions? Chat with us")
    assert launcher["outline"] >= 2, "the focused launcher shows no focus outline"
    page.keyboard.press("Enter")
    expect(chat.dialog).to_be_visible()
    assert focused(page)["id"] == "hc-input"
    chat.greeting()

    before = chat.bot.count()
    page.keyboard.type("what is proton therapy?")
    page.keyboard.press("Enter")
    assert chat.wait_for_replies(before)[0].startswith("Proton therapy is")

    before = chat.bot.count()
    page.keyboard.type("help")
    page.keyboard.press("Enter")
    chat.wait_for_replies(before)
    reply = press_until_focused(page, "Shift+Tab", "Surgery")
    assert reply["tag"] == "button" and reply["outline"] >= 2
    before = chat.bot.count()
    page.keyboard.press("Enter")
    assert chat.wait_for_replies(before)[0].startswith("Some spinal tumors can be removed with surgery")
    assert focused(page)["id"] == "hc-input", "after a quick reply the focus goes back to the message box"

    press_until_focused(page, "Shift+Tab", "Make an appointment")
    before = chat.bot.count()
    page.keyboard.press("Space")
    chat.wait_for_replies(before)
    link = press_until_focused(page, "Shift+Tab", HOSPITAL.appointment_url + " (opens in a new tab)")
    assert link["href"] == HOSPITAL.appointment_url and link["outline"] >= 2

    page.keyboard.press("Escape")
    expect(chat.dialog).to_be_hidden()
    assert focused(page)["name"] == "Questions? Chat with us"
    page.keyboard.press("Enter")
    expect(chat.dialog).to_be_visible()
    close = press_until_focused(page, "Shift+Tab", "Close chat")
    assert close["outline"] >= 2
    page.keyboard.press("Enter")
    expect(chat.dialog).to_be_hidden()


@pytest.mark.parametrize("message", ["<img src=x onerror=alert(1)>", "<script>alert(2)</script><b>bold</b>"])
def test_a_message_with_html_is_shown_as_text(new_page, demo, message):
    # Without the demo page's Content-Security-Policy, so that only the widget stands in the way.
    page = new_page(bypass_csp=True)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat = open_demo(page, demo).open()
    chat.greeting()
    chat.ask(message)
    expect(chat.user.last).to_have_text(message)
    page.reload()
    expect(Chat(page).user.last).to_have_text(message)
    time.sleep(0.5)
    assert page.locator("img, .msg script, .msg b").count() == 0
    assert dialogs == []


def test_the_chat_falls_back_to_long_polling_without_websockets(new_page, demo, web_assistant):
    # As scripts/run does, this Rasa server runs with --cors "*": the socket.io route must still
    # send one Access-Control-Allow-Origin header, or browsers refuse long-polling.
    handshake = f"{web_assistant.url}/socket.io/?EIO=4&transport=polling"
    reply = requests.get(handshake, headers={"Origin": demo}, timeout=10)
    assert reply.ok and reply.headers["Access-Control-Allow-Origin"] == demo
    refused = requests.get(handshake, headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 400 and "Access-Control-Allow-Origin" not in refused.headers

    page = new_page()
    # A network that refuses WebSockets: every WebSocket fails as a refused handshake does.
    page.add_init_script("""window.WebSocket = class {
        constructor(url) {
            this.url = url;
            this.readyState = 0;
            setTimeout(() => {
                this.readyState = 3;
                if (this.onerror) this.onerror(new Event('error'));
                if (this.onclose) this.onclose({code: 1006, reason: ''});
            }, 10);
        }
        send() {}
        close() {}
    }""")
    chat = open_demo(page, demo).open()
    assert "not medical advice" in chat.greeting()
    assert chat.ask("what is proton therapy?")[0].startswith("Proton therapy is")


def test_the_chat_reconnects_after_the_server_restarts(new_page, demo, web_assistant):
    page = new_page()
    chat = open_demo(page, demo).open()
    chat.greeting()
    statuses = chat.record(".status")  # "Connected again" stays only a few seconds
    web_assistant.stop_rasa()
    try:
        expect(chat.status).to_contain_text("Reconnecting")
        chat.input.fill("what is a clinical trial?")
        chat.input.press("Enter")
        expect(chat.status).to_contain_text("will be sent when the connection is back")
        screenshot(page, "widget-reconnecting.png")
    finally:
        web_assistant.start_rasa()
        web_assistant.wait_until_ready()
    # What was typed while disconnected is sent and answered once connected again.
    expect(chat.bot.filter(has_text="Clinical trials are research studies")).to_have_count(1)
    assert "Connected again." in statuses()
    answer = chat.ask("what is proton therapy?")
    assert answer[0].startswith("Proton therapy is")


def test_the_chat_fits_a_phone_screen(new_page, demo):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    chat = open_demo(page, demo)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    box = chat.launcher.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "widget-phone-page.png")
    chat.launcher.tap()
    expect(chat.dialog).to_be_visible()
    assert chat.dialog.bounding_box() == {"x": 0, "y": 0, **PHONE}, "on a phone the chat takes the whole screen"
    chat.greeting()
    chat.ask("what is intrathecal chemo?")
    for control in (chat.input, page.get_by_role("button", name="Send"), chat.cta,
                    page.get_by_role("button", name="Close chat")):
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["y"] + box["height"] <= PHONE["height"]
        assert box["height"] >= 44, "touch targets are at least 44 px high"
    assert page.evaluate("""() => { const log = document.querySelector('#hospital-chat').shadowRoot.querySelector('.log');
        return log.scrollWidth <= log.clientWidth; }"""), "the conversation scrolls sideways"
    screenshot(page, "widget-phone.png")
    # Full screen, the chat keeps Tab inside it.
    page.get_by_role("button", name="Send").focus()
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Close chat"
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"] == "Send"
    booking = chat.choose("Make an appointment")
    assert HOSPITAL.phone in booking[0]
    screenshot(page, "widget-phone-booking.png")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_accessibility_problems(new_page, demo, viewport):
    page = new_page(viewport=viewport, bypass_csp=True)  # axe is injected as an inline script
    chat = open_demo(page, demo).open()
    chat.greeting()
    chat.ask("what is intrathecal chemo?")
    chat.ask("help")
    violations = axe_violations(page)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    assert not violations, f"axe's minor findings: {violations}"
    # axe does look inside the widget: pale text in the conversation is caught.
    page.evaluate("""() => document.querySelector('#hospital-chat').shadowRoot
        .querySelector('.msg.bot .text').parentNode.parentNode.style.color = '#c8c8c8'""")
    caught = page.evaluate("""async () => (await axe.run(document, {runOnly: ['color-contrast']})).violations
        .flatMap(v => v.nodes.map(n => n.target.flat()[0]))""")
    assert "#hospital-chat" in caught


def test_the_hospital_sets_name_and_colours_and_text_stays_readable(new_page, demo):
    """A light brand colour with white text asked for: the widget picks text that reads."""
    page = new_page(bypass_csp=True)
    page.goto(f"{demo}/another-hospital.html")
    Chat(page).launcher.click()
    expect(page.get_by_role("dialog", name="St. Elsewhere assistant")).to_be_visible()
    Chat(page).greeting()
    colours = page.evaluate("""() => {
        const root = document.querySelector('#hospital-chat').shadowRoot;
        const style = getComputedStyle(root.querySelector('.header'));
        return [style.backgroundColor, style.color];
    }""")
    assert colours == ["rgb(255, 210, 0)", "rgb(27, 27, 27)"]
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def test_pages_from_other_origins_cannot_chat(new_page, web_assistant):
    other_port = free_port()
    site = serve_demo(other_port, web_assistant.url)
    try:
        page = new_page()
        chat = open_demo(page, f"http://127.0.0.1:{other_port}").open()
        expect(chat.status).to_contain_text("Can't reach the assistant")
        time.sleep(2)
        expect(chat.bot).to_have_count(0)
        assert f"http://127.0.0.1:{other_port} is not an accepted origin" in web_assistant.rasa_log.read_text()
    finally:
        site.shutdown()
        site.server_close()


def test_the_vendored_socket_io_client_is_the_pinned_npm_release():
    vendored = PROJECT_ROOT / "web" / "widget" / "vendor"
    package = PROJECT_ROOT / "node_modules" / "socket.io-client"
    if not package.is_dir():
        pytest.fail(f"node_modules is missing: {SETUP_HINT}.", pytrace=False)
    assert (vendored / "socket.io.min.js").read_bytes() == (package / "dist" / "socket.io.min.js").read_bytes(), \
        "web/widget/vendor/ differs from the pinned socket.io-client: run npm run vendor"
    assert (vendored / "LICENSE").read_text() == (package / "LICENSE").read_text()

"""The content designer as a new content team uses it, and as an attacker tries it.

In a copy of the project (the tests change its facts/, data/ and models/), the
assistant runs as scripts/run starts it, on free ports: the model server, the action
server, the Rasa server pulling its model from the model server, and the content
designer. Accounts are made with the command. Then, in Debian's Chromium (Playwright):
an editor changes an answer, the assistant keeps the old one until a clinical reviewer
approves; a patient's unanswered question is added to a topic from the inbox, a model
is trained and published from the browser, and the question is answered over REST
without a restart. The attacker's side: every page and API without signing in, changes
without the CSRF token or from another site, an editor approving, a thousand wrong
passwords, a patient's `<script>` in the inbox. axe-core on every page, desktop and
phone. The times from "publish" to the new answer and of the training are written to
tests/artifacts/content_designer_timings.json.
"""
import json
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml
from playwright.sync_api import Page, expect

from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.ops.launcher import RunningAssistant, free_port
from hospital_faq.paths import PROJECT_ROOT
from tests.support import DESKTOP, PHONE, PROJECT_FILES, axe_violations, copy_project, fresh_pages

# Starts the servers and trains a model: `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "four words make a password"
PEOPLE = {"editor": ("erin", "Erin Editor, RN"), "reviewer": ("rita", "Dr. Rita Reviewer, neuro-oncology"),
          "reviewer2": ("ravi", "Dr. Ravi Second, radiation oncology"), "admin": ("adam", "Adam Admin, IT")}
ROLE_OF = {"editor": "editor", "reviewer": "reviewer", "reviewer2": "reviewer", "admin": "admin"}
# The approved answer the tests start from (facts/topics.yml as the project has it).
APPROVED_BEFORE = FactStore.load().get("proton_therapy").answer
NEW_ANSWER = ("Proton therapy is a type of radiation therapy. It sends high doses to the tumor and less "
              "radiation to the healthy tissue around it. Ask your care team what to expect.")
# Questions patients might ask about a topic in words the current model doesn't answer with
# that topic; the first that still isn't answered so is the one taken from the inbox.
# (None is in tests/evaluation/: that is checked too.)
INBOX_CANDIDATES = [
    ("radiation from lots of angles at once?", "stereotactic_radiosurgery"),
    ("how do they burn the tumor with a needle", "surgery"),
    ("the beam that comes at the spine from every side, how does it work", "stereotactic_radiosurgery"),
]
SCRIPT_MESSAGE = "<script>alert('inbox')</script><img src=x onerror=alert(2)>"
expect.set_options(timeout=30_000)


# ---- the project copy, the running assistant, the accounts ----

@pytest.fixture(scope="module")
def project(tmp_path_factory, model_path):
    # The evaluation sets too: training scores on them, and the inbox guards them.
    copy = copy_project(tmp_path_factory.mktemp("designer-project"), [*PROJECT_FILES, "tests/evaluation"])
    (copy / "models").mkdir()
    shutil.copy2(model_path, copy / "models" / model_path.name)  # keeps its time: its scores stay valid
    scores = model_path.with_name(model_path.name + ".scores.json")
    if scores.exists():
        shutil.copy2(scores, copy / "models" / scores.name)
    return copy


def content_command(project: Path, env: dict, *args, password: str = PASSWORD):
    return subprocess.run([sys.executable, "-m", "hospital_faq.content", *args], cwd=project, env=env,
                          input=password + "\n", capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def running(project, tmp_path_factory):
    [model] = (project / "models").glob("faq-*.tar.gz")
    assistant = RunningAssistant(model, tmp_path_factory.mktemp("designer-run"), project=project,
                                 model_server=True, designer=True)
    for who, (name, full_name) in PEOPLE.items():
        made = content_command(project, assistant.env, "user", "add", name, "--role", ROLE_OF[who],
                               "--full-name", full_name)
        assert made.returncode == 0, made.stdout + made.stderr
    try:
        yield assistant.start()
    finally:
        assistant.stop()


@pytest.fixture(scope="module")
def designer(running) -> str:
    return running.designer_url


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts; each records the dialogs a script would open."""
    with fresh_pages(browser) as make_page:
        def make(viewport=DESKTOP, **options) -> Page:
            page = make_page(viewport, **options)
            page.dialogs = []
            page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
            return page
        yield make


def sign_in(page: Page, designer: str, who: str, path: str = "/topics") -> Page:
    page.goto(designer + path)
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("Account name").fill(PEOPLE[who][0])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def session_for(designer: str, who: str):
    """A requests session signed in as `who`, and its CSRF token."""
    session = requests.Session()
    form = session.get(f"{designer}/sign-in", timeout=10)
    token = re.search(r'name="sign_in_token" value="([^"]+)"', form.text).group(1)
    reply = session.post(f"{designer}/sign-in", data={"sign_in_token": token, "name": PEOPLE[who][0],
                                                      "password": PASSWORD}, timeout=30)
    assert reply.ok and "Sign out" in reply.text, reply.text[:500]
    return session, csrf_of(reply.text)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def answer_over_rest(running, question: str) -> str:
    return running.answer(question, sender=f"designer-test-{uuid.uuid4().hex[:8]}")


def topic_answer(project: Path, topic_id: str) -> str:
    return FactStore.load(project / "facts").get(topic_id).answer


def record_timing(name: str, seconds: float) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "content_designer_timings.json"
    timings = json.loads(path.read_text()) if path.exists() else {}
    timings[name] = round(seconds, 1)
    path.write_text(json.dumps(timings, indent=2) + "\n")


# ---- accounts ----

def test_accounts_are_made_with_the_command_and_passwords_are_only_kept_hashed(project, running):
    listed = content_command(project, running.env, "user", "list")
    for name, full_name in PEOPLE.values():
        assert name in listed.stdout and full_name in listed.stdout
    short = content_command(project, running.env, "user", "add", "newbie", "--role", "editor", password="short")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    unknown_role = content_command(project, running.env, "user", "add", "newbie", "--role", "superuser")
    assert unknown_role.returncode == 1 and "There is no role 'superuser'" in unknown_role.stderr
    stored = (running.workdir / "designer.db").read_bytes()
    assert PASSWORD.encode() not in stored and b"scrypt$" in stored
    assert oct((running.workdir / "designer.db").stat().st_mode & 0o777) == "0o600"


# ---- nothing without signing in ----

def routes():
    """Every route of the designer, read from its source, with sample values for its parameters."""
    source = (PROJECT_ROOT / "hospital_faq" / "content" / "designer" / "app.py").read_text()
    found = re.findall(r'@app\.(get|post)\("([^"]+)"', source)
    samples = {"<topic_id:str>": "proton_therapy", "<item_id:str>": "0123456789abcdef", "<name:str>": "erin"}
    return [(method.upper(), re.sub(r"<[^>]+>", lambda m: samples[m.group(0)], path)) for method, path in found]


def test_every_page_and_api_needs_signing_in(designer):
    public = {"/health", "/sign-in"}
    checked = 0
    for method, path in routes():
        if path in public:
            continue
        reply = requests.request(method, designer + path, allow_redirects=False, timeout=30,
                                 data={"csrf_token": "guess", "answer": "hacked"} if method == "POST" else None)
        if method == "GET" and not path.startswith("/api/"):
            assert reply.status_code == 303 and reply.headers["Location"].startswith("/sign-in"), (path, reply.status_code)
        else:
            assert reply.status_code == 401, (method, path, reply.status_code)
        assert "proton" not in reply.text.lower(), path
        checked += 1
    assert checked >= 25
    for asset in ("/static/designer.js", "/static/../app.py", "/nowhere", "/topics/../accounts"):
        reply = requests.get(designer + asset, allow_redirects=False, timeout=10)
        assert reply.status_code in (303, 404) and "def " not in reply.text, asset
    sign_in = requests.get(designer + "/sign-in", timeout=10)
    assert "script-src 'self'" in sign_in.headers["Content-Security-Policy"]
    assert sign_in.headers["X-Frame-Options"] == "DENY"


# ---- an answer: two people ----

def test_an_editors_answer_change_waits_for_a_clinical_reviewer(new_page, designer, running, project):
    old = answer_over_rest(running, "what is proton therapy?")
    assert old.startswith(topic_answer(project, "proton_therapy")[:40])
    page = sign_in(new_page(), designer, "editor")
    page.get_by_label("Search titles, answers and example questions").fill("proton")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Proton therapy").click()
    answer = page.get_by_label(re.compile(r"^Answer"))
    answer.fill("x" * 490)  # the rules, as you type, in plain words
    expect(page.locator("#problems-answer")).to_contain_text("too long for a text message")
    expect(page.locator("#limits-answer")).to_contain_text("490 of at most 480 characters")
    answer.fill(NEW_ANSWER)
    expect(page.locator("#problems-answer")).not_to_contain_text("too long")
    preview = page.locator("[data-preview]")
    expect(preview.locator(".chat .bubble").first).to_contain_text(NEW_ANSWER)
    expect(preview.locator(".chat")).to_contain_text("Make an appointment")  # the appointment prompt comes last
    expect(preview.locator(".sms").first).to_contain_text(NEW_ANSWER)
    expect(preview.locator(".sms").first).to_contain_text("Reply HELPFUL or NOT HELPFUL")
    expect(preview.locator(".sms").first).to_contain_text("To make an appointment, call")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("waits for a clinical reviewer")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "designer-topic-proposed.png"), full_page=True)
    # The assistant still gives the approved answer; the editor has no way to approve.
    assert answer_over_rest(running, "what is proton therapy?") == old
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    forged = page.request.post(f"{designer}/topics/proton_therapy/approve", form={
        "csrf_token": page.locator("input[name=csrf_token]").first.input_value(),
        "version": page.locator("input[name=version]").first.input_value()})
    assert forged.status == 403 and "Clinical reviewer" not in forged.text()
    assert answer_over_rest(running, "what is proton therapy?") == old


def test_the_reviewer_approves_and_the_assistant_gives_the_new_answer(new_page, designer, running, project):
    page = sign_in(new_page(), designer, "reviewer", "/review")
    page.get_by_role("link", name="Proton therapy").click()
    proposal = page.get_by_role("region", name="The proposed change")
    expect(proposal).to_contain_text(NEW_ANSWER)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved")
    deadline = time.monotonic() + 15
    while not answer_over_rest(running, "what is proton therapy?").startswith(NEW_ANSWER) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert answer_over_rest(running, "what is proton therapy?").startswith(NEW_ANSWER)
    entry = next(e for e in yaml.safe_load((project / "facts" / "topics.yml").read_text()) if e["id"] == "proton_therapy")
    assert entry["reviewer"] == PEOPLE["reviewer"][1] and str(entry["review_date"]) == time.strftime("%Y-%m-%d")
    page.get_by_role("link", name="History and earlier versions").click()
    expect(page.locator("ol.history > li").first).to_contain_text("rita approved")
    expect(page.locator("ol.history")).to_contain_text("erin proposed a change")


def test_nobody_approves_their_own_change_and_earlier_versions_can_be_restored(new_page, designer, running):
    page = sign_in(new_page(), designer, "reviewer", "/topics/proton_therapy/history")
    # The version before the approval: restoring it is a change like any other, for review.
    page.get_by_role("button", name="Restore the version before this change").first.click()
    expect(page.get_by_role("status")).to_contain_text("Check it and save to restore it")
    assert page.get_by_label(re.compile(r"^Answer")).input_value() == APPROVED_BEFORE
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("waits for a clinical reviewer")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_text("another clinical reviewer must approve it")).to_be_visible()
    second = sign_in(new_page(), designer, "reviewer2", "/topics/proton_therapy")
    second.get_by_label("Why you return it").fill("Keep the shorter answer we approved today.")
    second.get_by_role("button", name="Return to the author").click()
    expect(second.get_by_role("status")).to_contain_text("returned")
    assert answer_over_rest(running, "what is proton therapy?").startswith(NEW_ANSWER)


def test_two_people_changing_one_topic_are_told_and_nothing_is_lost(new_page, designer):
    editor = sign_in(new_page(), designer, "editor", "/topics/ommaya_reservoir")
    reviewer = sign_in(new_page(), designer, "reviewer", "/topics/ommaya_reservoir")
    reviewer.get_by_label("Title").fill("Ommaya reservoir (brain port)")
    reviewer.get_by_role("button", name="Save").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Saved")
    editor.get_by_label("Title").fill("Ommaya reservoir device")
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_role("alert")).to_contain_text("Someone else changed this topic since you opened it")
    expect(editor.get_by_label("Title")).to_have_value("Ommaya reservoir device")  # what they typed is still there


# ---- the inbox, training and publishing ----

def test_a_patients_unanswered_question_is_answered_after_train_and_publish(new_page, designer, running, project):
    evaluation = " ".join(path.read_text() for path in (project / "tests" / "evaluation").glob("*.yml")).lower()
    candidates = [(q, t) for q, t in INBOX_CANDIDATES if q.lower() not in evaluation]
    question, topic = next(((q, t) for q, t in candidates
                            if not answer_over_rest(running, q).startswith(topic_answer(project, t)[:40])), (None, None))
    assert question, "every candidate question is already answered: write a new one the model doesn't know"
    answer_over_rest(running, SCRIPT_MESSAGE)

    page = sign_in(new_page(), designer, "editor", "/inbox")
    item = page.locator("li.item", has_text=question)
    expect(item).to_have_count(1)
    # A patient's message with HTML in it is shown as text, never run.
    script_item = page.locator("li.item", has_text="<script>alert('inbox')</script>")
    expect(script_item.locator("q.question")).to_have_text(SCRIPT_MESSAGE)
    assert page.locator("li.item img, li.item script").count() == 0 and page.dialogs == []
    # Evaluation messages never become training examples.
    evaluation_message = yaml.safe_load((project / "tests/evaluation/test_set.yml").read_text())["nlu"][0]["examples"]
    evaluation_message = evaluation_message.splitlines()[3][2:]
    script_item.get_by_label("The question as it will be added").fill(evaluation_message)
    script_item.get_by_label("Topic it is about").select_option("chemotherapy")
    script_item.get_by_role("button", name="Add as an example of this topic").click()
    expect(page.get_by_role("alert")).to_contain_text("Evaluation messages never become training examples")
    assert evaluation_message not in (project / "facts" / "topics.yml").read_text()

    item = page.locator("li.item", has_text=question)
    choice = item.get_by_label("Topic it is about")
    assert topic in choice.locator("optgroup").first.locator("option").evaluate_all("os => os.map(o => o.value)"), \
        "the classifier's likeliest topics are suggested first"
    choice.select_option(topic)
    item.get_by_role("button", name="Add as an example of this topic").click()
    expect(page.get_by_role("status").first).to_contain_text("Added as an example question")
    expect(page.locator("li.item", has_text=question)).to_have_count(0)
    script_item = page.locator("li.item", has_text="<script>alert('inbox')</script>")
    script_item.get_by_role("button", name="Dismiss").click()
    expect(page.locator("li.item", has_text="<script>alert('inbox')</script>")).to_have_count(0)

    page.get_by_role("link", name="Train and publish").click()
    clicked = time.monotonic()
    page.get_by_role("button", name="Check, train and score a new model").click()
    expect(page.locator("#job-doing")).not_to_be_empty()
    page.reload()  # the training goes on, and the page still shows it
    stages = set()
    while time.monotonic() - clicked < 40 * 60:
        stage = page.locator("#job-stage").inner_text()
        stages.add(page.locator("#job-doing").inner_text().split(":")[0])
        if stage.startswith(("Ready", "Failed")):
            break
        time.sleep(2)
    training_seconds = time.monotonic() - clicked
    assert page.locator("#job-stage").inner_text().startswith("Ready"), page.locator("#job").inner_text()
    assert {"Checking the content rules", "Training, step 1 of 5"} & stages, stages
    record_timing("training_from_the_button_to_ready_seconds", training_seconds)
    figures = page.get_by_role("region", name="Figures")
    expect(figures).to_contain_text("topic questions answered with the right topic")
    expect(figures.locator("thead")).to_contain_text("New model")
    expect(figures.locator("thead")).to_contain_text("Live model")
    page.screenshot(path=str(ARTIFACTS / "designer-training-ready.png"), full_page=True)

    publish = page.get_by_role("button", name="Publish", exact=True)
    if publish.count() == 0:  # the checks refused it: only an admin can confirm
        expect(page.get_by_text("Publishing it needs an admin's confirmation")).to_be_visible()
        page = sign_in(new_page(), designer, "admin", "/training")
        page.get_by_label("I have read the reasons above").check()
        page.get_by_label("Why").fill("One example more: the evaluation set differs by one message.")
        publish = page.get_by_role("button", name="Publish anyway")
    expected = topic_answer(project, topic)[:40]
    published = time.monotonic()
    publish.click()
    expect(page.get_by_role("status").first).to_contain_text("Published")
    while not answer_over_rest(running, question).startswith(expected) and time.monotonic() - published < 120:
        time.sleep(0.25)
    live_after = time.monotonic() - published
    assert answer_over_rest(running, question).startswith(expected)
    record_timing("publish_to_new_answer_over_rest_seconds", live_after)
    assert running.rasa.poll() is None, "the Rasa server was not restarted"
    expect(page.locator("#server-status")).to_contain_text("Loaded by 1 of 1", timeout=60_000)


def test_publishing_a_model_the_checks_refuse_needs_an_admin(designer, running, project):
    """A finished training whose model misses an emergency (its figures made so): an editor
    can't publish it, an admin only by confirming and saying why."""
    published = json.loads((project / "models" / "published.json").read_text())
    older = next(p for p in (project / "models").glob("faq-*.tar.gz") if p.name != published["model"])
    job = project / "var" / "training" / "29990101-000000-refused"
    job.mkdir(parents=True)
    scores = {"topic_accuracy": 0.97, "out_of_scope_answered_with_fact": 0.0, "emergency_recall": 0.9,
              "training_emergency_recall": 1.0, "messages": 481, "missed_emergencies": ["my legs gave out"]}
    (job / "status.json").write_text(json.dumps({
        "stage": "ready", "started": time.time(), "by": "test", "candidate": older.name, "candidate_scores": scores,
        "live": published["model"], "live_scores": {**scores, "emergency_recall": 1.0},
        "refusals": ["It misses emergencies: 90.0% of emergency messages, not 100%."]}))
    editor, csrf = session_for(designer, "editor")
    refused = editor.post(f"{designer}/training/publish", data={"csrf_token": csrf, "job": job.name,
                                                                 "confirm": "yes", "reason": "trust me"})
    assert refused.status_code == 403 and "Only an admin can confirm" in refused.text
    admin, csrf = session_for(designer, "admin")
    unconfirmed = admin.post(f"{designer}/training/publish", data={"csrf_token": csrf, "job": job.name})
    assert unconfirmed.status_code == 422 and "tick the confirmation and say why" in unconfirmed.text
    assert json.loads((project / "models" / "published.json").read_text())["model"] == published["model"]
    confirmed = admin.post(f"{designer}/training/publish", data={"csrf_token": csrf, "job": job.name,
                                                                  "confirm": "yes", "reason": "rollback drill"})
    assert confirmed.ok and "Published" in confirmed.text
    record = json.loads((project / "models" / "published.json").read_text())
    assert record["model"] == older.name and "rollback drill" in record["confirmed"] and record["by"] == "adam"
    # And back to the model the content team published, as an admin would after the drill.
    back = project / "var" / "training" / "29990101-000001-back"
    back.mkdir()
    (back / "status.json").write_text(json.dumps({
        "stage": "ready", "started": time.time(), "by": "test", "candidate": published["model"],
        "candidate_scores": {**scores, "emergency_recall": 1.0}, "live": older.name, "live_scores": scores,
        "refusals": []}))
    assert admin.post(f"{designer}/training/publish", data={"csrf_token": csrf, "job": back.name}).ok
    assert json.loads((project / "models" / "published.json").read_text())["model"] == published["model"]
    shutil.rmtree(job)
    shutil.rmtree(back)


def test_a_training_that_fails_says_why(new_page, designer, project):
    topics = project / "facts" / "topics.yml"
    good = topics.read_text(encoding="utf-8")
    topics.write_text(good.replace("    - what is proton therapy\n", "    - what is proton therapy\n"
                                   "    - what is chemotherapy for spinal tumors\n", 1), encoding="utf-8")
    try:
        page = sign_in(new_page(), designer, "editor", "/training")
        page.get_by_role("button", name="Check, train and score a new model").click()
        expect(page.locator("#job-stage")).to_contain_text("Failed", timeout=5 * 60_000)
        expect(page.locator("#job-stage")).to_contain_text("nothing was trained")
        expect(page.locator("#job")).to_contain_text("is the same question as \"what is chemotherapy for spinal tumors\"")
    finally:
        topics.write_text(good, encoding="utf-8")


# ---- spreadsheets ----

def test_spreadsheets_download_and_upload_all_or_nothing(new_page, designer, project, tmp_path):
    from openpyxl import load_workbook

    page = sign_in(new_page(), designer, "editor", "/spreadsheets")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel workbook (.xlsx)").click()
    sheet_path = tmp_path / "topics.xlsx"
    download.value.save_as(sheet_path)
    book = load_workbook(sheet_path)
    rows = list(book.active.iter_rows(values_only=True))
    header = list(rows[0])
    row = next(n for n, r in enumerate(rows, 1) if r[0] == "support_services")
    sheet = book.active
    sheet.cell(row=row, column=header.index("examples") + 1).value += "\nis there a support group for my family"
    sheet.cell(row=row, column=header.index("answer") + 1).value += " Ask us about support groups."
    bad_row = next(n for n, r in enumerate(rows, 1) if r[0] == "surgery")
    sheet.cell(row=bad_row, column=header.index("source") + 1).value = "a page nobody has"
    book.save(sheet_path)

    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(str(sheet_path))
    page.get_by_label("Check it and make the changes").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Row {bad_row}, topic 'surgery'")
    assert "is there a support group for my family" not in (project / "facts" / "topics.yml").read_text()

    sheet.cell(row=bad_row, column=header.index("source") + 1).value = rows[bad_row - 1][header.index("source")]
    book.save(sheet_path)
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(str(sheet_path))
    page.get_by_label("Check it and make the changes").check()
    page.get_by_role("button", name="Upload").click()
    result = page.get_by_role("status").last
    expect(result).to_contain_text("Saved at once")
    expect(result).to_contain_text("Waiting for a clinical reviewer")
    assert "is there a support group for my family" in (project / "facts" / "topics.yml").read_text()
    assert "Ask us about support groups." not in (project / "facts" / "topics.yml").read_text()
    assert "Ask us about support groups." in (project / "facts" / "drafts.yml").read_text()

    not_a_sheet = tmp_path / "photo.xlsx"
    not_a_sheet.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(str(not_a_sheet))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a spreadsheet")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV (UTF-8)").click()
    assert download.value.suggested_filename.endswith(".csv")


# ---- as an attacker tries it ----

def test_changes_need_the_csrf_token_and_this_site(designer, project):
    session, csrf = session_for(designer, "editor")
    before = (project / "facts" / "topics.yml").read_text()
    form = {"title": "Hacked", "answer": "hacked", "version": ""}
    assert session.post(f"{designer}/topics/chemotherapy", data=form).status_code == 403
    assert session.post(f"{designer}/topics/chemotherapy", data={**form, "csrf_token": "guessed"}).status_code == 403
    cross_site = session.post(f"{designer}/topics/chemotherapy", data={**form, "csrf_token": csrf},
                              headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403 and "another web site" in cross_site.text
    assert (project / "facts" / "topics.yml").read_text() == before
    signed_out = session.post(f"{designer}/sign-out", data={"csrf_token": csrf}, allow_redirects=False)
    assert signed_out.status_code == 303
    assert session.get(f"{designer}/topics", allow_redirects=False).status_code == 303  # the session is over


def test_session_cookies_are_httponly_samesite_and_secure_behind_https(designer, running):
    session = requests.Session()
    form = session.get(f"{designer}/sign-in", timeout=10)
    token = re.search(r'name="sign_in_token" value="([^"]+)"', form.text).group(1)
    reply = session.post(f"{designer}/sign-in", data={"sign_in_token": token, "name": "erin", "password": PASSWORD},
                         allow_redirects=False)
    cookie = reply.headers["Set-Cookie"]
    assert "designer_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on this machine
    port = free_port()
    behind_https = subprocess.Popen([sys.executable, "-m", "hospital_faq.content.designer", "--port", str(port),
                                     "--endpoints", str(running.endpoints)], cwd=running.project,
                                    env={**running.env, "CONTENT_PUBLIC_URL": f"https://127.0.0.1:{port}"},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                form = requests.get(f"{url}/sign-in", timeout=5)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline
                time.sleep(0.5)
        cookie = form.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    finally:
        behind_https.terminate()
        behind_https.wait(30)


def test_a_thousand_wrong_passwords_lock_the_account(designer, project, running):
    session = requests.Session()
    token = re.search(r'name="sign_in_token" value="([^"]+)"', session.get(f"{designer}/sign-in").text).group(1)
    started, statuses = time.monotonic(), []
    for attempt in range(1000):
        reply = session.post(f"{designer}/sign-in", data={"sign_in_token": token, "name": "ravi",
                                                          "password": f"guess number {attempt}"})
        statuses.append(reply.status_code)
        token = re.search(r'name="sign_in_token" value="([^"]+)"', reply.text).group(1)
    seconds = time.monotonic() - started
    assert statuses[:4] == [401] * 4 and set(statuses[5:]) == {429}, statuses[:10]
    assert "Too many wrong passwords" in reply.text and int(reply.headers["Retry-After"]) > 0
    record_timing("a_thousand_wrong_passwords_seconds", seconds)
    right = session.post(f"{designer}/sign-in", data={"sign_in_token": token, "name": "ravi", "password": PASSWORD})
    assert right.status_code == 429, "the right password does not get in while the account is locked"
    unlocked = content_command(project, running.env, "user", "unlock", "ravi")
    assert unlocked.returncode == 0
    session_for(designer, "reviewer2")  # signs in again


# ---- accessible, at any width ----

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_on_any_page(new_page, designer, viewport):
    page = new_page(viewport=viewport, bypass_csp=True)  # axe is injected as a script
    page.goto(designer + "/sign-in")
    assert axe_violations(page) == []
    for who, paths in [("editor", ["/topics", "/topics?q=chemo&status=draft", "/topics/proton_therapy",
                                   "/topics/proton_therapy/history", "/topics/new", "/review", "/inbox",
                                   "/training", "/spreadsheets", "/account", "/accounts"]),
                       ("admin", ["/accounts", "/training"])]:
        context_page = new_page(viewport=viewport, bypass_csp=True)
        sign_in(context_page, designer, who)
        for path in paths:
            context_page.goto(designer + path)
            assert axe_violations(context_page) == [], (who, path)
            assert context_page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (who, path)
    if viewport == PHONE:
        context_page.goto(designer + "/accounts")
        context_page.screenshot(path=str(ARTIFACTS / "designer-phone-accounts.png"), full_page=True)


def focused(page: Page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement; const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), name: (el.getAttribute('aria-label') || el.textContent || el.value || '').trim(),
                id: el.id, outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth)}; }""")


def tab_to(page: Page, name: str, tries: int = 80) -> dict:
    for _ in range(tries):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["name"].startswith(name) or now["id"] == name:
            return now
    raise AssertionError(f"Tab never reached {name!r}")


def test_the_keyboard_alone_is_enough(new_page, designer):
    page = new_page()
    page.goto(designer + "/topics")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Skip to the content"
    tab_to(page, "name")
    page.keyboard.type(PEOPLE["editor"][0])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Topics", exact=True)).to_be_visible()
    link = tab_to(page, "Chemotherapy")
    assert link["tag"] == "a" and link["outline"] >= 2, "focus is visible"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chemotherapy")
    title = tab_to(page, "f-title")
    assert title["outline"] >= 2
    save = tab_to(page, "Save", tries=200)
    assert save["tag"] == "button" and save["outline"] >= 2

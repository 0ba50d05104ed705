"""The content designer: the content team's browser app for what the assistant says.

    python -m hospital_faq.content.designer [--port 8081]    (scripts/run starts it on CONTENT_PORT)

Pages (each needs the permission roles.py gives it; nothing but the sign-in page,
its stylesheet and /health is reachable without signing in):
  /topics            list, search, filter; a topic: edit with the content rules checked as
                     you type, preview (website chat and text message), review, history
  /review            changes waiting for a clinical reviewer
  /inbox             what patients asked that the assistant could not answer
  /training          check, train and score in the background; publish
  /spreadsheets      every topic as XLSX or CSV, and back (all rows or none)
  /accounts          (admin) unlock, disable, change roles; /account: your password

Everything is saved where the command-line tools and git see it: facts/ (topics.yml,
drafts.yml, history.jsonl), data/nlu.yml (out-of-scope examples), models/ (the published
model) and the conversation store (inbox decisions). Accounts and sessions are in
accounts.py's store. Pages are rendered on the server with Jinja2 (autoescaping:
nothing anyone typed is ever HTML); a little plain JavaScript (static/designer.js)
runs the live checks, the preview and the training progress.

Security: sessions are cookies (HttpOnly, SameSite=Strict, Secure and "__Host-" when
served over HTTPS: CONTENT_PUBLIC_URL=https://... or a proxy that says so); every
change needs the session's CSRF token and a same-origin request; roles are checked
on every page and change; wrong passwords slow down and lock (accounts.py);
Content-Security-Policy allows this site's own scripts and styles only.
"""
import argparse
import asyncio
import datetime
import functools
import hmac
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import quote, urlsplit

import requests
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import MethodNotSupported, NotFound, PayloadTooLarge, SanicException
from sanic.request import Request

from hospital_faq.content import history, inbox, preview, review, spreadsheet, training_examples, training_job, \
    topics_file
from hospital_faq.content.designer import accounts as accounts_module
from hospital_faq.content.designer.roles import PERMISSIONS, ROLES, can, home_for, pages_for
from hospital_faq.content.validation import MAX_ANSWER_CHARACTERS, MIN_EXAMPLES, REVIEW_VALID_DAYS, Problem, \
    reading_grade, validate
from hospital_faq.knowledge.fact_store import FIELD_HELP, clean_text
from hospital_faq.knowledge.hospital import load_hospital
from hospital_faq.ops import conversation_store, model_server, publishing
from hospital_faq.paths import FACTS_DIR, MODELS_DIR

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent
DEFAULT_PORT = 8081
SESSION_COOKIE, SECURE_SESSION_COOKIE = "designer_session", "__Host-designer_session"
SIGN_IN_COOKIE = "designer_sign_in"
PUBLIC = ("/sign-in", "/health", "/static/designer.css", "/static/favicon.svg")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
                           "object-src 'none'")
# What a page says after a change (chosen by a fixed code in the address, never free text).
DONE = {
    "saved": "Saved. The running assistant uses it from the next message.",
    "examples": "Saved. New or changed example questions reach the assistant with the next published model "
                "(Train and publish).",
    "proposed": "Saved as a proposal: it waits for a clinical reviewer. Until then the assistant keeps "
                "giving the approved answer.",
    "withdrawn": "Saved. The text is back to the approved one, so the proposal was withdrawn.",
    "nothing": "Nothing had changed.",
    "approved": "Approved. The running assistant gives the new answer from the next message.",
    "approved_new": "Approved. The new topic is in the fact store; the assistant recognises its questions after "
                    "the next published model (Train and publish).",
    "returned": "The proposal was returned. It stays in the topic's history, from where it can be restored.",
    "new_topic": "The new topic waits for a clinical reviewer.",
    "inbox_example": "Added as an example question. It reaches the assistant with the next published model.",
    "inbox_out_of_scope": "Added as an out-of-scope example. It reaches the assistant with the next published model.",
    "inbox_dismissed": "Dismissed.",
    "training_started": "Training started. You can leave this page: it goes on, and this page shows it.",
    "published": "Published. The assistant loads the new model within seconds, without a restart.",
    "password": "Your password was changed.",
    "account": "The account was changed.",
}
STATUS_LABELS = {
    "waiting": "waiting for review",
    "draft": "draft (no clinical review yet)",
    "overdue": "review overdue",
    "approved": "approved",
}


@dataclass
class Settings:
    facts_dir: Path = FACTS_DIR
    models_dir: Path = MODELS_DIR
    endpoints: Path = conversation_store.ENDPOINTS
    accounts_url: Optional[str] = None
    model_server_url: Optional[str] = None  # its /status is shown on the training page
    public_url: str = ""  # https://... behind a proxy: cookies are then Secure


def blocking(function: Callable, *args, **kwargs):
    """Runs file, database and CPU work off the event loop."""
    return asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args, **kwargs))


# ---- pages ----

def _when(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def _percent(value) -> str:
    return "" if value is None else f"{float(value) * 100:.1f}%"


def templates() -> Environment:
    environment = Environment(loader=FileSystemLoader(HERE / "templates"),
                              autoescape=select_autoescape(["html"], default_for_string=True, default=True),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["when"] = _when
    environment.filters["percent"] = _percent
    return environment


def create_app(settings: Settings) -> Sanic:
    app = Sanic("content_designer")
    app.config.REQUEST_MAX_SIZE = MAX_UPLOAD_BYTES + 64 * 1024
    app.config.PROXIES_COUNT = int(os.environ.get("CONTENT_PROXIES_COUNT", "0"))
    app.config.KEEP_ALIVE_TIMEOUT = 15
    app.ctx.settings = settings
    app.ctx.accounts = accounts_module.AccountStore(settings.accounts_url)
    app.ctx.content = review.Content(settings.facts_dir)
    app.ctx.templates = templates()
    app.ctx.hospital = load_hospital()
    app.static("/static", str(HERE / "static"))

    def secure(request: Request) -> bool:
        return settings.public_url.startswith("https://") or request.scheme == "https"

    def session_cookie(request: Request) -> str:
        return SECURE_SESSION_COOKIE if secure(request) else SESSION_COOKIE

    def set_cookie(request: Request, resp, name: str, value: str, max_age: Optional[int] = None) -> None:
        resp.cookies[name] = value
        cookie = resp.cookies[name]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/"
        if secure(request):
            cookie["secure"] = True
        if max_age is not None:
            cookie["max-age"] = max_age

    def render(request: Request, template: str, status: int = 200, **values) -> response.HTTPResponse:
        session = request.ctx.session
        role = session.account.role if session else None
        body = app.ctx.templates.get_template(template).render(
            request_path=request.path, session=session, account=session.account if session else None,
            role=ROLES.get(role or ""), pages=pages_for(role) if role else [],
            csrf=session.csrf_token if session else "", can=lambda permission: can(role, permission),
            hospital=app.ctx.hospital, done=DONE.get(request.args.get("done", "")), **values)
        return response.html(body, status=status)

    def error_page(request: Request, status: int, title: str, message: str):
        if request.path.startswith("/api/"):
            return response.json({"error": message}, status=status)
        return render(request, "error.html", status=status, title=title, message=message)

    def requires(permission: str):
        def decorate(handler):
            @functools.wraps(handler)
            async def checked(request: Request, *args, **kwargs):
                session = request.ctx.session
                if session is None:  # the middleware already sent anyone without a session away
                    return error_page(request, 401, "Please sign in", "Please sign in first.")
                if not can(session.account.role, permission):
                    role = ROLES[session.account.role].label
                    return error_page(request, 403, "Not allowed",
                                      f"Your role ({role}) can't do this: it needs the permission to "
                                      f"{PERMISSIONS[permission]}.")
                return await handler(request, *args, **kwargs)
            checked.permission = permission
            return checked
        return decorate

    # ---- every request: who is it, may they, and is a change really theirs ----

    async def load_session(request: Request) -> None:
        request.ctx.session = None
        token = request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)
        if token:
            request.ctx.session = await blocking(app.ctx.accounts.session, token)

    @app.middleware("request")
    async def check_request(request: Request):
        await load_session(request)
        if request.method not in SAFE_METHODS and not _same_origin(request, settings.public_url):
            return error_page(request, 403, "Refused", "This change came from another web site, so it was refused.")
        if request.path in PUBLIC:
            return None
        if request.ctx.session is None:
            if request.path.startswith("/api/") or request.method not in SAFE_METHODS:
                return error_page(request, 401, "Please sign in", "Your session has ended: please sign in again.")
            target = request.path + (f"?{request.query_string}" if request.query_string else "")
            return response.redirect(f"/sign-in?next={quote(target, safe='')}", status=303)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get("X-CSRF-Token") or (request.form.get("csrf_token") if request.form else None)
            if not sent or not hmac.compare_digest(str(sent), request.ctx.session.csrf_token):
                return error_page(request, 403, "Refused", "This change was refused: its form had expired or did "
                                  "not come from this site. Reload the page and try again.")
        return None

    @app.middleware("response")
    async def security_headers(request: Request, resp):
        resp.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        # Not "no-referrer": browsers then send "Origin: null" with forms, and the origin check needs it.
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not request.path.startswith("/static/"):
            resp.headers["Cache-Control"] = "no-store"
        if secure(request):
            resp.headers["Strict-Transport-Security"] = "max-age=31536000"

    @app.exception(NotFound)
    async def not_found(request: Request, exception):
        if not hasattr(request.ctx, "session"):  # no route: the middleware did not run
            await load_session(request)
        if request.ctx.session is None:
            return response.redirect("/sign-in", status=303)
        return error_page(request, 404, "Not found", "There is no such page (or topic).")

    @app.exception(MethodNotSupported)
    async def wrong_method(request: Request, exception):
        if not hasattr(request.ctx, "session"):
            await load_session(request)
        return error_page(request, 405, "Not allowed", "This address can't be used that way.")

    @app.exception(PayloadTooLarge)
    async def too_large(request: Request, exception):
        if not hasattr(request.ctx, "session"):
            await load_session(request)
        return error_page(request, 413, "Too large", f"The file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB: "
                                                     "a spreadsheet of every topic is far smaller. Check the file.")

    @app.exception(Exception)
    async def failed(request: Request, exception):
        if not hasattr(request.ctx, "session"):
            request.ctx.session = None
        if isinstance(exception, SanicException) and getattr(exception, "status_code", 500) < 500:
            return error_page(request, exception.status_code, "Not possible", str(exception))
        logger.exception("The content designer failed on %s %s", request.method, request.path)
        return error_page(request, 500, "Something went wrong",
                          "Something went wrong on the server, and nothing may have been saved. Try again; if it "
                          "happens again, tell the engineering team the time (their log has the details).")

    # ---- signing in and out ----

    @app.get("/health")
    async def health(request: Request):
        return response.json({"status": "ok"})

    @app.get("/")
    async def home(request: Request):
        return response.redirect(home_for(request.ctx.session.account.role), status=303)

    @app.get("/sign-in")
    async def sign_in_page(request: Request):
        if request.ctx.session:
            return response.redirect(home_for(request.ctx.session.account.role), status=303)
        return sign_in_form(request, 200)

    def sign_in_form(request: Request, status: int, message: str = "", name: str = ""):
        token = secrets.token_urlsafe(24)
        target = request.args.get("next") or (request.form.get("next") if request.method == "POST" and request.form
                                              else "")
        page = render(request, "sign_in.html", status=status, sign_in_token=token, message=message, name=name,
                      next=_local_path(target))
        set_cookie(request, page, SIGN_IN_COOKIE, token, max_age=3600)
        return page

    @app.post("/sign-in")
    async def sign_in(request: Request):
        form = request.form
        sent, expected = form.get("sign_in_token") or "", request.cookies.get(SIGN_IN_COOKIE) or ""
        if not expected or not hmac.compare_digest(sent, expected):
            return sign_in_form(request, 403, "The sign-in form had expired. Please try again.")
        name, password = (form.get("name") or "")[:100], (form.get("password") or "")[:1000]
        result = await blocking(app.ctx.accounts.sign_in, name, password, request.remote_addr or request.ip)
        if result.account is None:
            logger.info("Sign-in refused%s", " (locked)" if result.retry_after else "")
            page = sign_in_form(request, 429 if result.retry_after else 401, result.message, name)
            if result.retry_after:
                page.headers["Retry-After"] = str(result.retry_after)
            return page
        token = await blocking(app.ctx.accounts.start_session, result.account)
        logger.info("Signed in: %s (%s)", result.account.name, result.account.role)
        target = _local_path(form.get("next")) or home_for(result.account.role)
        page = response.redirect(target, status=303)
        set_cookie(request, page, session_cookie(request), token, max_age=accounts_module.SESSION_MAX_SECONDS)
        del page.cookies[SIGN_IN_COOKIE]
        return page

    @app.post("/sign-out")
    async def sign_out(request: Request):
        token = request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)
        await blocking(app.ctx.accounts.end_session, token)
        page = response.redirect("/sign-in", status=303)
        for name in (SESSION_COOKIE, SECURE_SESSION_COOKIE):
            if request.cookies.get(name):
                del page.cookies[name]
        return page

    # ---- topics ----

    def content() -> review.Content:
        return app.ctx.content

    def statuses(entry: Optional[dict], draft: Optional[review.Draft], today: datetime.date) -> List[str]:
        found = []
        if draft:
            found.append("waiting")
        if entry:
            reviewer = str(entry.get("reviewer") or "")
            date = topics_file.field_value(entry, "review_date")
            try:
                overdue = (today - datetime.date.fromisoformat(date)).days > REVIEW_VALID_DAYS
            except ValueError:
                overdue = False
            if "draft" in reviewer.lower():
                found.append("draft")
            elif overdue:
                found.append("overdue")
            else:
                found.append("approved")
        return found

    def topic_rows(query: str, status: str) -> List[Dict]:
        today = datetime.date.today()
        drafts = content().drafts()
        rows = []
        listed = [(e, drafts.get(str(e.get("id")))) for e in content().entries()]
        listed += [(None, d) for d in drafts.values() if d.new_topic]
        words = query.lower().split()
        for entry, draft in listed:
            values = dict(entry or {}, **(draft.change if draft else {}))
            topic_id = str((entry or {}).get("id") or (draft.topic if draft else ""))
            found = statuses(entry, draft, today)
            haystack = " ".join([topic_id, str(values.get("title", "")), str(values.get("answer", "")),
                                 " ".join(map(str, values.get("examples") or []))]).lower()
            if words and not all(w in haystack for w in words):
                continue
            if status and status not in found:
                continue
            rows.append({"id": topic_id, "title": clean_text(values.get("title") or topic_id),
                         "theme": clean_text(values.get("theme") or ""), "statuses": found, "new": entry is None,
                         "review_date": topics_file.field_value(entry or {}, "review_date"),
                         "examples": len(values.get("examples") or [])})
        return rows

    @app.get("/topics")
    @requires("view")
    async def topics_page(request: Request):
        query, status = (request.args.get("q") or "")[:200], request.args.get("status") or ""
        status = status if status in STATUS_LABELS else ""
        rows = await blocking(topic_rows, query, status)
        return render(request, "topics.html", rows=rows, query=query, status_filter=status, status_labels=STATUS_LABELS)

    def topic_context(topic_id: str, values: Optional[Dict] = None) -> Optional[Dict]:
        store = content()
        entry, draft = store.entry(topic_id), store.drafts().get(topic_id)
        shown = store.edited_view(topic_id)
        if shown is None:
            return None
        values = values or shown
        sources = store.sources()
        proposal = None
        if draft:
            proposal = [{"field": name, "before": draft.base.get(name, topics_file.field_value(entry or {}, name)),
                         "after": value} for name, value in draft.change.items()]
        return {
            "topic_id": topic_id, "entry": entry, "draft": draft, "proposal": proposal, "values": values,
            "version": store.version(topic_id), "sources": sources,
            "topic_ids": [(str(e.get("id")), clean_text(e.get("title") or "")) for e in store.entries()
                          if str(e.get("id")) != topic_id],
            "themes": sorted({clean_text(e.get("theme")) for e in store.entries() if e.get("theme")}),
            "statuses": statuses(entry, draft, datetime.date.today()),
            "preview": preview.preview({**values, "roles": (entry or {}).get("roles")}, sources),
            "field_help": FIELD_HELP, "reviewed_fields": review.REVIEWED_FIELDS, "limits": limits(values),
        }

    @app.get("/topics/<topic_id:str>")
    @requires("view")
    async def topic_page(request: Request, topic_id: str):
        context = await blocking(topic_context, topic_id)
        if context is None:
            return error_page(request, 404, "Not found", f"There is no topic '{topic_id}'.")
        problems = await blocking(content().problems, context["values"], topic_id)
        return render(request, "topic.html", problems=by_field(problems), **context)

    @app.post("/topics/<topic_id:str>")
    @requires("edit")
    async def save_topic(request: Request, topic_id: str):
        values = form_values(request)
        account = request.ctx.session.account
        try:
            outcome = await blocking(content().save, topic_id, values, account.name, request.form.get("version"))
        except review.ChangeRefused as refused:
            context = await blocking(topic_context, topic_id, values)
            if context is None:
                return error_page(request, 404, "Not found", f"There is no topic '{topic_id}'.")
            if not isinstance(refused, review.Conflict):
                context["version"] = request.form.get("version")  # still the one the person started from
            return render(request, "topic.html", status=409 if isinstance(refused, review.Conflict) else 422,
                          refused=str(refused), problems=by_field(refused.problems), **context)
        done = ("proposed" if outcome.proposed else "withdrawn" if outcome.withdrawn else
                "examples" if "examples" in outcome.applied else "saved" if outcome.applied else "nothing")
        logger.info("Topic %s changed by %s (%s)", topic_id, account.name, done)
        return response.redirect(f"/topics/{quote(topic_id)}?done={done}", status=303)

    @app.post("/topics/<topic_id:str>/approve")
    @requires("approve")
    async def approve(request: Request, topic_id: str):
        account = request.ctx.session.account
        draft = content().drafts().get(topic_id)
        try:
            await blocking(content().approve, topic_id, account.name, account.full_name, request.form.get("version"))
        except review.ChangeRefused as refused:
            return await refused_on_topic(request, topic_id, refused)
        logger.info("Topic %s approved by %s", topic_id, account.name)
        done = "approved_new" if draft and draft.new_topic else "approved"
        return response.redirect(f"/topics/{quote(topic_id)}?done={done}", status=303)

    @app.post("/topics/<topic_id:str>/return")
    @requires("edit")
    async def return_proposal(request: Request, topic_id: str):
        account = request.ctx.session.account
        draft = content().drafts().get(topic_id)
        if draft and not can(account.role, "approve") and account.name not in draft.authors:
            return error_page(request, 403, "Not allowed", "Only a clinical reviewer, or the change's author, can "
                                                           "return or withdraw a proposal.")
        reason = (request.form.get("reason") or "").strip()
        if can(account.role, "approve") and account.name not in (draft.authors if draft else []) and not reason:
            return await refused_on_topic(request, topic_id, review.ChangeRefused(
                "Say why you return it, so the author knows what to change."))
        try:
            await blocking(content().return_proposal, topic_id, account.name, reason, request.form.get("version"))
        except review.ChangeRefused as refused:
            return await refused_on_topic(request, topic_id, refused)
        draft_was_new = bool(draft and draft.new_topic)
        return response.redirect("/review?done=returned" if draft_was_new else
                                 f"/topics/{quote(topic_id)}?done=returned", status=303)

    async def refused_on_topic(request: Request, topic_id: str, refused: review.ChangeRefused):
        context = await blocking(topic_context, topic_id)
        if context is None:
            return error_page(request, 409, "Not possible", str(refused))
        problems = await blocking(content().problems, context["values"], topic_id)
        merged = by_field(problems)
        for name, found in by_field(refused.problems).items():
            merged.setdefault(name, []).extend(found)
        return render(request, "topic.html", status=409 if isinstance(refused, review.Conflict) else 422,
                      refused=str(refused), problems=merged, **context)

    @app.get("/topics/<topic_id:str>/history")
    @requires("view")
    async def history_page(request: Request, topic_id: str):
        found = await blocking(history.entries, settings.facts_dir, topic_id)
        if not found and content().entry(topic_id) is None and topic_id != training_examples.OUT_OF_SCOPE:
            return error_page(request, 404, "Not found", f"There is no topic '{topic_id}'.")
        return render(request, "history.html", topic_id=topic_id, entries=list(reversed(found)),
                      restorable=content().edited_view(topic_id) is not None)

    @app.post("/topics/<topic_id:str>/restore")
    @requires("edit")
    async def restore(request: Request, topic_id: str):
        try:
            line = int(request.form.get("line") or "")
        except ValueError:
            return error_page(request, 400, "Not possible", "Choose a version to restore.")
        context = await blocking(topic_context, topic_id)
        if context is None:
            return error_page(request, 404, "Not found", f"There is no topic '{topic_id}'.")
        entries = await blocking(history.entries, settings.facts_dir, topic_id)
        chosen = next((e for e in entries if e["line"] == line), None)
        if chosen is None:
            return error_page(request, 404, "Not found", "That version is not in the topic's history.")
        values = history.state_before(context["entry"] or {}, entries, line)
        context = await blocking(topic_context, topic_id, {**context["values"], **values})
        problems = await blocking(content().problems, context["values"], topic_id)
        return render(request, "topic.html", status=200, restoring=chosen, problems=by_field(problems), **context)

    @app.get("/topics/new")
    @requires("edit")
    async def new_topic_page(request: Request):
        return new_topic_form(request, {})

    def new_topic_form(request: Request, values: Dict, status: int = 200, refused: str = "",
                       problems=(), inbox_item: str = ""):
        store = content()
        return render(request, "new_topic.html", status=status, values=values, refused=refused,
                      problems=by_field(problems), sources=store.sources(), inbox_item=inbox_item,
                      topic_ids=[(str(e.get("id")), clean_text(e.get("title") or "")) for e in store.entries()],
                      themes=sorted({clean_text(e.get("theme")) for e in store.entries() if e.get("theme")}),
                      field_help=FIELD_HELP, min_examples=MIN_EXAMPLES, limits=limits(values))

    @app.post("/topics/new")
    @requires("edit")
    async def propose_topic(request: Request):
        values = {**form_values(request), "id": (request.form.get("id") or "").strip()}
        account = request.ctx.session.account
        try:
            await blocking(content().propose_topic, values, account.name)
        except review.ChangeRefused as refused:
            return new_topic_form(request, values, 422, str(refused), refused.problems,
                                  request.form.get("inbox_item") or "")
        item_id = request.form.get("inbox_item")
        if item_id:
            store = conversation_store.store_config(settings.endpoints)
            item = await blocking(inbox.find, store, item_id)
            if item:
                await blocking(inbox.decide, store, item, "new_topic", account.name)
        return response.redirect(f"/topics/{quote(values['id'])}?done=new_topic", status=303)

    @app.post("/api/topics/check")
    @requires("view")
    async def check_topic(request: Request):
        values = {**form_values(request), "id": (request.form.get("id") or request.form.get("topic_id") or "").strip()}
        topic_id = request.form.get("topic_id") or values["id"]
        problems = await blocking(content().problems, values, topic_id)
        if not request.form.get("topic_id") and (content().entry(topic_id) or topic_id in content().drafts()):
            problems.insert(0, Problem("error", topic_id, "this id is already used. Choose another.", "id"))
        entry = content().entry(topic_id) or {}
        shown = await blocking(preview.preview, {**values, "roles": entry.get("roles")}, content().sources())
        return response.json({"problems": {name: found for name, found in by_field(problems).items()},
                              "preview": shown, "limits": limits(values)})

    @app.get("/review")
    @requires("view")
    async def review_page(request: Request):
        drafts = sorted(content().drafts().values(), key=lambda d: d.updated_at)
        titles = {str(e.get("id")): clean_text(e.get("title") or "") for e in content().entries()}
        return render(request, "review.html", drafts=drafts, titles=titles)

    # ---- the inbox ----

    def inbox_context() -> Dict:
        store = conversation_store.store_config(settings.endpoints)
        titles = {str(e.get("id")): clean_text(e.get("title") or "") for e in content().entries()}
        return {"items": inbox.inbox(store), "titles": titles, "where": store.where}

    @app.get("/inbox")
    @requires("triage")
    async def inbox_page(request: Request):
        try:
            context = await blocking(inbox_context)
        except conversation_store.ConversationStoreError as error:
            return render(request, "inbox.html", status=503, items=[], titles={}, store_error=str(error))
        limit = min(int(request.args.get("show") or 50) if (request.args.get("show") or "").isdigit() else 50, 1000)
        return render(request, "inbox.html", limit=limit, **context)

    @app.post("/inbox/<item_id:str>")
    @requires("triage")
    async def inbox_action(request: Request, item_id: str):
        account = request.ctx.session.account
        action = request.form.get("action") or ""
        text = training_examples.example_text(request.form.get("text") or "")
        store = conversation_store.store_config(settings.endpoints)
        item = await blocking(inbox.find, store, item_id)
        if item is None:
            return error_page(request, 404, "Not found", "That question is no longer in the inbox (someone may have "
                                                         "dealt with it meanwhile).")
        try:
            if action == "example":
                topic_id = request.form.get("topic") or ""
                if not can(account.role, "edit"):
                    raise review.ChangeRefused("Your role can't change topics.")
                if not topic_id:
                    raise review.ChangeRefused("Choose the topic this question is about.")
                reason = await blocking(training_examples.problem, text, "ask_" + topic_id)
                if reason:
                    raise review.ChangeRefused(reason)
                await blocking(content().add_example, topic_id, text, account.name, "added an example from the inbox")
                decision, done = "example", "inbox_example"
            elif action == "out_of_scope":
                try:
                    await blocking(training_examples.add_out_of_scope, text, account.name, content().entries(),
                                   settings.facts_dir)
                except ValueError as error:
                    raise review.ChangeRefused(str(error))
                decision, done = "out_of_scope", "inbox_out_of_scope"
            elif action == "new_topic":
                if not can(account.role, "edit"):
                    raise review.ChangeRefused("Your role can't propose topics.")
                return new_topic_form(request, {"examples": [text]}, inbox_item=item.id)
            elif action == "dismiss":
                decision, done = "dismissed", "inbox_dismissed"
            else:
                raise review.ChangeRefused("Choose what to do with the question.")
        except review.ChangeRefused as refused:
            context = await blocking(inbox_context)
            problems = [p.message for p in refused.problems]
            return render(request, "inbox.html", status=422, limit=50, failed_item=item_id,
                          failed_message=" ".join([str(refused), *problems]), failed_text=text, **context)
        await blocking(inbox.decide, store, item, decision, account.name)
        logger.info("Inbox: %s by %s", decision, account.name)
        return response.redirect(f"/inbox?done={done}", status=303)

    # ---- training and publishing ----

    def model_server_status() -> Optional[Dict]:
        if not settings.model_server_url:
            return None
        token = os.environ.get("MODEL_SERVER_TOKEN")
        try:
            reply = requests.get(settings.model_server_url.rstrip("/") + "/status", timeout=3,
                                 params={"token": token} if token else None)
            return reply.json() if reply.ok else {"error": f"the model server answered {reply.status_code}"}
        except (requests.RequestException, ValueError) as error:
            return {"error": f"the model server can't be reached ({type(error).__name__})"}

    def training_context() -> Dict:
        job = training_job.latest()
        status = job.status() if job else None
        record = publishing.published(settings.models_dir)
        live_scores = None
        live_model = publishing.published_model(settings.models_dir)
        if status and status.get("live") and live_model and status["live"] == live_model.name:
            live_scores = status.get("live_scores")
        return {"job": status, "published": record, "publish_log": publishing.publish_log(settings.models_dir)[:10],
                "server": model_server_status(), "compared": publishing.COMPARED, "live_scores": live_scores,
                "typical_seconds": training_job.last_training_seconds(), "now": time.time(),
                "published_this": bool(status and record and status.get("candidate") == record.get("model"))}

    @app.get("/training")
    @requires("train")
    async def training_page(request: Request):
        return render(request, "training.html", **await blocking(training_context))

    @app.get("/api/training")
    @requires("train")
    async def training_status(request: Request):
        context = await blocking(training_context)
        job = context["job"] or {}
        return response.json({"job": {k: job.get(k) for k in ("id", "stage", "doing", "error", "started", "updated",
                                                              "finished", "typical_seconds")},
                              "now": context["now"], "published": context["published"], "server": context["server"]})

    @app.post("/training/start")
    @requires("train")
    async def start_training(request: Request):
        account = request.ctx.session.account
        try:
            await blocking(training_job.start, account.name)
        except training_job.AlreadyRunning as error:
            return render(request, "training.html", status=409, refused=str(error), **await blocking(training_context))
        logger.info("Training started by %s", account.name)
        return response.redirect("/training?done=training_started", status=303)

    @app.post("/training/publish")
    @requires("publish")
    async def publish(request: Request):
        account = request.ctx.session.account
        job = training_job.latest()
        status = job.status() if job else {}
        if not job or status.get("id") != request.form.get("job") or status.get("stage") != "ready":
            return render(request, "training.html", status=409, refused="This training is not the latest finished one "
                          "(someone may have started another): look at the figures below again.",
                          **await blocking(training_context))
        model = Path(settings.models_dir) / str(status["candidate"])
        live = publishing.published_model(settings.models_dir)
        if (live.name if live else None) != status.get("live"):
            return render(request, "training.html", status=409, refused="Another model was published since these "
                          "figures were made, so they compare with the wrong one: train again (it only scores).",
                          **await blocking(training_context))
        reasons = publishing.refusals(status["candidate_scores"], status.get("live_scores"))
        confirmed = None
        if reasons:
            if not can(account.role, "publish_anyway"):
                return render(request, "training.html", status=403, refused="Not published: " + " ".join(reasons) +
                              " Only an admin can confirm publishing it anyway.", **await blocking(training_context))
            why = " ".join((request.form.get("reason") or "").split())[:500]
            if request.form.get("confirm") != "yes" or not why:
                return render(request, "training.html", status=422, refused="Not published: " + " ".join(reasons) +
                              " To publish it anyway, tick the confirmation and say why.",
                              **await blocking(training_context))
            confirmed = f"{account.name}: {why} (despite: {' '.join(reasons)})"
        if not model.is_file():
            return render(request, "training.html", status=409, refused=f"The model {model.name} is no longer in "
                          "models/: train again.", **await blocking(training_context))
        await blocking(publishing.publish, model, account.name, status["candidate_scores"], confirmed,
                       settings.models_dir)
        logger.info("Model %s published by %s%s", model.name, account.name, " (confirmed)" if confirmed else "")
        return response.redirect("/training?done=published", status=303)

    # ---- spreadsheets ----

    @app.get("/spreadsheets")
    @requires("download")
    async def spreadsheets_page(request: Request):
        return render(request, "spreadsheets.html")

    @app.get("/spreadsheets/topics.xlsx", name="download_xlsx")
    @requires("download")
    async def download_xlsx(request: Request):
        return await download(request, "xlsx")

    @app.get("/spreadsheets/topics.csv", name="download_csv")
    @requires("download")
    async def download_csv(request: Request):
        return await download(request, "csv")

    async def download(request: Request, kind: str):
        table = await blocking(spreadsheet.rows, settings.facts_dir)
        body = await blocking(spreadsheet.as_xlsx if kind == "xlsx" else spreadsheet.as_csv, table)
        kinds = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8"}
        name = f"topics-{datetime.date.today().isoformat()}.{kind}"
        return response.raw(body, content_type=kinds[kind],
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.post("/spreadsheets")
    @requires("upload")
    async def upload(request: Request):
        upload_file = request.files.get("file") if request.files else None
        if upload_file is None or not upload_file.body:
            return render(request, "spreadsheets.html", status=422, errors=["Choose a spreadsheet file first."])
        name = Path(upload_file.name or "the file").name
        check_only = request.form.get("mode") != "import"
        account = request.ctx.session.account
        try:
            result = await blocking(import_upload, upload_file.body, name, account.name, check_only)
        except spreadsheet.NotASpreadsheet as error:
            return render(request, "spreadsheets.html", status=422, errors=[str(error)], file_name=name)
        if result["errors"]:
            return render(request, "spreadsheets.html", status=422, file_name=name, **result)
        return render(request, "spreadsheets.html", file_name=name, check_only=check_only, **result)

    def import_upload(data: bytes, name: str, by: str, check_only: bool) -> Dict:
        """A spreadsheet from the browser: every row checked first (the command's rules and row
        numbers, and the designer's own: evaluation messages...), then each topic saved as in
        the editor, so answer changes and new topics wait for review. All or nothing."""
        table = spreadsheet.read_table(data, name)
        store = content()
        with topics_file.locked(settings.facts_dir):
            result, _ = spreadsheet.import_table(table, name, settings.facts_dir, keep_review_fields=True)
            found = {"errors": result.errors, "changes": result.changes, "applied": [], "proposed": []}
            if result.errors or not result.changed:
                return found
            for topic_id, (number, values) in result.changed.items():
                for problem in store.problems({**values, "id": topic_id}, topic_id):
                    if problem.is_error:
                        found["errors"].append(f"Row {number}, topic '{topic_id}': {problem.message}")
            if found["errors"] or check_only:
                return found
            saved = {path: path.read_bytes() if path.exists() else None
                     for path in (store.topics_path, store.drafts_path)}
            try:
                for topic_id, (number, values) in result.changed.items():
                    if topic_id in result.new:
                        outcome = store.propose_topic({**values, "id": topic_id}, by)
                    else:
                        outcome = store.save(topic_id, values, by, None)
                    if outcome.applied:
                        found["applied"].append((topic_id, number, sorted(outcome.applied)))
                    if outcome.proposed:
                        found["proposed"].append((topic_id, number, sorted(outcome.proposed)))
            except review.ChangeRefused as refused:  # all was checked: only if a file changed meanwhile
                for path, body in saved.items():
                    if body is not None:
                        path.write_bytes(body)
                    elif path.exists():
                        path.unlink()
                history.record(settings.facts_dir, by, "undid a spreadsheet upload", "", {}, applied=True,
                               comment=str(refused))
                found["errors"] = [f"Nothing was changed: {refused} " + " ".join(p.message for p in refused.problems)]
            return found

    # ---- accounts ----

    @app.get("/accounts")
    @requires("accounts")
    async def accounts_page(request: Request):
        return render(request, "accounts.html", **await blocking(accounts_context))

    def accounts_context() -> Dict:
        store = app.ctx.accounts
        return {"people": [(a, store.failures_of(a.name), store.locked_for(a.name)) for a in store.all()],
                "roles": ROLES}

    @app.post("/accounts/<name:str>")
    @requires("accounts")
    async def change_account(request: Request, name: str):
        store = app.ctx.accounts
        me = request.ctx.session.account
        action = request.form.get("action")
        try:
            if store.get(name) is None:
                raise accounts_module.AccountError(f"There is no account '{name}'.")
            if name == me.name and action in ("disable", "role"):
                raise accounts_module.AccountError("You can't disable your own account or change your own role "
                                                   "(ask another admin), so that there is always an admin.")
            if action == "unlock":
                await blocking(store.unlock, name)
            elif action in ("disable", "enable"):
                await blocking(store.set_disabled, name, action == "disable")
            elif action == "role":
                await blocking(store.set_role, name, request.form.get("role") or "")
            else:
                raise accounts_module.AccountError("Choose what to change.")
        except accounts_module.AccountError as error:
            return render(request, "accounts.html", status=422, refused=str(error), **await blocking(accounts_context))
        logger.info("Account %s: %s by %s", name, action, me.name)
        return response.redirect("/accounts?done=account", status=303)

    @app.get("/account")
    async def account_page(request: Request):
        return render(request, "account.html", permissions=PERMISSIONS)

    @app.post("/account/password")
    async def change_password(request: Request):
        store = app.ctx.accounts
        me = request.ctx.session.account
        form = request.form
        check = await blocking(store.sign_in, me.name, form.get("current") or "", request.remote_addr or request.ip)
        problem = None
        if check.account is None:
            problem = "Your current password is not right." if not check.retry_after else check.message
        elif (form.get("new") or "") != (form.get("repeat") or ""):
            problem = "The two new passwords are not the same."
        if problem is None:
            try:
                await blocking(store.set_password, me.name, form.get("new") or "")
            except accounts_module.AccountError as error:
                problem = str(error)
        if problem:
            return render(request, "account.html", status=422, refused=problem, permissions=PERMISSIONS)
        token = await blocking(store.start_session, me)  # every other session ended with the change
        page = response.redirect("/account?done=password", status=303)
        set_cookie(request, page, session_cookie(request), token, max_age=accounts_module.SESSION_MAX_SECONDS)
        return page

    @app.listener("after_server_start")
    async def warm_up(app_, loop):
        # The first full check of the example questions compares every pair (tens of seconds);
        # later ones reuse it. Do it now, not on someone's first click (in a thread that
        # doesn't hold up stopping the server).
        threading.Thread(target=validate, args=(settings.facts_dir,), daemon=True, name="warm-up").start()

    return app


# ---- helpers ----

def _same_origin(request: Request, public_url: str) -> bool:
    """A change must come from a page of this site: the Origin (or Referer) header, when
    the browser sends one, must be this site; Sec-Fetch-Site must not be cross-site."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin") or ""
    if not origin or origin == "null":
        referer = request.headers.get("Referer") or ""
        if not referer:
            return origin != "null"
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    allowed = {f"{request.scheme}://{request.host}"}
    if public_url:
        parts = urlsplit(public_url)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return origin in allowed


def _local_path(value: Optional[str]) -> str:
    """`value` if it is a path on this site (never another site's address), else ''."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or value.startswith("/sign-") or \
            any(c in value for c in "\\ \t\r\n") or len(value) > 500:
        return ""
    return value


def form_values(request: Request) -> Dict[str, Any]:
    """A topic as the edit form sends it."""
    form = request.form or {}
    get = lambda name: (form.get(name) or "")[:20000]
    return {
        "title": get("title"), "theme": get("theme"), "answer": get("answer"), "how_given": get("how_given"),
        "note": get("note"),
        "source": form.getlist("source") if hasattr(form, "getlist") and form.getlist("source") else [],
        "related": form.getlist("related") if hasattr(form, "getlist") and form.getlist("related") else [],
        "quotes": get("quotes").splitlines(), "examples": get("examples").splitlines(),
    }


def by_field(problems) -> Dict[str, List[Dict[str, str]]]:
    grouped: Dict[str, List[Dict[str, str]]] = {}
    for problem in problems:
        grouped.setdefault(problem.field or "general", []).append({"level": problem.level, "text": problem.message})
    return grouped


def limits(values: Dict[str, Any]) -> Dict[str, Any]:
    """Figures shown beside the answer fields as one types (the rules say what is too much)."""
    shown = {}
    for name in ("answer", "how_given"):
        text = clean_text(values.get(name) or "")
        shown[name] = {"characters": len(text), "max": MAX_ANSWER_CHARACTERS,
                       "grade": reading_grade(text) if text else None}
    shown["examples"] = {"count": len({" ".join(str(e).lower().split()) for e in values.get("examples") or []
                                       if str(e).strip()}), "min": MIN_EXAMPLES}
    return shown


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONTENT_PORT", DEFAULT_PORT)))
    parser.add_argument("--host", default=os.environ.get("CONTENT_HOST", "127.0.0.1"))
    parser.add_argument("--endpoints", type=Path, default=conversation_store.ENDPOINTS,
                        help="endpoints.yml: the conversation store (inbox) and the model server (status)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
    settings = Settings(endpoints=args.endpoints, model_server_url=model_server.url_in(args.endpoints),
                        public_url=os.environ.get("CONTENT_PUBLIC_URL", ""))
    app = create_app(settings)
    logger.info("Content designer on http://%s:%d (accounts: %s)", args.host, args.port, app.ctx.accounts.where)
    if not app.ctx.accounts.all():
        logger.warning("No account exists yet: create one with `scripts/content user add NAME --role admin` "
                       "(and editors and reviewers the same way).")
    app.run(host=args.host, port=args.port, access_log=False, debug=False, workers=1, motd=False)
    return 0

"""Who may do what in the content designer: roles are data, and so are the pages.

A role is a set of permissions; every page and every change names the permission it
needs (`@requires(...)` in app.py), and the menu shows a person only the pages their
role may open. Adding a role is one entry in ROLES; adding a page is a route with its
permission and one entry in PAGES (e.g. a `scheduler` role that sees only a
call-back page: PERMISSIONS["callbacks"], ROLES["scheduler"], Page("/callbacks", ...)).
"""
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional

PERMISSIONS: Dict[str, str] = {
    "view": "see topics, their history and what waits for review",
    "edit": "change topics and propose new ones (answers then wait for a clinical reviewer)",
    "approve": "approve or return a changed answer (a clinical reviewer, never the change's author)",
    "triage": "work through the questions the assistant could not answer",
    "train": "train a new model and see its figures",
    "publish": "make a trained model live when it is no worse than the live one",
    "publish_anyway": "confirm publishing a model that misses an emergency or scores lower",
    "download": "download every topic as a spreadsheet",
    "upload": "upload a spreadsheet of topics (answer changes then wait for review)",
    "accounts": "see accounts, unlock, disable and enable them, change roles",
}


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    what: str
    permissions: FrozenSet[str]


ROLES: Dict[str, Role] = {role.name: role for role in [
    Role("editor", "Editor", "changes content",
         frozenset({"view", "edit", "triage", "train", "publish", "download", "upload"})),
    Role("reviewer", "Clinical reviewer", "approves answers",
         frozenset({"view", "edit", "approve", "triage", "train", "publish", "download", "upload"})),
    Role("admin", "Admin", "manages accounts; confirms a publication the checks refuse",
         frozenset({"view", "accounts", "train", "publish", "publish_anyway", "download"})),
]}


@dataclass(frozen=True)
class Page:
    path: str
    label: str
    permission: str


# The menu, in order; each page's route checks the same permission.
PAGES: List[Page] = [
    Page("/topics", "Topics", "view"),
    Page("/review", "Waiting for review", "view"),
    Page("/inbox", "Unanswered questions", "triage"),
    Page("/training", "Train and publish", "train"),
    Page("/spreadsheets", "Spreadsheets", "download"),
    Page("/accounts", "Accounts", "accounts"),
]

assert all(p.permission in PERMISSIONS for p in PAGES)
assert all(r.permissions <= set(PERMISSIONS) for r in ROLES.values())


def can(role: Optional[str], permission: str) -> bool:
    found = ROLES.get(role or "")
    return bool(found) and permission in found.permissions


def pages_for(role: str) -> List[Page]:
    return [page for page in PAGES if can(role, page.permission)]


def home_for(role: str) -> str:
    pages = pages_for(role)
    return pages[0].path if pages else "/account"

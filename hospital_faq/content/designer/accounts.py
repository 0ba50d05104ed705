"""Accounts, sessions and failed sign-ins of the content designer: one small store.

These are not content, so they are not in facts/: by default the SQLite file
var/content_designer.db (its folder readable by its owner only). CONTENT_DB_URL, an
SQLAlchemy URL (e.g. postgresql://user@host/db), puts them elsewhere, so that several
content designers can share them. Everything else in the designer reaches this store
only through the functions here.

- Passwords: scrypt (salted, slow and memory-hard), parameters stored with each hash.
  No account exists until someone creates it (`scripts/content user add`), and there
  is no default password.
- Sessions: the cookie holds a random token; the store keeps only its SHA-256, with the
  session's CSRF token. A session ends after SESSION_IDLE_SECONDS without use, after
  SESSION_MAX_SECONDS in all, at sign-out, and when the account is disabled or its
  password or role changes.
- Wrong passwords: after FREE_TRIES in a row for one account name (existing or not),
  every further try first waits a lock that doubles each time (30 s, 1 min, 2 min, ...
  up to an hour); a right password does not get in while locked, and tries while locked
  are refused at once (no password is checked). ADDRESS_FREE_TRIES wrong passwords from
  one address (for any names) lock that address the same way: that slows down trying
  many names, without letting one person lock everyone out behind a shared proxy
  sooner. `scripts/content user unlock NAME` (or an admin's Accounts page) lifts both.
"""
import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import sqlalchemy as sa

from hospital_faq.content.designer.roles import ROLES
from hospital_faq.paths import PROJECT_ROOT

URL_VARIABLE = "CONTENT_DB_URL"
DEFAULT_PATH = PROJECT_ROOT / "var" / "content_designer.db"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD_LENGTH = 12
SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}
SESSION_IDLE_SECONDS = 2 * 3600
SESSION_MAX_SECONDS = 12 * 3600
FREE_TRIES = 5
ADDRESS_FREE_TRIES = 100
FIRST_LOCK_SECONDS = 30
LONGEST_LOCK_SECONDS = 3600
FORGET_FAILURES_SECONDS = 24 * 3600

metadata = sa.MetaData()
ACCOUNTS = sa.Table(
    "designer_accounts", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
)
SESSIONS = sa.Table(
    "designer_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("account", sa.String(40), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
)
FAILURES = sa.Table(
    "designer_sign_in_failures", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),  # "account" or "address"
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure", sa.Float, nullable=False),
    sa.Column("locked_until", sa.Float, nullable=False),
)


class AccountError(ValueError):
    """Something about an account that a person must fix; the message says what."""


@dataclass(frozen=True)
class Account:
    name: str
    full_name: str
    role: str
    disabled: bool = False
    created_at: float = 0.0


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str


@dataclass(frozen=True)
class SignIn:
    account: Optional[Account]
    message: str = ""
    retry_after: int = 0  # seconds until another try is allowed (when locked)


# ---- passwords ----

def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=128 * 1024 * 1024, **SCRYPT)
    encode = lambda raw: base64.b64encode(raw).decode()
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${encode(salt)}${encode(digest)}"


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        computed = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                  maxmem=128 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


# Spent on sign-ins to unknown names, so that they take as long as a wrong password.
_UNKNOWN = hash_password(secrets.token_urlsafe(16))


def password_problem(password: str, name: str = "") -> Optional[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters (a few words make a good one)."
    if name and name.lower() in password.lower():
        return "The password must not contain the account name."
    if len(set(password)) < 4:
        return "The password is too easy to guess: use more different characters."
    return None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class AccountStore:
    """The accounts, sessions and failed sign-ins, in the database at `url`."""

    def __init__(self, url: Optional[str] = None):
        url = url or os.environ.get(URL_VARIABLE) or f"sqlite:///{DEFAULT_PATH}"
        self.url = sa.engine.make_url(url)
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, "", ":memory:"):
            folder = Path(self.url.database).parent
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.engine = sa.create_engine(self.url)
        metadata.create_all(self.engine)
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, "", ":memory:"):
            os.chmod(self.url.database, 0o600)

    @property
    def where(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # ---- accounts ----

    def add(self, name: str, role: str, password: str, full_name: str = "") -> Account:
        name = name.strip().lower()
        if not NAME.fullmatch(name):
            raise AccountError("An account name has 2-40 lowercase letters, digits, '.', '_' or '-', "
                               "starting with a letter or digit (e.g. 'jsmith').")
        if role not in ROLES:
            raise AccountError(f"There is no role '{role}'. The roles are: {', '.join(ROLES)}.")
        problem = password_problem(password, name)
        if problem:
            raise AccountError(problem)
        with self.engine.begin() as db:
            if db.execute(sa.select(ACCOUNTS.c.name).where(ACCOUNTS.c.name == name)).first():
                raise AccountError(f"There is already an account '{name}'.")
            db.execute(ACCOUNTS.insert().values(name=name, full_name=full_name.strip() or name, role=role,
                                                password_hash=hash_password(password), created_at=time.time(),
                                                disabled=False))
        return self.get(name)

    def get(self, name: str) -> Optional[Account]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(ACCOUNTS).where(ACCOUNTS.c.name == (name or "").strip().lower())).first()
        return Account(row.name, row.full_name, row.role, bool(row.disabled), row.created_at) if row else None

    def all(self) -> List[Account]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(ACCOUNTS).order_by(ACCOUNTS.c.name)).fetchall()
        return [Account(r.name, r.full_name, r.role, bool(r.disabled), r.created_at) for r in rows]

    def _update(self, name: str, **values) -> Account:
        with self.engine.begin() as db:
            done = db.execute(ACCOUNTS.update().where(ACCOUNTS.c.name == name).values(**values)).rowcount
            if not done:
                raise AccountError(f"There is no account '{name}'.")
            db.execute(SESSIONS.delete().where(SESSIONS.c.account == name))  # signed out everywhere
        return self.get(name)

    def set_password(self, name: str, password: str) -> Account:
        problem = password_problem(password, name)
        if problem:
            raise AccountError(problem)
        account = self._update(name, password_hash=hash_password(password))
        self.unlock(name)
        return account

    def set_role(self, name: str, role: str) -> Account:
        if role not in ROLES:
            raise AccountError(f"There is no role '{role}'. The roles are: {', '.join(ROLES)}.")
        return self._update(name, role=role)

    def set_disabled(self, name: str, disabled: bool) -> Account:
        return self._update(name, disabled=disabled)

    def remove(self, name: str) -> None:
        with self.engine.begin() as db:
            db.execute(SESSIONS.delete().where(SESSIONS.c.account == name))
            if not db.execute(ACCOUNTS.delete().where(ACCOUNTS.c.name == name)).rowcount:
                raise AccountError(f"There is no account '{name}'.")

    # ---- signing in ----

    @staticmethod
    def _keys(name: str, address: str) -> Dict[str, tuple]:
        """{key: (kind, free tries)}: the name and the address, hashed."""
        return {_digest("account:" + name.strip().lower()): ("account", FREE_TRIES),
                _digest("address:" + address): ("address", ADDRESS_FREE_TRIES)}

    def locked_for(self, name: str, address: str = "", now: Optional[float] = None) -> int:
        """Seconds until a sign-in to `name` from `address` may be tried again (0: now)."""
        now = now or time.time()
        with self.engine.connect() as db:
            rows = db.execute(sa.select(FAILURES).where(FAILURES.c.key.in_(list(self._keys(name, address))))).fetchall()
        return max([int(r.locked_until - now + 0.999) for r in rows if r.locked_until > now] or [0])

    def sign_in(self, name: str, password: str, address: str = "", now: Optional[float] = None) -> SignIn:
        now = now or time.time()
        name = (name or "").strip().lower()[:100]
        wait = self.locked_for(name, address, now)
        if wait:
            return SignIn(None, locked_message(wait), wait)
        with self.engine.connect() as db:
            row = db.execute(sa.select(ACCOUNTS).where(ACCOUNTS.c.name == name)).first()
        good = password_matches(password or "", row.password_hash if row else _UNKNOWN) and row is not None
        if good and not row.disabled:
            self._forget_failures(name, address)
            return SignIn(Account(row.name, row.full_name, row.role, False, row.created_at))
        wait = self._count_failure(name, address, now)
        if good:  # a disabled account: the password was right, so say why
            return SignIn(None, "This account is disabled. Ask an admin to enable it.")
        message = "The account name or the password is wrong."
        return SignIn(None, f"{message} {locked_message(wait)}" if wait else message, wait)

    def _count_failure(self, name: str, address: str, now: float) -> int:
        wait = 0
        with self.engine.begin() as db:
            for key, (kind, free) in self._keys(name, address).items():
                row = db.execute(sa.select(FAILURES).where(FAILURES.c.key == key)).first()
                failures = 1 if row is None or now - row.last_failure > FORGET_FAILURES_SECONDS else row.failures + 1
                lock = 0
                if failures >= free:
                    lock = min(LONGEST_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - free))
                values = dict(failures=failures, last_failure=now, locked_until=now + lock)
                if row is None:
                    db.execute(FAILURES.insert().values(key=key, kind=kind, **values))
                else:
                    db.execute(FAILURES.update().where(FAILURES.c.key == key).values(**values))
                wait = max(wait, lock)
        return wait

    def _forget_failures(self, name: str, address: str) -> None:
        with self.engine.begin() as db:
            db.execute(FAILURES.delete().where(FAILURES.c.key == _digest("account:" + name)))

    def unlock(self, name: str) -> None:
        """Forgets the wrong passwords typed for this account name, and lifts every address's lock."""
        with self.engine.begin() as db:
            db.execute(FAILURES.delete().where(sa.or_(FAILURES.c.key == _digest("account:" + name.strip().lower()),
                                                      FAILURES.c.kind == "address")))

    def failures_of(self, name: str) -> int:
        with self.engine.connect() as db:
            row = db.execute(sa.select(FAILURES).where(FAILURES.c.key == _digest("account:" + name))).first()
        return row.failures if row else 0

    # ---- sessions ----

    def start_session(self, account: Account, now: Optional[float] = None) -> str:
        """A new session for the account; returns the token for its cookie."""
        now = now or time.time()
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as db:
            db.execute(SESSIONS.delete().where(sa.or_(SESSIONS.c.last_seen < now - SESSION_IDLE_SECONDS,
                                                      SESSIONS.c.created_at < now - SESSION_MAX_SECONDS)))
            db.execute(SESSIONS.insert().values(token_hash=_digest(token), account=account.name,
                                                csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen=now))
        return token

    def session(self, token: Optional[str], now: Optional[float] = None) -> Optional[Session]:
        """The live session with this cookie token, or None (unknown, expired, or its account disabled)."""
        if not token or len(token) > 200:
            return None
        now = now or time.time()
        with self.engine.begin() as db:
            row = db.execute(sa.select(SESSIONS, ACCOUNTS).join(ACCOUNTS, ACCOUNTS.c.name == SESSIONS.c.account)
                             .where(SESSIONS.c.token_hash == _digest(token))).first()
            if row is None:
                return None
            if row.disabled or now - row.last_seen > SESSION_IDLE_SECONDS or now - row.created_at > SESSION_MAX_SECONDS:
                db.execute(SESSIONS.delete().where(SESSIONS.c.token_hash == _digest(token)))
                return None
            if now - row.last_seen > 60:  # one write a minute is enough to keep it alive
                db.execute(SESSIONS.update().where(SESSIONS.c.token_hash == _digest(token)).values(last_seen=now))
        return Session(Account(row.name, row.full_name, row.role, False, row.created_at), row.csrf_token)

    def end_session(self, token: Optional[str]) -> None:
        if token:
            with self.engine.begin() as db:
                db.execute(SESSIONS.delete().where(SESSIONS.c.token_hash == _digest(token)))


def locked_message(seconds: int) -> str:
    if seconds <= 0:
        return ""
    when = f"{seconds} seconds" if seconds < 120 else f"{round(seconds / 60)} minutes"
    return (f"Too many wrong passwords: sign-in is locked for {when}. "
            "An admin can unlock the account sooner (scripts/content user unlock NAME).")

"""Stored conversations: where they are, and how long they are kept.

    python -m hospital_faq.ops.conversation_store purge   # delete conversations older than the limit

The Rasa server keeps conversations in the tracker store set in endpoints.yml
(`tracker_store`): a SQLite file by default, or PostgreSQL. The same section sets
`retention_days`, the one place that says how long conversations are kept; `purge`
deletes everything older (scripts/run does it at start, the report every time).
`stored_events` reads Rasa's "events" table (the same for SQLite and PostgreSQL)
for the content team's report (hospital_faq/content/report.py).

Beside it, one small table of this project's own, `inbox_decisions`: what the content
team decided about a question in the content designer's inbox (added as an example,
out of scope, new topic, dismissed), keyed by a hash of the question's wording, never
its text or who asked. It is purged with the conversations.
"""
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import sqlalchemy as sa

from hospital_faq.paths import PROJECT_ROOT

ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
DEFAULT_RETENTION_DAYS = 30

EVENTS = sa.table(
    "events",
    sa.column("id"), sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"),
    sa.column("intent_name"), sa.column("action_name"), sa.column("data"),
)

decisions_metadata = sa.MetaData()
DECISIONS = sa.Table(
    "inbox_decisions", decisions_metadata,
    sa.Column("question_hash", sa.String(64), primary_key=True),
    sa.Column("decision", sa.String(40), nullable=False),
    sa.Column("decided_at", sa.Float, nullable=False),
    sa.Column("decided_by", sa.String(40), nullable=False),
)


class ConversationStoreError(RuntimeError):
    """The conversation store can't be used; the message says why and what to do."""


@dataclass(frozen=True)
class ConversationStore:
    url: sa.engine.URL
    retention_days: int
    where: str  # for people: "the SQLite file var/conversations.db"

    def engine(self) -> sa.engine.Engine:
        if self.url.get_backend_name() == "sqlite":  # its folder (var/) is readable by its owner only
            Path(self.url.database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        connect_args = {"connect_timeout": 5} if self.url.get_backend_name() == "postgresql" else {}
        return sa.create_engine(self.url, connect_args=connect_args)


def store_config(endpoints: Path = ENDPOINTS) -> ConversationStore:
    """The conversation store set in endpoints.yml (tracker_store)."""
    with warnings.catch_warnings():  # Rasa's libraries warn about their own deprecated calls
        warnings.simplefilter("ignore", DeprecationWarning)
        from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or (config.type or "").lower() != "sql":
        raise ConversationStoreError(
            f"{endpoints} does not keep conversations in a database: its 'tracker_store' section "
            "must have 'type: SQL' (see the comments in endpoints.yml)."
        )
    kwargs = dict(config.kwargs)
    try:
        retention = int(kwargs.get("retention_days", DEFAULT_RETENTION_DAYS))
    except (TypeError, ValueError):
        raise ConversationStoreError(f"{endpoints}: retention_days must be a whole number of days.")
    dialect = str(kwargs.get("dialect", "sqlite"))
    database = str(kwargs.get("db", "rasa.db"))
    if dialect == "sqlite":
        path = Path(database)
        path = path if path.is_absolute() else PROJECT_ROOT / path  # the Rasa server runs in PROJECT_ROOT
        url = sa.engine.URL.create("sqlite", database=str(path))
        where = f"the SQLite file {path}"
    else:
        host = config.url or "localhost"
        if "://" in host:
            url = sa.engine.make_url(host)
        else:
            port = kwargs.get("port")
            url = sa.engine.URL.create(dialect, kwargs.get("username"), kwargs.get("password"), host,
                                       int(port) if port else None, database, kwargs.get("query") or {})
        where = f"the {url.get_backend_name()} database '{url.database}' at {url.host}:{url.port or 'default port'}"
    return ConversationStore(url, retention, where)


def _fail(store: ConversationStore, error: Exception) -> ConversationStoreError:
    reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
    hint = ("Is the PostgreSQL server running, and are host, port, db, username and password right in "
            "endpoints.yml (tracker_store)?" if store.url.get_backend_name() == "postgresql"
            else "Check 'db' under tracker_store in endpoints.yml.")
    return ConversationStoreError(f"Could not open the conversation store, {store.where}: {reason}. {hint}")


def _has_events(connection) -> bool:
    return sa.inspect(connection).has_table("events")


def purge(store: ConversationStore, now: Optional[float] = None) -> int:
    """Deletes every stored event older than the retention limit; returns how many."""
    cutoff = (now or time.time()) - store.retention_days * 86400
    engine = store.engine()
    try:
        with engine.begin() as connection:
            if not _has_events(connection):
                return 0
            deleted = connection.execute(EVENTS.delete().where(EVENTS.c.timestamp < cutoff)).rowcount
            if sa.inspect(connection).has_table(DECISIONS.name):
                connection.execute(DECISIONS.delete().where(DECISIONS.c.decided_at < cutoff))
        if deleted and store.url.get_backend_name() == "sqlite":
            with engine.connect() as connection:  # so the deleted text is not left in the file
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM"))
        return deleted
    except sa.exc.SQLAlchemyError as error:
        raise _fail(store, error) from error
    finally:
        engine.dispose()


def stored_events(store: ConversationStore, since: Optional[float] = None) -> Iterable[sa.engine.Row]:
    """Every stored event (since a time), by conversation and in order."""
    engine = store.engine()
    try:
        with engine.connect() as connection:
            if not _has_events(connection):
                return []
            query = sa.select(EVENTS).order_by(EVENTS.c.sender_id, EVENTS.c.id)
            if since is not None:
                query = query.where(EVENTS.c.timestamp >= since)
            return connection.execute(query).fetchall()
    except sa.exc.SQLAlchemyError as error:
        raise _fail(store, error) from error
    finally:
        engine.dispose()


def record_decision(store: ConversationStore, question_hashes: Iterable[str], decision: str, by: str,
                    at: Optional[float] = None) -> None:
    """Remembers what the content team decided about these questions (by their hashes)."""
    at = at or time.time()
    engine = store.engine()
    try:
        decisions_metadata.create_all(engine)
        with engine.begin() as connection:
            for question_hash in set(question_hashes):
                connection.execute(DECISIONS.delete().where(DECISIONS.c.question_hash == question_hash))
                connection.execute(DECISIONS.insert().values(question_hash=question_hash, decision=decision,
                                                             decided_at=at, decided_by=by[:40]))
    except sa.exc.SQLAlchemyError as error:
        raise _fail(store, error) from error
    finally:
        engine.dispose()


def decisions(store: ConversationStore) -> Dict[str, tuple]:
    """{question hash: (decision, when)} for every question the content team decided about."""
    engine = store.engine()
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(DECISIONS.name):
                return {}
            rows = connection.execute(sa.select(DECISIONS)).fetchall()
        return {row.question_hash: (row.decision, row.decided_at) for row in rows}
    except sa.exc.SQLAlchemyError as error:
        raise _fail(store, error) from error
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["purge"]:
        print("usage: python -m hospital_faq.ops.conversation_store purge [ENDPOINTS_FILE]", file=sys.stderr)
        return 2
    try:
        store = store_config(Path(argv[1]) if len(argv) > 1 else ENDPOINTS)
        deleted = purge(store)
    except ConversationStoreError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    print(f"Conversations are kept in {store.where} for {store.retention_days} days; "
          f"{deleted} older event(s) deleted.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

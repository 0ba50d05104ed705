"""Stored conversations: where they are, how long they are kept, and what they teach.

    python -m hospital_faq.conversations purge     # delete conversations older than the limit

The Rasa server keeps conversations in the tracker store set in endpoints.yml
(`tracker_store`): a SQLite file by default, or PostgreSQL. The same section sets
`retention_days`, the one place that says how long conversations are kept; `purge`
deletes everything older (scripts/run does it at start, the report every time).

The report (`scripts/content report`) reads the stored events directly (Rasa's
"events" table, the same for SQLite and PostgreSQL) and lists:
  - what patients asked that ended in "did you mean...?" / "I didn't understand"
    (nlu_fallback, action_clarify_topic) or "I can't answer that here" (out of
    scope): grouped by wording, counted, newest first;
  - per topic, how often it was answered and marked helpful / not helpful.
"""
import csv
import datetime
import json
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import sqlalchemy as sa

from hospital_faq.settings import PROJECT_ROOT
from hospital_faq.validation import normalise

ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
DEFAULT_RETENTION_DAYS = 30
FALLBACK_INTENTS = {"nlu_fallback"}
FALLBACK_ACTIONS = {"action_clarify_topic", "action_default_fallback"}
OUT_OF_SCOPE_INTENTS = {"out_of_scope"}
OUT_OF_SCOPE_ACTIONS = {"action_out_of_scope"}
FEEDBACK_INTENTS = {"feedback_helpful": "helpful", "feedback_not_helpful": "not_helpful"}
TOPIC_SLOT = "last_topic"
NO_TOPIC = "(no topic answered before)"

EVENTS = sa.table(
    "events",
    sa.column("id"), sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"),
    sa.column("intent_name"), sa.column("action_name"), sa.column("data"),
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
        if deleted and store.url.get_backend_name() == "sqlite":
            with engine.connect() as connection:  # so the deleted text is not left in the file
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM"))
        return deleted
    except sa.exc.SQLAlchemyError as error:
        raise _fail(store, error) from error
    finally:
        engine.dispose()


def _events(store: ConversationStore, since: Optional[float]) -> Iterable[sa.engine.Row]:
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


@dataclass
class Unanswered:
    question: str  # the latest wording
    count: int = 0
    first: float = 0.0
    last: float = 0.0
    what_happened: set = field(default_factory=set)


@dataclass
class TopicCounts:
    answered: int = 0
    helpful: int = 0
    not_helpful: int = 0


@dataclass
class Report:
    unanswered: List[Unanswered]
    topics: Dict[str, TopicCounts]
    conversations: int
    questions: int


def build_report(events: Iterable) -> Report:
    groups: Dict[str, Unanswered] = {}
    topics: Dict[str, TopicCounts] = defaultdict(TopicCounts)
    senders, questions = set(), 0
    sender, last_topic, turn = None, None, None

    def close(turn) -> None:
        if not turn or not turn["text"] or turn["text"].startswith("/"):
            return  # button payloads are never unanswered
        if turn["intent"] in OUT_OF_SCOPE_INTENTS or OUT_OF_SCOPE_ACTIONS & turn["actions"]:
            what = "out of scope"
        elif turn["intent"] in FALLBACK_INTENTS or FALLBACK_ACTIONS & turn["actions"]:
            what = "not understood (asked 'did you mean')"
        else:
            return
        group = groups.setdefault(normalise(turn["text"]) or turn["text"], Unanswered(turn["text"], first=turn["at"]))
        group.count += 1
        group.what_happened.add(what)
        if turn["at"] >= group.last:
            group.last, group.question = turn["at"], turn["text"]
        group.first = min(group.first, turn["at"])

    for event in events:
        if event.sender_id != sender:
            close(turn)
            sender, last_topic, turn = event.sender_id, None, None
            senders.add(sender)
        kind = event.type_name
        if kind == "user":
            close(turn)
            data = json.loads(event.data or "{}")
            turn = {"text": (data.get("text") or "").strip(), "intent": event.intent_name,
                    "at": event.timestamp or 0.0, "actions": set()}
            questions += 1
            if event.intent_name in FEEDBACK_INTENTS:
                counts = topics[last_topic or NO_TOPIC]
                setattr(counts, FEEDBACK_INTENTS[event.intent_name],
                        getattr(counts, FEEDBACK_INTENTS[event.intent_name]) + 1)
        elif kind == "action" and turn is not None:
            turn["actions"].add(event.action_name)
        elif kind == "slot":
            data = json.loads(event.data or "{}")
            if data.get("name") == TOPIC_SLOT:
                last_topic = data.get("value")
                if last_topic:
                    topics[last_topic].answered += 1
        elif kind in ("session_started", "restart"):
            last_topic = None
    close(turn)
    unanswered = sorted(groups.values(), key=lambda g: g.last, reverse=True)
    return Report(unanswered, dict(topics), len(senders), questions)


def report(store: ConversationStore, days: Optional[int] = None, now: Optional[float] = None) -> Report:
    since = (now or time.time()) - days * 86400 if days else None
    return build_report(_events(store, since))


def when(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _safe(value) -> str:
    """A cell a spreadsheet shows as text: what patients typed must never run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write_csv(path: Path, header: List[str], rows: Iterable[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as out:  # -sig: Excel reads the accents right
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([_safe(value) for value in row] for row in rows)


def write_unanswered_csv(result: Report, path: Path) -> None:
    _write_csv(path, ["question", "times_asked", "last_asked", "first_asked", "what_happened"],
               ([g.question, g.count, when(g.last), when(g.first), "; ".join(sorted(g.what_happened))]
                for g in result.unanswered))


def write_feedback_csv(result: Report, path: Path) -> None:
    _write_csv(path, ["topic", "answered", "helpful", "not_helpful"],
               ([topic, c.answered, c.helpful, c.not_helpful] for topic, c in sorted(result.topics.items())))


def _print_table(title: str, empty: str, columns: List[tuple], rows: List[list], out) -> None:
    """A titled table; columns are (heading, width), a negative width aligns right."""
    print(f"\n{title}", file=out)
    if not rows:
        print(f"  {empty}", file=out)
        return
    line = lambda cells: "  " + "  ".join(f"{c:>{-w}}" if w < 0 else f"{c:{w}}" for c, (_, w) in zip(cells, columns))
    print(line([heading for heading, _ in columns]).rstrip(), file=out)
    for row in rows:
        print(line(row).rstrip(), file=out)


def print_report(result: Report, store: ConversationStore, days: Optional[int], out=None) -> None:
    out = out or sys.stdout
    period = f"the last {days} days" if days else f"all stored conversations (kept {store.retention_days} days)"
    print(f"Report on {period}: {result.conversations} conversations, {result.questions} messages.", file=out)
    _print_table("WHAT THE ASSISTANT COULD NOT ANSWER (newest first)", "Nothing: every question got an answer.",
                 [("times", -5), ("last asked", 16), ("what happened", 38), ("question", 0)],
                 [[g.count, when(g.last), "; ".join(sorted(g.what_happened)), g.question] for g in result.unanswered],
                 out)
    by_concern = sorted(result.topics.items(), key=lambda kv: (-kv[1].not_helpful, kv[0]))
    _print_table("FEEDBACK PER TOPIC (most 'not helpful' first)", "No topic was answered yet.",
                 [("topic", 34), ("answered", -8), ("helpful", -7), ("not helpful", -11)],
                 [[topic, c.answered, c.helpful, c.not_helpful] for topic, c in by_concern], out)


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["purge"]:
        print("usage: python -m hospital_faq.conversations purge [ENDPOINTS_FILE]", file=sys.stderr)
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

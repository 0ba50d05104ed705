"""The report of what patients asked that the assistant could not answer (`scripts/content report`).

It reads the stored conversations (ops/conversation_store.py) and lists:
  - what patients asked that ended in "did you mean...?" / "I didn't understand"
    (nlu_fallback, action_clarify_topic) or "I can't answer that here" (out of
    scope): grouped by wording, counted, newest first; never who asked;
  - the questions whose answer the person marked "not helpful", grouped the same way;
  - per topic, how often it was answered and marked helpful / not helpful.
Each question keeps the classifier's ranking of its latest asking (stored with the
conversation), so the content designer can suggest the likeliest topics.
"""
import csv
import datetime
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from hospital_faq.knowledge.fact_store import comparison_key
from hospital_faq.ops.conversation_store import ConversationStore, stored_events

FALLBACK_INTENTS = {"nlu_fallback"}
FALLBACK_ACTIONS = {"action_clarify_topic", "action_default_fallback"}
OUT_OF_SCOPE_INTENTS = {"out_of_scope"}
OUT_OF_SCOPE_ACTIONS = {"action_out_of_scope"}
FEEDBACK_INTENTS = {"feedback_helpful": "helpful", "feedback_not_helpful": "not_helpful"}
TOPIC_SLOT = "last_topic"
NO_TOPIC = "(no topic answered before)"
NOT_HELPFUL = "answered, but marked not helpful"
# A question longer than this is cut in the printed report (the CSV keeps it whole).
SHOWN_CHARACTERS = 120


@dataclass
class Unanswered:
    question: str  # the latest wording
    count: int = 0
    first: float = 0.0
    last: float = 0.0
    what_happened: set = field(default_factory=set)
    # The classifier's ranking when it was last asked: [(intent, confidence), ...], likeliest first.
    ranking: List[tuple] = field(default_factory=list)


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
    not_helpful: List[Unanswered] = field(default_factory=list)


def _ranking(data: dict) -> List[tuple]:
    parse = data.get("parse_data") or {}
    ranked = parse.get("intent_ranking") or ([parse["intent"]] if parse.get("intent") else [])
    return [(r.get("name"), float(r.get("confidence") or 0)) for r in ranked if isinstance(r, dict) and r.get("name")]


def _count(groups: Dict[str, Unanswered], turn: dict, what: str) -> None:
    group = groups.setdefault(comparison_key(turn["text"]) or turn["text"], Unanswered(turn["text"], first=turn["at"]))
    group.count += 1
    group.what_happened.add(what)
    if turn["at"] >= group.last:
        group.last, group.question, group.ranking = turn["at"], turn["text"], turn["ranking"]
    group.first = min(group.first, turn["at"])


def build_report(events: Iterable) -> Report:
    groups: Dict[str, Unanswered] = {}
    unhelpful: Dict[str, Unanswered] = {}
    topics: Dict[str, TopicCounts] = defaultdict(TopicCounts)
    senders, questions = set(), 0
    sender, last_topic, turn, answered_turn = None, None, None, None

    def close(turn) -> None:
        if not turn or not turn["text"] or turn["text"].startswith("/"):
            return  # button payloads are never unanswered
        if turn["intent"] in OUT_OF_SCOPE_INTENTS or OUT_OF_SCOPE_ACTIONS & turn["actions"]:
            _count(groups, turn, "out of scope")
        elif turn["intent"] in FALLBACK_INTENTS or FALLBACK_ACTIONS & turn["actions"]:
            _count(groups, turn, "not understood (asked 'did you mean')")

    for event in events:
        if event.sender_id != sender:
            close(turn)
            sender, last_topic, turn, answered_turn = event.sender_id, None, None, None
            senders.add(sender)
        kind = event.type_name
        if kind == "user":
            close(turn)
            data = json.loads(event.data or "{}")
            turn = {"text": (data.get("text") or "").strip(), "intent": event.intent_name,
                    "at": event.timestamp or 0.0, "actions": set(), "ranking": _ranking(data)}
            questions += 1
            if event.intent_name in FEEDBACK_INTENTS:
                counts = topics[last_topic or NO_TOPIC]
                setattr(counts, FEEDBACK_INTENTS[event.intent_name],
                        getattr(counts, FEEDBACK_INTENTS[event.intent_name]) + 1)
                if event.intent_name == "feedback_not_helpful" and answered_turn and answered_turn["text"] \
                        and not answered_turn["text"].startswith("/"):
                    _count(unhelpful, answered_turn, NOT_HELPFUL)
                    answered_turn = None  # one answer counts once
        elif kind == "action" and turn is not None:
            turn["actions"].add(event.action_name)
        elif kind == "slot":
            data = json.loads(event.data or "{}")
            if data.get("name") == TOPIC_SLOT:
                last_topic = data.get("value")
                if last_topic:
                    topics[last_topic].answered += 1
                    answered_turn = turn
        elif kind in ("session_started", "restart"):
            last_topic, answered_turn = None, None
    close(turn)
    newest_first = lambda found: sorted(found.values(), key=lambda g: g.last, reverse=True)
    return Report(newest_first(groups), dict(topics), len(senders), questions, newest_first(unhelpful))


def report(store: ConversationStore, days: Optional[int] = None, now: Optional[float] = None) -> Report:
    since = (now or time.time()) - days * 86400 if days else None
    return build_report(stored_events(store, since))


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


def shortened(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """A question on one readable line: line breaks become spaces, and a long one is cut
    at a word with "..." (a pasted 5,000-character message would fill the screen)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0] if " " in text[: limit - 3] else text[: limit - 3]
    return cut.rstrip(",;:.") + "..."


def print_report(result: Report, store: ConversationStore, days: Optional[int], out=None) -> None:
    out = out or sys.stdout
    period = f"the last {days} days" if days else f"all stored conversations (kept {store.retention_days} days)"
    print(f"Report on {period}: {result.conversations} conversations, {result.questions} messages.", file=out)
    _print_table("WHAT THE ASSISTANT COULD NOT ANSWER (newest first)", "Nothing: every question got an answer.",
                 [("times", -5), ("last asked", 16), ("what happened", 38), ("question", 0)],
                 [[g.count, when(g.last), "; ".join(sorted(g.what_happened)), shortened(g.question)]
                  for g in result.unanswered],
                 out)
    _print_table("ANSWERED, BUT MARKED NOT HELPFUL (newest first)", "Nothing was marked not helpful.",
                 [("times", -5), ("last asked", 16), ("question", 0)],
                 [[g.count, when(g.last), shortened(g.question)] for g in result.not_helpful], out)
    by_concern = sorted(result.topics.items(), key=lambda kv: (-kv[1].not_helpful, kv[0]))
    _print_table("FEEDBACK PER TOPIC (most 'not helpful' first)", "No topic was answered yet.",
                 [("topic", 34), ("answered", -8), ("helpful", -7), ("not helpful", -11)],
                 [[topic, c.answered, c.helpful, c.not_helpful] for topic, c in by_concern], out)



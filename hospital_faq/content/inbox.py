"""The content designer's inbox: what patients asked that the assistant couldn't answer.

It is the report (report.py) as a to-do list: the questions that got "did you mean",
"I can't answer that here", or an answer marked "not helpful", from the stored
conversations; the same question in other capitals, punctuation or a letter or two
of difference counted once, newest first; never who asked. Each item offers the
topics the classifier ranked highest when it was asked.

What the content team decides about an item (added as an example, out of scope, a new
topic, dismissed) is kept in the conversation store, by a hash of the wording
(conversation_store.record_decision). An item decided about leaves the inbox, and
comes back only if someone asks it again afterwards.
"""
import difflib
import hashlib
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from hospital_faq.content import report
from hospital_faq.knowledge.fact_store import comparison_key, topic_id_of
from hospital_faq.ops import conversation_store

# Two wordings this similar (letters, after ignoring case and punctuation) are one item.
SIMILAR = 0.9
MAX_WORDINGS_SHOWN = 5
MAX_SUGGESTIONS = 3
# Topics the classifier gave less than this are no suggestion (as actions.py's "did you mean").
SUGGESTION_FLOOR = 0.05
DECISIONS = {
    "example": "added as an example",
    "out_of_scope": "added as out of scope",
    "new_topic": "a new topic was started from it",
    "dismissed": "dismissed",
}


def question_hash(text: str) -> str:
    """The key decisions are kept under: a hash of the wording, never the wording itself."""
    return hashlib.sha256(("inbox:" + (comparison_key(text) or text)).encode()).hexdigest()[:32]


@dataclass
class Item:
    id: str  # the hash of its newest wording
    question: str  # the newest wording
    wordings: List[str]  # other wordings, newest first
    count: int
    last: float
    what_happened: List[str]
    suggestions: List[Tuple[str, float]]  # (topic id, confidence), likeliest first
    hashes: List[str] = field(default_factory=list)


def _suggestions(ranking: List[tuple]) -> List[Tuple[str, float]]:
    found = []
    for name, confidence in ranking:
        topic = topic_id_of(name)
        if topic and confidence >= SUGGESTION_FLOOR and topic not in [t for t, _ in found]:
            found.append((topic, round(confidence, 2)))
    return found[:MAX_SUGGESTIONS]


def items(result: report.Report, decided: Dict[str, tuple]) -> List[Item]:
    """The inbox: the report's groups merged when similar, minus those decided about since."""
    groups = sorted([*result.unanswered, *result.not_helpful], key=lambda g: g.last, reverse=True)
    merged: List[Tuple[str, List[report.Unanswered]]] = []
    for group in groups:
        key = comparison_key(group.question) or group.question
        for representative, members in merged:
            if 2 * min(len(key), len(representative)) / max(1, len(key) + len(representative)) >= SIMILAR and \
                    difflib.SequenceMatcher(None, key, representative).ratio() >= SIMILAR:
                members.append(group)
                break
        else:
            merged.append((key, [group]))
    found = []
    for _, members in merged:
        newest = members[0]
        hashes = [question_hash(m.question) for m in members]
        decisions = [decided[h][1] for h in hashes if h in decided]
        if decisions and max(decisions) >= newest.last:
            continue
        wordings = list(dict.fromkeys(m.question for m in members[1:] if m.question != newest.question))
        found.append(Item(
            id=hashes[0], question=newest.question, wordings=wordings[:MAX_WORDINGS_SHOWN],
            count=sum(m.count for m in members), last=newest.last,
            what_happened=sorted({w for m in members for w in m.what_happened}),
            suggestions=_suggestions(newest.ranking), hashes=hashes,
        ))
    return found


def inbox(store: conversation_store.ConversationStore, days: Optional[int] = None) -> List[Item]:
    return items(report.report(store, days), conversation_store.decisions(store))


def decide(store: conversation_store.ConversationStore, item: Item, decision: str, by: str) -> None:
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    conversation_store.record_decision(store, item.hashes, decision, by, time.time())


def find(store: conversation_store.ConversationStore, item_id: str) -> Optional[Item]:
    """The inbox item with this id (None if it was decided about meanwhile, or is gone)."""
    return next((i for i in inbox(store) if i.id == item_id), None)

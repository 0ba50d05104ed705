"""Every change made through the content designer: facts/history.jsonl, append-only.

One line per change, as JSON: when, who, what they did, to which topic, and what
changed (a text field: its value before and after; a list, such as the examples: the
items added and removed). Changes that reached topics.yml are marked "applied"; a
proposal waiting for review is recorded too, with what it proposed. Lines are only
ever added, so git shows the file growing; `git log facts/topics.yml` keeps what
happened before the designer was used, or outside it.

`state_before` turns the history back into any earlier version of a topic, so it
can be restored.
"""
import datetime
import json
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from hospital_faq.content import topics_file
from hospital_faq.knowledge.fact_store import LIST_FIELDS
from hospital_faq.paths import FACTS_DIR

FILE = "history.jsonl"

Change = Dict[str, Any]  # {"before": ..., "after": ...} or {"added": [...], "removed": [...]}


def now_text() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def differences(before: Dict[str, Any], after: Dict[str, Any], fields: Iterable[str]) -> Dict[str, Change]:
    """What changed between two versions of a topic, field by field (values as topics_file.field_value)."""
    found = {}
    for name in fields:
        old, new = topics_file.field_value(before, name), topics_file.field_value(after, name)
        if old == new:
            continue
        if name in LIST_FIELDS:
            found[name] = {"added": [v for v in new if v not in old], "removed": [v for v in old if v not in new]}
            if not found[name]["added"] and not found[name]["removed"]:
                found[name] = {"before": old, "after": new}  # same items, new order
        else:
            found[name] = {"before": old, "after": new}
    return found


def record(facts_dir: Path, by: str, action: str, topic: str, changes: Dict[str, Change],
           applied: bool, comment: str = "") -> Dict:
    """Appends one change to the history; returns it."""
    entry = {"at": now_text(), "by": by, "action": action, "topic": topic, "applied": applied,
             "changes": changes}
    if comment:
        entry["comment"] = comment
    path = Path(facts_dir) / FILE
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    # One write of one line, opened for appending: lines from two writers never interleave.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(descriptor, line.encode("utf-8"))
    finally:
        os.close(descriptor)
    return entry


def entries(facts_dir: Path = FACTS_DIR, topic: Optional[str] = None) -> List[Dict]:
    """The history, oldest first (of one topic, if named). A line that can't be read is skipped."""
    path = Path(facts_dir) / FILE
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and (topic is None or entry.get("topic") == topic):
            entry["line"] = number
            found.append(entry)
    return found


def _undo(value: Any, change: Change) -> Any:
    if "before" in change:
        return change["before"]
    items = [v for v in (value or []) if v not in change.get("added", [])]
    return items + [v for v in change.get("removed", []) if v not in items]


def state_before(current: Dict[str, Any], topic_history: List[Dict], line: int) -> Dict[str, Any]:
    """The approved topic as it was just before the history entry on `line`, worked back
    from `current` (the topic now) by undoing that change, if it was applied, and every
    applied change after it. Every earlier version is the one before some change."""
    state = {name: topics_file.field_value(current, name) for name in current}
    for entry in sorted(topic_history, key=lambda e: e["line"], reverse=True):
        if entry["line"] < line:
            break
        if entry.get("applied"):
            for name, change in entry.get("changes", {}).items():
                state[name] = _undo(state.get(name), change)
    return state

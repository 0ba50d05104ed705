"""The curated fact store: facts/topics.yml, read into Topic objects.

The action server answers from here at run time and reloads the file when it
changes, so an edited answer goes live without retraining. Only the example
questions are learned by the model (see importer.py).
"""
import logging
import os
import re
import string
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from hospital_faq.settings import PROJECT_ROOT

FACTS_DIR = Path(os.environ.get("FACTS_DIR", PROJECT_ROOT / "facts"))
INTENT_PREFIX = "ask_"
PLACEHOLDERS = {"hospital_name", "phone", "appointment_url", "emergency_number"}
REQUIRED_FIELDS = ("id", "title", "theme", "answer", "source", "quotes", "examples")
# Every field an entry may have, in the order they are written (validation.py checks
# the review fields; the assistant itself needs only REQUIRED_FIELDS to answer).
FIELDS = ("id", "title", "theme", "answer", "how_given", "source", "reviewer", "review_date",
          "quotes", "note", "related", "examples")


class FactStoreError(ValueError):
    """The fact store has a mistake that must be fixed before the bot can use it."""


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    theme: str
    answer: str
    sources: Tuple[str, ...]
    quotes: Tuple[str, ...]
    examples: Tuple[str, ...]
    related: Tuple[str, ...] = ()
    how_given: Optional[str] = None
    note: Optional[str] = None
    reviewer: Optional[str] = None
    review_date: Optional[str] = None

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.id


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    file: str


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def _as_tuple(value) -> Tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


def check_placeholders(topic_id: str, field: str, text: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        raise FactStoreError(f"Topic '{topic_id}': the {field} has an unmatched {{ or }} ({error}).")
    unknown = names - PLACEHOLDERS
    if unknown:
        raise FactStoreError(
            f"Topic '{topic_id}': the {field} uses {{{', '.join(sorted(unknown))}}}; "
            f"only {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))} can be filled in."
        )


def _topic_from_entry(number: int, entry: dict, sources: Dict[str, Source]) -> Topic:
    if not isinstance(entry, dict):
        raise FactStoreError(f"Entry {number} in topics.yml is not a topic (it needs 'id:', 'answer:' ...).")
    topic_id = str(entry.get("id") or f"entry {number}")
    missing = [name for name in REQUIRED_FIELDS if not entry.get(name)]
    if missing:
        raise FactStoreError(f"Topic '{topic_id}' is missing: {', '.join(missing)}.")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", topic_id):
        raise FactStoreError(
            f"Topic id '{topic_id}' may use only lowercase letters, digits and underscores."
        )
    topic = Topic(
        id=topic_id,
        title=_clean(entry["title"]),
        theme=_clean(entry["theme"]),
        answer=_clean(entry["answer"]),
        sources=_as_tuple(entry["source"]),
        quotes=tuple(_clean(q) for q in _as_tuple(entry["quotes"])),
        examples=tuple(_clean(e) for e in _as_tuple(entry["examples"])),
        related=_as_tuple(entry.get("related")),
        how_given=_clean(entry["how_given"]) if entry.get("how_given") else None,
        note=_clean(entry["note"]) if entry.get("note") else None,
        reviewer=_clean(entry["reviewer"]) if entry.get("reviewer") else None,
        review_date=str(entry["review_date"]) if entry.get("review_date") else None,
    )
    unknown_sources = [s for s in topic.sources if s not in sources]
    if unknown_sources:
        raise FactStoreError(
            f"Topic '{topic_id}' names source {', '.join(unknown_sources)}, which is not in sources.yml."
        )
    check_placeholders(topic_id, "answer", topic.answer)
    if topic.how_given:
        check_placeholders(topic_id, "how_given", topic.how_given)
    return topic


class FactStore:
    def __init__(self, topics: Iterable[Topic], sources: Dict[str, Source]):
        self.sources = sources
        self._topics: Dict[str, Topic] = {}
        for topic in topics:
            if topic.id in self._topics:
                raise FactStoreError(f"Topic '{topic.id}' appears twice in topics.yml.")
            self._topics[topic.id] = topic
        for topic in self._topics.values():
            unknown = [r for r in topic.related if r not in self._topics]
            if unknown:
                raise FactStoreError(
                    f"Topic '{topic.id}' lists related topic {', '.join(unknown)}, which does not exist."
                )

    @classmethod
    def load(cls, directory: Path = FACTS_DIR) -> "FactStore":
        directory = Path(directory)
        raw_sources = read_yaml(directory / "sources.yml") or {}
        sources = {
            key: Source(id=key, title=value["title"], publisher=value.get("publisher", ""), file=value["file"])
            for key, value in raw_sources.items()
        }
        entries = read_yaml(directory / "topics.yml") or []
        if not isinstance(entries, list):
            raise FactStoreError("topics.yml must be a list of topics, each starting with '- id:'.")
        return cls((_topic_from_entry(n, e, sources) for n, e in enumerate(entries, 1)), sources)

    @property
    def topics(self) -> List[Topic]:
        return list(self._topics.values())

    def get(self, topic_id: Optional[str]) -> Optional[Topic]:
        return self._topics.get(topic_id or "")

    def for_intent(self, intent: Optional[str]) -> Optional[Topic]:
        if not intent or not intent.startswith(INTENT_PREFIX):
            return None
        return self.get(intent[len(INTENT_PREFIX):])

    def themes(self) -> Dict[str, List[Topic]]:
        grouped: Dict[str, List[Topic]] = {}
        for topic in self._topics.values():
            grouped.setdefault(topic.theme, []).append(topic)
        return grouped

    def source_titles(self, topic: Topic) -> List[str]:
        return [self.sources[s].title for s in topic.sources]


def read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FactStoreError(f"{path} is missing.")
    except yaml.YAMLError as error:
        raise FactStoreError(f"{path.name} is not valid YAML: {error}")


_cache_lock = threading.Lock()
_cache: Dict[str, Tuple[Tuple[float, ...], FactStore]] = {}


def current_store(directory: Path = FACTS_DIR) -> FactStore:
    """The fact store as it is on disk now, re-read only when a file changed.

    If an edit breaks the file, the last good version keeps answering and the
    error is raised only when there is none.
    """
    directory = Path(directory)
    files = (directory / "topics.yml", directory / "sources.yml")
    stamp = tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files)
    key = str(directory)
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            store = FactStore.load(directory)
        except FactStoreError:
            if cached:
                logging.getLogger(__name__).exception("Keeping the previous fact store")
                _cache[key] = (stamp, cached[1])
                return cached[1]
            raise
        _cache[key] = (stamp, store)
        return store

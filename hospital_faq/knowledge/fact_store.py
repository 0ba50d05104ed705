"""The curated fact store: facts/topics.yml, read into Topic objects.

The action server answers from here at run time and reloads the file when it
changes, so an edited answer goes live without retraining. Only the example
questions are learned by the model (see hospital_faq/nlu/importer.py).

The rules every topic must follow to be used at all (its fields, its id, how its
texts are cleaned, the intent it becomes, the roles topics play) are written here
once; the content checks (hospital_faq/content/validation.py) build on them.
"""
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from hospital_faq.knowledge.hospital import PLACEHOLDERS
from hospital_faq.knowledge.messages import placeholder_problem
from hospital_faq.knowledge.reloading import ContentError, current, read_yaml as read_file
from hospital_faq.paths import FACTS_DIR

# Every field a topic may have, in the order they are written, with what it is (in
# words for the content team: validation messages and the content designer show them).
FIELD_HELP: Dict[str, str] = {
    "id": "a short name for the topic, like 'proton_therapy'",
    "title": "what a patient would call the topic (shown on buttons)",
    "theme": "the menu group the topic belongs to",
    "answer": "the reply the assistant gives",
    "how_given": "the answer to the follow-up question 'how is it given?'",
    "source": "the id of the page in facts/sources.yml the answer comes from",
    "reviewer": "who checked the answer against its source",
    "review_date": "the date it was checked, written like 2026-11-21",
    "quotes": "the exact sentences of the source page the answer rests on",
    "note": "where and why the answer departs from the page",
    "roles": "what the topic does besides answering (see ROLES)",
    "related": "other topic ids offered after 'tell me more'",
    "examples": "questions the way patients ask them",
}
FIELDS = tuple(FIELD_HELP)
REQUIRED_FIELDS = ("id", "title", "theme", "answer", "source", "reviewer", "review_date", "quotes",
                   "related", "examples")
LIST_FIELDS = ("source", "quotes", "roles", "related", "examples")
TOPIC_ID = re.compile(r"[a-z][a-z0-9_]*")
INTENT_PREFIX = "ask_"  # each topic is the intent ask_<id>

# Roles a topic can play, marked in topics.yml ("roles: [booking]") rather than named
# in code, so renaming a topic keeps what it does. `validation` says when one is missing.
BOOKING = "booking"
OTHER_CANCERS = "other_cancers"
ROLES = {
    BOOKING: "says how to make an appointment: the appointment button and 'yes' to the prompt lead "
             "here (exactly one topic)",
    OTHER_CANCERS: "a question that names another cancer or condition can still be about this topic "
                   "(the hospital's services, drugs for cancers that spread to the spine), so it is "
                   "answered instead of getting 'I can't answer that here'",
}
SINGLE_ROLES = {BOOKING}


class FactStoreError(ContentError):
    """The fact store has a mistake that must be fixed before the bot can use it."""


def clean_text(text) -> str:
    """A text as the assistant uses it: runs of spaces and line breaks become one space."""
    return " ".join(str(text).split())


def comparison_key(text) -> str:
    """Case, punctuation and spacing don't make two questions different."""
    return " ".join(re.sub(r"[^\w\s]", " ", str(text).lower()).split())


def intent_for(topic_id: str) -> str:
    return INTENT_PREFIX + topic_id


def topic_id_of(intent: Optional[str]) -> Optional[str]:
    """The topic id of an ask_<id> intent; None for any other intent."""
    if intent and intent.startswith(INTENT_PREFIX):
        return intent[len(INTENT_PREFIX):]
    return None


def as_list(value) -> List[str]:
    """A field that holds one value or a list of them, as a list of texts."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


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
    roles: Tuple[str, ...] = ()
    how_given: Optional[str] = None
    note: Optional[str] = None
    reviewer: Optional[str] = None
    review_date: Optional[str] = None

    @property
    def intent(self) -> str:
        return intent_for(self.id)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    file: str


def check_placeholders(topic_id: str, field: str, text: str) -> None:
    problem = placeholder_problem(text, PLACEHOLDERS)
    if problem:
        raise FactStoreError(f"Topic '{topic_id}': the {field} {problem}.")


def _topic_from_entry(number: int, entry: dict, sources: Dict[str, Source]) -> Topic:
    if not isinstance(entry, dict):
        raise FactStoreError(f"Entry {number} in topics.yml is not a topic (it needs 'id:', 'answer:' ...).")
    topic_id = str(entry.get("id") or f"entry {number}")
    missing = [name for name in REQUIRED_FIELDS if not entry.get(name)]
    if missing:
        raise FactStoreError(f"Topic '{topic_id}' is missing: {', '.join(missing)}.")
    if not TOPIC_ID.fullmatch(topic_id):
        raise FactStoreError(
            f"Topic id '{topic_id}' may use only lowercase letters, digits and underscores."
        )
    unknown_roles = [r for r in as_list(entry.get("roles")) if r not in ROLES]
    if unknown_roles:
        raise FactStoreError(f"Topic '{topic_id}' has the role {', '.join(unknown_roles)}; the roles are "
                             f"{', '.join(ROLES)}.")
    optional = lambda name: clean_text(entry[name]) if entry.get(name) else None
    topic = Topic(
        id=topic_id,
        title=clean_text(entry["title"]),
        theme=clean_text(entry["theme"]),
        answer=clean_text(entry["answer"]),
        sources=tuple(as_list(entry["source"])),
        quotes=tuple(clean_text(q) for q in as_list(entry["quotes"])),
        examples=tuple(clean_text(e) for e in as_list(entry["examples"])),
        related=tuple(as_list(entry.get("related"))),
        roles=tuple(as_list(entry.get("roles"))),
        how_given=optional("how_given"),
        note=optional("note"),
        reviewer=optional("reviewer"),
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


def role_problems(entries: Iterable) -> List[Tuple[bool, str]]:
    """What is wrong with the roles of these topic entries, as (is an error, message):
    a role no topic has (an error for booking), or a single role several topics have."""
    holders: Dict[str, List[str]] = {role: [] for role in ROLES}
    for entry in entries:
        if isinstance(entry, dict):
            for role in as_list(entry.get("roles")):
                holders.setdefault(role, []).append(str(entry.get("id")))
    problems = []
    for role, topics in holders.items():
        if role in ROLES and not topics:
            problems.append((role in SINGLE_ROLES, f"no topic has the role '{role}': it {ROLES[role]}. "
                                                    f"Add 'roles: [{role}]' to the topic that plays it."))
        elif role in SINGLE_ROLES and len(topics) > 1:
            problems.append((True, f"only one topic may have the role '{role}', but {', '.join(topics)} "
                                   "have it. Remove it from all but one."))
    return problems


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
        errors = [message for is_error, message in
                  role_problems({"id": t.id, "roles": list(t.roles)} for t in self._topics.values()) if is_error]
        if errors:
            raise FactStoreError(f"topics.yml: {errors[0]}")

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
        return self.get(topic_id_of(intent))

    def with_role(self, role: str) -> List[Topic]:
        return [t for t in self._topics.values() if role in t.roles]

    @property
    def booking(self) -> Topic:
        """The topic that says how to make an appointment (the store always has one)."""
        return self.with_role(BOOKING)[0]

    def themes(self) -> Dict[str, List[Topic]]:
        grouped: Dict[str, List[Topic]] = {}
        for topic in self._topics.values():
            grouped.setdefault(topic.theme, []).append(topic)
        return grouped

    def source_titles(self, topic: Topic) -> List[str]:
        return [self.sources[s].title for s in topic.sources]


def read_yaml(path: Path):
    return read_file(path, FactStoreError)


def current_store(directory: Path = None) -> FactStore:
    """The fact store as it is on disk now, re-read only when a file changed.

    If an edit breaks the file, the last good version keeps answering (see reloading.py).
    """
    directory = Path(directory or FACTS_DIR)
    files = (directory / "topics.yml", directory / "sources.yml")
    return current("the fact store (facts/topics.yml)", files, lambda: FactStore.load(directory))

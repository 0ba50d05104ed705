"""The content rules for facts/topics.yml, with messages a non-engineer can act on.

    python -m hospital_faq.content.validation   # or: scripts/content validate

This module is the one place the rules live: `scripts/content validate`, `add`,
`import` and `train` use it, and so does the test suite (tests/test_validation.py),
so content that breaks a rule cannot land. Each problem names the topic and says
how to fix it.

Errors (must be fixed):
  - a required field is missing or empty, or a field name is misspelt
  - fewer than MIN_EXAMPLES different example questions
  - the same, or a nearly identical, example question under two topics
  - an answer too long for a text message (MAX_ANSWER_CHARACTERS, see below)
  - no source, a source not in sources.yml, or a quote not word for word in its page
  - a related topic that does not exist, a bad id, a {placeholder} that can't be filled
  - a review date that is not a date, or is in the future
  - in facts/drugs.yml: a missing field, a topic that does not exist, a drug name used
    twice, a reference without a title or a https link
Warnings (should be looked at):
  - a review date older than REVIEW_VALID_DAYS, or a reviewer marked "draft" (topics and drug lists)
  - a reading level above US grade MAX_READING_GRADE (patient materials aim for 6-8)
  - characters that make a text message cost much more (emoji, most accented letters)
"""
import datetime
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy

from hospital_faq.channels.twilio import phone_text
from hospital_faq.knowledge.fact_store import (
    FIELD_HELP, FIELDS, REQUIRED_FIELDS, ROLES, TOPIC_ID, FactStoreError, as_list, check_placeholders,
    clean_text, comparison_key, read_yaml, role_problems,
)
from hospital_faq.knowledge.drugs import CLASS_FIELDS, DRUG_FIELDS, load_drugs
from hospital_faq.knowledge.hospital import load_hospital
from hospital_faq.knowledge.messages import load_messages
from hospital_faq.knowledge.reloading import ContentError
from hospital_faq.paths import FACTS_DIR, hospital_config_path

MIN_EXAMPLES = 10
# Two examples whose letters match this much (after ignoring case, punctuation and
# spacing) are "nearly identical". Different questions that share most words
# ("how do BRAF inhibitors work" / "how do ALK inhibitors work", 0.91) stay below it.
NEAR_IDENTICAL = 0.95
# Too long for a text message. An SMS segment holds 160 characters, or 153 when a
# message is split; Twilio refuses messages over 1,600 characters (about 10 segments).
# A topic answer goes out as one message with its source line (~90 characters) and,
# on text channels, the question "Did this help?" (~50); the appointment prompt is a
# second message. 480 characters (about 80 words) keeps that message within 4 segments
# (612 characters), so it arrives whole on every phone, far below Twilio's limit.
MAX_ANSWER_CHARACTERS = 480
REVIEW_VALID_DAYS = 365
MAX_READING_GRADE = 9.0
TEXT_FIELDS = ("answer", "how_given")  # what the assistant sends to patients


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    topic: str  # the topic id ("" when it is about the whole file)
    message: str
    field: str = ""  # the field to fix ("" when it is about the whole topic)
    file: str = ""  # the file, when it is not topics.yml (messages.yml, hospital.yml)

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        where = f"topic '{self.topic}'" if self.topic else (self.file or "topics.yml")
        return f"{self.level.upper()} in {where}: {self.message}"


# --- reading level -----------------------------------------------------------------

def syllables(word: str) -> int:
    """Syllables in an English word, by a vowel-group heuristic (good to about ±1)."""
    word = re.sub(r"[^a-z]", "", word.lower())
    if not word:
        return 0
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", word)  # silent endings
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]+", word)))


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid US school grade of a text.

    grade = 0.39 * words per sentence + 11.8 * syllables per word - 15.59
    Links, phone numbers and other figures are left out: they are not read as words.
    """
    # A link or number ending a sentence keeps the full stop after it.
    text = re.sub(r"(?:https?://|www\.)\S*?(?=[.,;:!?)]*(?:\s|$))|\S*\d\S*?(?=[.,;:!?)]*(?:\s|$))", " ", str(text))
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    if not words:
        return 0.0
    sentences = [s for s in re.split(r"[.!?]+(?:\s+|$)", text) if re.search(r"[A-Za-z]", s)]
    per_sentence = len(words) / max(1, len(sentences))
    per_word = sum(syllables(w) for w in words) / len(words)
    return round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1)


def reading_levels(facts_dir: Path = FACTS_DIR) -> Dict[str, float]:
    """Each topic's answer's reading grade, as the patient gets it (placeholders filled in)."""
    entries = read_yaml(Path(facts_dir) / "topics.yml") or []
    try:
        values = load_hospital().template_values()
    except (OSError, ValueError):
        values = {}
    grades = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("id") and entry.get("answer"):
            text = clean_text(entry["answer"])
            try:
                text = text.format(**values)
            except (KeyError, ValueError, IndexError):
                pass  # reported by validate
            grades[str(entry["id"])] = reading_grade(text)
    return grades


# --- the rules ---------------------------------------------------------------------

class _Checker:
    def __init__(self, entries: list, sources: dict, facts_dir: Path, today: datetime.date):
        self.entries, self.sources, self.facts_dir, self.today = entries, sources, facts_dir, today
        self.problems: List[Problem] = []
        try:
            self.placeholders = load_hospital().template_values()
        except (OSError, ValueError):
            self.placeholders = {}
        self._pages: Dict[str, Optional[str]] = {}

    def error(self, topic: str, message: str, field: str = "") -> None:
        self.problems.append(Problem("error", topic, message, field))

    def warning(self, topic: str, message: str, field: str = "") -> None:
        self.problems.append(Problem("warning", topic, message, field))

    def page(self, source_id: str) -> Optional[str]:
        if source_id not in self._pages:
            path = self.facts_dir / str(self.sources[source_id].get("file", ""))
            self._pages[source_id] = clean_text(path.read_text(encoding="utf-8")) if path.is_file() else None
        return self._pages[source_id]

    def run(self) -> List[Problem]:
        ids = {}
        for number, entry in enumerate(self.entries, 1):
            if not isinstance(entry, dict):
                self.error("", f"entry number {number} is not a topic. Each topic starts with '- id:' "
                               "followed by its fields, indented by two spaces.")
                continue
            topic = str(entry.get("id") or f"entry {number}")
            if topic in ids:
                self.error(topic, f"this id is used by two topics (entries {ids[topic]} and {number}). "
                                  "Give one of them a different id.", "id")
            ids.setdefault(topic, number)
            self.check_entry(topic, entry)
        known = {str(e.get("id")) for e in self.entries if isinstance(e, dict) and e.get("id")}
        for entry in self.entries:
            if isinstance(entry, dict) and entry.get("id"):
                self.check_related(str(entry["id"]), as_list(entry.get("related")), known)
        self.check_examples_across_topics()
        for is_error, message in role_problems(self.entries):
            (self.error if is_error else self.warning)("", message)
        return self.problems

    def check_entry(self, topic: str, entry: dict) -> None:
        for name in entry:
            if name not in FIELDS:
                close = difflib.get_close_matches(str(name), FIELDS, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                self.error(topic, f"has a field '{name}' that the assistant does not know.{hint} "
                                  f"The fields are: {', '.join(FIELDS)}.", str(name))
        missing = [name for name in REQUIRED_FIELDS if not entry.get(name)]
        for name in missing:
            if name == "source":
                continue  # said below, with the list of pages
            self.error(topic, f"is missing '{name}' ({FIELD_HELP[name]}). Add a line '{name}:' to the topic and fill it in.", name)
        if entry.get("id") and not TOPIC_ID.fullmatch(str(entry["id"])):
            self.error(topic, "the id may use only lowercase letters, digits and underscores, and must start "
                              f"with a letter: for example '{re.sub(r'[^a-z0-9]+', '_', topic.lower()).strip('_')}'.", "id")
        for role in as_list(entry.get("roles")):
            if role not in ROLES:
                close = difflib.get_close_matches(role, ROLES, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                self.error(topic, f"has the role '{role}', which the assistant does not know.{hint} The roles "
                                  f"are: {'; '.join(f'{name} ({what})' for name, what in ROLES.items())}.", "roles")
        self.check_texts(topic, entry)
        self.check_source(topic, entry)
        self.check_examples(topic, as_list(entry.get("examples")))
        self.check_review(topic, entry.get("review_date"))
        if "draft" in str(entry.get("reviewer") or "").lower():
            self.warning(topic, "is marked as a draft (reviewer: \"" + clean_text(entry["reviewer"]) + "\"). A clinician "
                                "must review the answer against its source; then put their name in 'reviewer' "
                                "and the date in 'review_date'.", "reviewer")

    def check_texts(self, topic: str, entry: dict) -> None:
        for field in TEXT_FIELDS:
            if not entry.get(field):
                continue
            text = clean_text(entry[field])
            try:
                check_placeholders(topic, field, text)
                sent = text.format(**self.placeholders) if self.placeholders else text
            except (FactStoreError, KeyError) as error:
                self.error(topic, str(error).split(": ", 1)[-1] + " Fix the {...} in the text.", field)
                continue
            label = "answer" if field == "answer" else "'how it is given' answer"
            if len(sent) > MAX_ANSWER_CHARACTERS:
                self.error(topic, f"the {label} is {len(sent)} characters long, too long for a text message. "
                                  f"Shorten it to {MAX_ANSWER_CHARACTERS} characters or fewer (about 80 words); "
                                  "the patient can ask 'tell me more' for related topics.", field)
            # Curly quotes and dashes are made plain for text messages (phone_text.plain); any
            # other character outside the SMS alphabet (an emoji, most accented letters) turns
            # the whole text into 70-character segments: more than twice the cost, split more often.
            as_texted = phone_text.plain(sent)
            odd = sorted({c for c in as_texted if c not in phone_text._GSM_BASIC | phone_text._GSM_EXTENDED})
            if odd:
                self.warning(topic, f"the {label} uses {' '.join(repr(c) for c in odd)}, which text messages "
                                    f"can't send cheaply: it would take {phone_text.segments(as_texted)} text "
                                    f"messages instead of {phone_text.segments(as_texted.translate({ord(c): '?' for c in odd}))}. "
                                    "Use plain letters and punctuation instead.", field)
            grade = reading_grade(sent)
            if grade > MAX_READING_GRADE:
                self.warning(topic, f"the {label} reads at about US grade {grade:g} (Flesch-Kincaid); patient "
                                    f"materials aim for grade 6-8. Use shorter sentences and everyday words "
                                    "where you can (drug names can't be avoided, so keep the sentences around them short).", field)

    def check_source(self, topic: str, entry: dict) -> None:
        names = ", ".join(f"'{s}'" for s in self.sources) or "none yet"
        source_ids = as_list(entry.get("source"))
        if not source_ids:
            self.error(topic, f"has no source. Add 'source:' with the page the answer comes from (pages in "
                              f"facts/sources.yml: {names}). Every answer must rest on a reviewed page.", "source")
            return
        for source_id in source_ids:
            if source_id not in self.sources:
                self.error(topic, f"names the source '{source_id}', which is not in facts/sources.yml "
                                  f"(the pages there are: {names}). Fix the spelling, or add the page to sources.yml first.", "source")
        pages = [self.page(s) for s in source_ids if s in self.sources]
        for source_id in source_ids:
            if source_id in self.sources and self.page(source_id) is None:
                self.error(topic, f"its source '{source_id}' has no text file "
                                  f"(facts/{self.sources[source_id].get('file')}). Save the page's text there.", "source")
        for quote in as_list(entry.get("quotes")):
            quote = clean_text(quote)
            if pages and all(p is not None and quote not in p for p in pages):
                self.error(topic, f"this quote is not word for word in its source page: \"{quote[:120]}\". "
                                  "Copy the sentence exactly from the page's text in facts/sources/ "
                                  "(same words, punctuation and apostrophes).", "quotes")

    def check_examples(self, topic: str, examples: Sequence[str]) -> None:
        seen: Dict[str, str] = {}
        for example in examples:
            key = " ".join(example.lower().split())  # "Chemo?" and "chemo" may both teach the model
            if not comparison_key(example):
                self.error(topic, "has an empty example question. Remove the empty line under 'examples:'.", "examples")
            elif key in seen:
                self.error(topic, f"has the example \"{example}\" twice. Remove one, or replace it with "
                                  "a new way of asking.", "examples")
            else:
                seen[key] = example
        if examples and len(seen) < MIN_EXAMPLES:
            self.error(topic, f"has {len(seen)} different example questions; at least {MIN_EXAMPLES} are needed "
                              f"so the assistant recognises the topic. Add {MIN_EXAMPLES - len(seen)} or more, "
                              "written the way patients ask (short, long, with typos, about a relative).", "examples")

    def check_examples_across_topics(self) -> None:
        owners = []  # (normalised example, topic, example as written), in file order
        for entry in self.entries:
            if isinstance(entry, dict) and entry.get("id"):
                for example in as_list(entry.get("examples")):
                    if comparison_key(example):
                        owners.append((comparison_key(example), str(entry["id"]), example))
        first: Dict[str, tuple] = {}
        for key, topic, example in owners:
            other = first.setdefault(key, (topic, example))
            if other[0] != topic:
                self._two_topics(topic, example, other, identical=True)
        order = {topic: n for n, (_, topic, _) in enumerate(reversed(owners))}
        distinct = sorted({(key, topic): (key, topic, example) for key, topic, example in owners}.values(),
                          key=lambda item: len(item[0]))
        counts = _letter_counts([key for key, _, _ in distinct])
        lengths = numpy.array([len(key) for key, _, _ in distinct])
        start = 0
        for i, (b, topic_b, example_b) in enumerate(distinct):
            # Sorted by length: only the shorter ones down to NEAR_IDENTICAL of b's length can match.
            while start < i and 2 * lengths[start] / (lengths[start] + len(b)) < NEAR_IDENTICAL:
                start += 1
            # Two texts can't match more letters than they have in common (difflib's quick_ratio,
            # for all candidates at once): only those that pass are compared letter by letter.
            shared = numpy.minimum(counts[start:i], counts[i]).sum(axis=1)
            possible = set((start + numpy.nonzero(2 * shared >= NEAR_IDENTICAL * (lengths[start:i] + len(b)))[0]).tolist())
            for j in range(i - 1, start - 1, -1):
                if j not in possible:
                    continue
                a, topic_a, example_a = distinct[j]
                if topic_a != topic_b and a != b and _nearly_identical(a, b):
                    # Said about the topic further down the file: usually the newer one.
                    later, earlier = sorted([(topic_a, example_a), (topic_b, example_b)], key=lambda t: order[t[0]])
                    self._two_topics(later[0], later[1], earlier, identical=False)

    def _two_topics(self, topic: str, example: str, other: tuple, identical: bool) -> None:
        how = "the same question as" if identical else "nearly the same question as"
        self.error(topic, f"the example \"{example}\" is {how} \"{other[1]}\" under topic '{other[0]}'. "
                          "The assistant can't learn two answers for one question: keep it under the topic "
                          "that answers it and remove it from the other.", "examples")

    def check_related(self, topic: str, related: List[str], known: set) -> None:
        for other in related:
            if other == topic:
                self.error(topic, "lists itself under 'related'. List other topics only.", "related")
            elif other not in known:
                close = difflib.get_close_matches(other, sorted(known), n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                self.error(topic, f"lists the related topic '{other}', which does not exist.{hint} "
                                  "Use the id of another topic in this file.", "related")

    def check_review(self, topic: str, value) -> None:
        if not value:
            return  # reported as missing
        date = parse_date(value)
        if date is None:
            self.error(topic, f"the review date '{value}' is not a date. Write it as year-month-day, "
                              f"like {self.today.isoformat()}.", "review_date")
        elif date > self.today:
            self.error(topic, f"the review date {date.isoformat()} is in the future. Write the date the "
                              "answer was actually reviewed.", "review_date")
        elif (self.today - date).days > REVIEW_VALID_DAYS:
            self.warning(topic, f"was last reviewed on {date.isoformat()}, more than a year ago. Ask a "
                                "clinician to check the answer against its source again, then update "
                                "'reviewer' and 'review_date'.", "review_date")


_similarity_cache: Dict[tuple, bool] = {}
_ALPHABET = {c: n for n, c in enumerate("abcdefghijklmnopqrstuvwxyz0123456789 ")}


def _letter_counts(texts: Sequence[str]) -> "numpy.ndarray":
    """How often each letter occurs in each text (other characters counted together: that
    only overestimates what two texts share, so no match is missed)."""
    counts = numpy.zeros((len(texts), len(_ALPHABET) + 1), dtype=numpy.int32)
    for row, text in enumerate(texts):
        for char in text:
            counts[row, _ALPHABET.get(char, len(_ALPHABET))] += 1
    return counts


def _nearly_identical(a: str, b: str) -> bool:
    """Whether two normalised examples match at least NEAR_IDENTICAL (remembered: the
    same pairs are compared again at every validation)."""
    key = (a, b) if a < b else (b, a)
    if key not in _similarity_cache:
        matcher = difflib.SequenceMatcher(None, *key)
        _similarity_cache[key] = matcher.quick_ratio() >= NEAR_IDENTICAL and matcher.ratio() >= NEAR_IDENTICAL
    return _similarity_cache[key]


def parse_date(value) -> Optional[datetime.date]:
    """A date from YAML (already a date) or text: 2026-11-21, or 11/21/2026 as Excel writes it in the US."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    return None


def validate_entries(entries: list, sources: dict, facts_dir: Path = FACTS_DIR,
                     today: Optional[datetime.date] = None) -> List[Problem]:
    """Every problem in these topic entries (plain dicts, as read from topics.yml)."""
    today = today or datetime.date.today()
    return _Checker(list(entries or []), dict(sources or {}), Path(facts_dir), today).run()


def validate_topic(entry: dict, others: list, sources: dict, facts_dir: Path = FACTS_DIR,
                   today: Optional[datetime.date] = None, checked_examples: Iterable[str] = ()) -> List[Problem]:
    """The problems of one topic (a plain dict), checked against the other topics: the same
    rules and messages as `validate`, but only this topic's, so it is quick enough to run
    while someone types. Examples in `checked_examples` (already in the saved topic, so
    already checked against the others) are not compared with the other topics again."""
    today = today or datetime.date.today()
    checker = _Checker([entry], dict(sources or {}), Path(facts_dir), today)
    others = [e for e in others if isinstance(e, dict)]
    topic = str(entry.get("id") or "new topic")
    other_ids = {str(e.get("id")) for e in others if e.get("id")}
    if entry.get("id") and topic in other_ids:
        checker.error(topic, "this id is used by another topic. Give this one a different id.", "id")
    checker.check_entry(topic, entry)
    checker.check_related(topic, as_list(entry.get("related")), other_ids | {topic})
    checked = {comparison_key(e) for e in checked_examples}
    theirs: Dict[str, tuple] = {}
    for other in others:
        for example in as_list(other.get("examples")):
            theirs.setdefault(comparison_key(example), (str(other.get("id")), example))
    by_length = sorted(theirs)
    for example in as_list(entry.get("examples")):
        key = comparison_key(example)
        if not key or key in checked:
            continue
        if key in theirs:
            checker._two_topics(topic, example, theirs[key], identical=True)
            continue
        for other_key in by_length:
            if 2 * min(len(key), len(other_key)) / (len(key) + len(other_key)) < NEAR_IDENTICAL:
                continue
            if _nearly_identical(key, other_key):
                checker._two_topics(topic, example, theirs[other_key], identical=False)
                break
    return sorted(checker.problems, key=lambda p: not p.is_error)


def validate(facts_dir: Path = FACTS_DIR, today: Optional[datetime.date] = None) -> List[Problem]:
    """Every problem in facts/topics.yml (errors first), or the one that stops it being read."""
    facts_dir = Path(facts_dir)
    try:
        sources = read_yaml(facts_dir / "sources.yml") or {}
        entries = read_yaml(facts_dir / "topics.yml") or []
    except FactStoreError as error:
        return [Problem("error", "", f"{error} Undo your last change, or look at the line it names: "
                                     "indentation and ':' after each field name matter.")]
    if not isinstance(entries, list):
        return [Problem("error", "", "topics.yml must be a list of topics, each starting with '- id:'.")]
    known = {str(e.get("id")) for e in entries if isinstance(e, dict) and e.get("id")}
    problems = (validate_entries(entries, sources, facts_dir, today) + check_other_files(facts_dir)
                + check_drugs(facts_dir / "drugs.yml", known, today or datetime.date.today()))
    return sorted(problems, key=lambda p: not p.is_error)


DRUGS_FILE = "facts/drugs.yml"


def check_drugs(path: Path, topics: set, today: datetime.date) -> List[Problem]:
    """The drug lists (facts/drugs.yml): each class answered by a topic that exists, with
    its reference and review, and each name used only once in the file."""
    problems: List[Problem] = []

    def error(message: str) -> None:
        problems.append(Problem("error", "", message, file=DRUGS_FILE))

    def warning(message: str) -> None:
        problems.append(Problem("warning", "", message, file=DRUGS_FILE))

    try:
        load_drugs(path)
        entries = read_yaml(path) or []
    except ContentError as problem:
        return [Problem("error", "", f"{problem}{KEPT}", file=DRUGS_FILE)]
    seen: Dict[str, str] = {}
    for number, entry in enumerate(entries, 1):
        name = str(entry.get("class") or f"entry {number}")
        where = f"the class '{name}'"
        for field in entry:
            if field not in CLASS_FIELDS:
                close = difflib.get_close_matches(str(field), CLASS_FIELDS, n=1)
                error(f"{where} has a field '{field}' the assistant does not know"
                      f"{f'. Did you mean {close[0]!r}?' if close else ''} The fields are: {', '.join(CLASS_FIELDS)}.")
        for field in CLASS_FIELDS:
            if not entry.get(field):
                error(f"{where} is missing '{field}'. Every class needs: {', '.join(CLASS_FIELDS)}.")
        if entry.get("topic") and str(entry["topic"]) not in topics:
            close = difflib.get_close_matches(str(entry["topic"]), sorted(topics), n=1)
            error(f"{where} belongs to the topic '{entry['topic']}', which is not in topics.yml"
                  f"{f'. Did you mean {close[0]!r}?' if close else ''}")
        for reference in as_list(entry.get("references")) if not isinstance(entry.get("references"), list) else entry["references"]:
            if not isinstance(reference, dict) or not str(reference.get("title") or "").strip() \
                    or not str(reference.get("url") or "").startswith("https://"):
                error(f"{where} has a reference without a title and a https:// link. Write each as "
                      "'- title: ...' and '  url: https://...' (the public page the names were checked against).")
        for text_field in ("one", "many"):
            if any(c in str(entry.get(text_field) or "") for c in "{}"):
                error(f"{where}: '{text_field}' may not contain {{ or }}.")
        for drug in entry.get("drugs") or []:
            for field in drug if isinstance(drug, dict) else []:
                if field not in DRUG_FIELDS:
                    error(f"{where}: the drug '{drug.get('generic')}' has a field '{field}' the assistant does not "
                          f"know. A drug has: {', '.join(DRUG_FIELDS)}.")
            names = [str(drug.get("generic") or "")] + as_list(drug.get("brands")) + as_list(drug.get("other_names"))
            for drug_name in names:
                key = re.sub(r"[\s-]+", "", drug_name.lower())
                if len(key) < 3 or any(c in drug_name for c in "{}"):
                    error(f"{where}: the name '{drug_name}' is too short or has {{ or }} in it; names need at least 3 letters.")
                elif key in seen:
                    error(f"{where}: the name '{drug_name}' is also listed under {seen[key]}. A name may appear only "
                          "once in the file, so the assistant knows which class it is.")
                else:
                    seen[key] = where
        date = parse_date(entry.get("review_date")) if entry.get("review_date") else None
        if entry.get("review_date") and date is None:
            error(f"{where}: the review date '{entry['review_date']}' is not a date. Write it as year-month-day.")
        elif date and date > today:
            error(f"{where}: the review date {date.isoformat()} is in the future.")
        elif date and (today - date).days > REVIEW_VALID_DAYS:
            warning(f"{where} was last reviewed on {date.isoformat()}, more than a year ago. Check the names "
                    "against the references again, then update 'reviewer' and 'review_date'.")
        if "draft" in str(entry.get("reviewer") or "").lower():
            warning(f"{where} is marked as a draft (reviewer: \"{clean_text(entry['reviewer'])}\"). A pharmacist or "
                    "clinician must check the names against the references; then put their name and the date in.")
    return problems


KEPT = " Until it is fixed, the running assistant keeps using the last version that worked."


def check_other_files(facts_dir: Path = FACTS_DIR) -> List[Problem]:
    """The assistant's other texts (messages.yml) and the hospital's details (hospital.yml):
    whether the assistant can use them as they are now."""
    problems = []
    for name, load in (("facts/messages.yml", lambda: load_messages(Path(facts_dir) / "messages.yml")),
                       ("hospital.yml", lambda: load_hospital(hospital_config_path()))):
        try:
            load()
        except ContentError as error:
            problems.append(Problem("error", "", f"{error}{KEPT}", file=name))
    return problems


def print_problems(problems: Iterable[Problem], out=None) -> None:
    out = out or sys.stdout
    problems = list(problems)
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    for problem in errors + warnings:
        print(f"- {problem}", file=out)
    if errors:
        print(f"\n{len(errors)} error(s) must be fixed before the assistant can use these topics"
              f"{f'; {len(warnings)} warning(s) should be looked at' if warnings else ''}.", file=out)
    elif warnings:
        print(f"\nNo errors. {len(warnings)} warning(s) should be looked at (they don't stop anything).", file=out)
    else:
        print("No errors, no warnings.", file=out)


def main(argv: Optional[List[str]] = None) -> int:
    problems = validate()
    print_problems(problems)
    return 1 if any(p.is_error for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())

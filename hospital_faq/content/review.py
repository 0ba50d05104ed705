"""Two people for every medical answer: changes wait in facts/drafts.yml until a
clinical reviewer approves them, then move into facts/topics.yml.

What waits for review (REVIEWED_FIELDS): what the assistant tells patients and what
it rests on: the answer, "how is it given", the source, its quotes and the note. A
change to those is a *proposal*: the running assistant keeps giving the approved
answer (topics.yml) until a reviewer who did not write the change approves it; the
approval sets `reviewer` and `review_date` to who and when. A new topic is a
proposal as a whole. Everything else an editor changes (title, theme, related topics,
example questions) goes into topics.yml at once; example questions reach the
assistant with the next published model.

Every change is checked with the content rules first (validation.validate_topic:
the same rules and messages as `scripts/content validate`); one with an error changes
nothing. Every change is written to the history (history.py), from which any earlier
version can be restored. A change made against a version someone else has changed
since is refused (`Conflict`), so nobody overwrites another person's work unseen.

facts/drafts.yml is a YAML list, one entry per topic with a proposal: who wrote it,
when, the approved values it was written against (`base`) and the proposed ones
(`change`). The command-line tools and git see it like any file in facts/.
"""
import datetime
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from hospital_faq.content import history, topics_file, training_examples, validation
from hospital_faq.content.validation import Problem
from hospital_faq.knowledge.fact_store import FIELDS, LIST_FIELDS, TOPIC_ID, comparison_key, intent_for, read_yaml
from hospital_faq.knowledge.reloading import current
from hospital_faq.paths import FACTS_DIR

REVIEWED_FIELDS = ("answer", "how_given", "source", "quotes", "note")
# What people change in the designer, in the order the file has them. `id` is set once,
# `roles` by the engineering team, `reviewer` and `review_date` only by an approval.
EDITABLE_FIELDS = ("title", "theme", "answer", "how_given", "source", "quotes", "note", "related", "examples")
DIRECT_FIELDS = tuple(f for f in EDITABLE_FIELDS if f not in REVIEWED_FIELDS)
DRAFTS_FILE = "drafts.yml"
DRAFTS_HEADER = """\
# Changes waiting for a clinical reviewer (written by the content designer; see
# docs/content-guide.md). The assistant does not use them: it keeps giving the approved
# text in topics.yml until a reviewer who did not write the change approves it.
# Each entry: the topic, who proposed the change and when, the approved values it was
# written against (base) and the proposed ones (change).
"""
# What `reviewer` says in a proposed new topic until someone approves it.
WAITING = "waiting for review"


class ChangeRefused(Exception):
    """A change that was not made; `str()` says why in plain words, `problems` lists rule breaks."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()):
        super().__init__(message)
        self.problems = list(problems)


class Conflict(ChangeRefused):
    """Someone else changed the topic since this person opened it."""


@dataclass
class Draft:
    topic: str
    new_topic: bool
    authors: List[str]
    updated_at: str
    base: Dict[str, Any] = field(default_factory=dict)
    change: Dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    applied: Dict[str, history.Change] = field(default_factory=dict)  # now in topics.yml
    proposed: Dict[str, history.Change] = field(default_factory=dict)  # waiting for review
    warnings: List[Problem] = field(default_factory=list)
    withdrawn: bool = False  # a proposal was edited back to the approved text


def normalised(values: Dict[str, Any], fields: Sequence[str] = EDITABLE_FIELDS) -> Dict[str, Any]:
    """Values as typed into a form or a spreadsheet, as the file keeps them: texts on one
    line with single spaces, lists without empty or repeated items."""
    clean = {}
    for name in fields:
        value = values.get(name)
        if name in LIST_FIELDS:
            items = value if isinstance(value, (list, tuple)) else str(value or "").splitlines()
            clean[name] = list(dict.fromkeys(" ".join(str(v).split()) for v in items if str(v).strip()))
        else:
            clean[name] = topics_file.field_value({name: value}, name)
    return clean


def _entry_with(base: Dict[str, Any], values: Dict[str, Any]) -> Dict[str, Any]:
    """`base` with `values` put in, empty values removed: a plain topic as topics.yml would hold it."""
    entry = dict(base)
    for name, value in values.items():
        if value in ("", [], None):
            entry.pop(name, None)
        else:
            entry[name] = value
    return {name: entry[name] for name in [*FIELDS, *[k for k in entry if k not in FIELDS]] if name in entry}


class Content:
    """The fact store as the content designer works on it: the approved topics
    (topics.yml), the proposals waiting for review (drafts.yml), and the history."""

    def __init__(self, facts_dir: Path = FACTS_DIR):
        self.facts_dir = Path(facts_dir)
        self.topics_path = self.facts_dir / "topics.yml"
        self.drafts_path = self.facts_dir / DRAFTS_FILE

    # ---- reading ----

    def entries(self) -> List[Dict[str, Any]]:
        """The approved topics as plain dicts (re-read only when topics.yml changes)."""
        def load():
            found = read_yaml(self.topics_path) or []
            return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []
        return current("the fact store (facts/topics.yml)", [self.topics_path], load)

    def entry(self, topic_id: str) -> Optional[Dict[str, Any]]:
        return next((e for e in self.entries() if str(e.get("id")) == topic_id), None)

    def sources(self) -> Dict[str, Any]:
        return current("the sources (facts/sources.yml)", [self.facts_dir / "sources.yml"],
                       lambda: read_yaml(self.facts_dir / "sources.yml") or {})

    def drafts(self) -> Dict[str, Draft]:
        def load():
            if not self.drafts_path.exists():
                return {}
            found = read_yaml(self.drafts_path) or []
            drafts = {}
            for item in found if isinstance(found, list) else []:
                if isinstance(item, dict) and item.get("topic"):
                    drafts[str(item["topic"])] = Draft(
                        str(item["topic"]), bool(item.get("new_topic")), [str(a) for a in item.get("authors") or []],
                        str(item.get("updated_at") or ""), dict(item.get("base") or {}), dict(item.get("change") or {}))
            return drafts
        return current("the proposals waiting for review (facts/drafts.yml)", [self.drafts_path], load)

    def version(self, topic_id: str) -> str:
        """A short fingerprint of the topic as it is now (approved and proposed): a form
        sends back the one it was opened with, so a change made meanwhile is noticed."""
        entry = self.entry(topic_id) or {}
        draft = self.drafts().get(topic_id)
        state = [{name: topics_file.field_value(entry, name) for name in FIELDS},
                 asdict(draft) if draft else None]
        return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def edited_view(self, topic_id: str) -> Optional[Dict[str, Any]]:
        """The topic as its editors see it: the approved version with any proposal in it."""
        entry = self.entry(topic_id)
        draft = self.drafts().get(topic_id)
        if entry is None and not (draft and draft.new_topic):
            return None
        values = {name: topics_file.field_value(entry or {}, name) for name in FIELDS}
        if draft:
            values.update(draft.change)
        return values

    def problems(self, values: Dict[str, Any], topic_id: Optional[str] = None,
                 today: Optional[datetime.date] = None) -> List[Problem]:
        """The content rules' verdict on a topic as typed (for the live checks and before saving)."""
        topic_id = topic_id or str(values.get("id") or "")
        approved = self.entry(topic_id) or {}
        new = normalised(values)
        entry = _entry_with(approved, new)
        if not approved:
            entry = _entry_with({"id": topic_id, "reviewer": WAITING,
                                 "review_date": (today or datetime.date.today()).isoformat()}, new)
        others = [e for e in self.entries() if str(e.get("id")) != topic_id]
        checked = topics_file.field_value(approved, "examples")
        problems = validation.validate_topic(entry, others, self.sources(), self.facts_dir, today,
                                             checked_examples=checked)
        known = {comparison_key(e) for e in checked}
        for example in new["examples"]:  # new examples: evaluation messages and other intents' examples
            reason = None if comparison_key(example) in known else \
                training_examples.problem(example, intent_for(topic_id))
            if reason:
                problems.insert(0, Problem("error", topic_id, f"the example \"{example}\": {reason}", "examples"))
        return problems

    # ---- changing ----

    def _check_version(self, topic_id: str, version: Optional[str]) -> None:
        if version is not None and version != self.version(topic_id):
            last = next(iter(reversed(history.entries(self.facts_dir, topic_id))), None)
            who = f" ({last['by']}, {last['action']}, {last['at'][:16].replace('T', ' ')} UTC)" if last else ""
            raise Conflict(f"Someone else changed this topic since you opened it{who}. Nothing was saved. "
                           "Your text is still in the form: compare it with the current version, then save again.")

    def _refuse_errors(self, problems: List[Problem]) -> None:
        errors = [p for p in problems if p.is_error]
        if errors:
            raise ChangeRefused(f"Nothing was saved: {len(errors)} problem(s) must be fixed first.", errors)

    def _write_drafts(self, drafts: Dict[str, Draft]) -> None:
        items = [{k: v for k, v in asdict(d).items() if v not in ({}, None)} for d in drafts.values()]
        text = DRAFTS_HEADER + ("\n" + yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=100)
                                if items else "[]\n")
        handle, temporary = tempfile.mkstemp(dir=self.facts_dir, prefix=".drafts-", suffix=".yml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.drafts_path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def _set_fields(self, topic_id: str, values: Dict[str, Any]) -> None:
        """Writes fields of an approved topic into topics.yml (keeping its layout and comments)."""
        document = topics_file.load_cached(self.topics_path)
        entry = topics_file.entries_by_id(document).get(topic_id)
        if entry is None:
            raise ChangeRefused(f"The topic '{topic_id}' is no longer in topics.yml.")
        for name, value in values.items():
            topics_file.set_field(entry, name, value)
        topics_file.save_cached(document, self.topics_path)

    def save(self, topic_id: str, values: Dict[str, Any], by: str, version: Optional[str],
             today: Optional[datetime.date] = None) -> Outcome:
        """An editor's change to a topic: direct fields at once, answer fields as a proposal."""
        with topics_file.locked(self.facts_dir):
            drafts = dict(self.drafts())
            draft = drafts.get(topic_id)
            if draft and draft.new_topic:
                return self._save_new_topic(topic_id, values, by, version, today, drafts)
            approved = self.entry(topic_id)
            if approved is None:
                raise ChangeRefused(f"There is no topic '{topic_id}'.")
            self._check_version(topic_id, version)
            new = normalised(values)
            problems = self.problems({**new, "id": topic_id}, topic_id, today)
            self._refuse_errors(problems)
            outcome = Outcome(warnings=problems)
            outcome.applied = history.differences(approved, new, DIRECT_FIELDS)
            outcome.proposed = history.differences(approved, new, REVIEWED_FIELDS)
            if outcome.applied:
                self._set_fields(topic_id, {name: new[name] for name in outcome.applied})
                history.record(self.facts_dir, by, "changed", topic_id, outcome.applied, applied=True)
            proposal = {n: new[n] for n in outcome.proposed}
            if outcome.proposed and draft and draft.change == proposal:
                outcome.proposed = {}  # the proposal as it was: its authors stay who they were
            elif outcome.proposed:
                authors = list(dict.fromkeys([*(draft.authors if draft else []), by]))
                drafts[topic_id] = Draft(topic_id, False, authors, history.now_text(),
                                         {n: topics_file.field_value(approved, n) for n in outcome.proposed},
                                         proposal)
                history.record(self.facts_dir, by, "proposed a change", topic_id, outcome.proposed, applied=False)
            elif draft:
                del drafts[topic_id]
                outcome.withdrawn = True
                history.record(self.facts_dir, by, "withdrew the proposal", topic_id, {}, applied=False)
            if outcome.proposed or outcome.withdrawn:
                self._write_drafts(drafts)
            return outcome

    def propose_topic(self, values: Dict[str, Any], by: str, today: Optional[datetime.date] = None) -> Outcome:
        """A new topic, waiting for a clinical reviewer as a whole."""
        topic_id = str(values.get("id") or "").strip()
        if not TOPIC_ID.fullmatch(topic_id):
            raise ChangeRefused("Nothing was saved: the id may use only lowercase letters, digits and underscores, "
                                "and must start with a letter (for example 'physical_therapy').",
                                [Problem("error", topic_id, "the id may use only lowercase letters, digits and "
                                         "underscores, and must start with a letter.", "id")])
        with topics_file.locked(self.facts_dir):
            drafts = dict(self.drafts())
            if self.entry(topic_id) is not None or topic_id in drafts:
                raise ChangeRefused(f"Nothing was saved: there is already a topic '{topic_id}' (or one waiting for "
                                    "review). Choose another id.",
                                    [Problem("error", topic_id, "this id is already used. Choose another.", "id")])
            return self._save_new_topic(topic_id, values, by, None, today, drafts)

    def _save_new_topic(self, topic_id: str, values: Dict[str, Any], by: str, version: Optional[str],
                        today: Optional[datetime.date], drafts: Dict[str, Draft]) -> Outcome:
        self._check_version(topic_id, version)
        new = normalised(values)
        problems = self.problems({**new, "id": topic_id}, topic_id, today)
        self._refuse_errors(problems)
        before = drafts[topic_id].change if topic_id in drafts else {}
        authors = list(dict.fromkeys([*(drafts[topic_id].authors if topic_id in drafts else []), by]))
        change = {name: value for name, value in new.items() if value not in ("", [])}
        drafts[topic_id] = Draft(topic_id, True, authors, history.now_text(), {}, change)
        proposed = history.differences(before, change, EDITABLE_FIELDS)
        history.record(self.facts_dir, by, "proposed a new topic" if not before else "proposed a change",
                       topic_id, proposed, applied=False)
        self._write_drafts(drafts)
        return Outcome(proposed=proposed, warnings=problems)

    def approve(self, topic_id: str, reviewer: str, reviewer_label: str, version: Optional[str],
                today: Optional[datetime.date] = None) -> Outcome:
        """A clinical reviewer approves a proposal: it goes into topics.yml with their name and the date."""
        today = today or datetime.date.today()
        with topics_file.locked(self.facts_dir):
            drafts = dict(self.drafts())
            draft = drafts.get(topic_id)
            if draft is None:
                raise ChangeRefused(f"Nothing about '{topic_id}' waits for review (someone may have approved "
                                    "or returned it meanwhile).")
            if reviewer in draft.authors:
                raise ChangeRefused("You wrote (part of) this change, so another clinical reviewer must approve it: "
                                    "every medical answer is checked by two people.")
            self._check_version(topic_id, version)
            signed = {"reviewer": reviewer_label, "review_date": today.isoformat()}
            approved = self.entry(topic_id)
            if draft.new_topic:
                if approved is not None:
                    raise Conflict(f"A topic '{topic_id}' was added to topics.yml meanwhile. Ask the author to "
                                   "choose another id.")
                entry = _entry_with({"id": topic_id}, {**draft.change, **signed})
                problems = validation.validate_topic(entry, self.entries(), self.sources(), self.facts_dir, today)
                self._refuse_errors(problems)
                document = topics_file.load_cached(self.topics_path)
                document.append(topics_file.new_entry({**entry, "review_date": today}))
                topics_file.save_cached(document, self.topics_path)
                changes = history.differences({}, entry, EDITABLE_FIELDS + ("reviewer", "review_date"))
            else:
                if approved is None:
                    raise ChangeRefused(f"The topic '{topic_id}' is no longer in topics.yml.")
                stale = [n for n in draft.change if topics_file.field_value(approved, n) != draft.base.get(n)]
                if stale:
                    raise Conflict(f"The approved {', '.join(stale)} changed after this change was proposed "
                                   "(outside the designer, or by a spreadsheet). Nothing was approved: ask the "
                                   "author to open the topic, compare, and save it again.")
                entry = _entry_with(approved, {**draft.change, **signed})
                others = [e for e in self.entries() if str(e.get("id")) != topic_id]
                problems = validation.validate_topic(entry, others, self.sources(), self.facts_dir, today,
                                                     checked_examples=topics_file.field_value(approved, "examples"))
                self._refuse_errors(problems)
                self._set_fields(topic_id, {**draft.change, "reviewer": reviewer_label, "review_date": today})
                changes = history.differences(approved, entry, REVIEWED_FIELDS + ("reviewer", "review_date"))
            del drafts[topic_id]
            self._write_drafts(drafts)
            history.record(self.facts_dir, reviewer, "approved", topic_id, changes, applied=True,
                           comment=f"proposed by {', '.join(draft.authors)}")
            return Outcome(applied=changes, warnings=problems)

    def return_proposal(self, topic_id: str, by: str, reason: str, version: Optional[str]) -> None:
        """A reviewer sends a proposal back (or its author withdraws it): it leaves drafts.yml;
        the history keeps it, so it can be restored and reworked."""
        with topics_file.locked(self.facts_dir):
            drafts = dict(self.drafts())
            draft = drafts.get(topic_id)
            if draft is None:
                raise ChangeRefused(f"Nothing about '{topic_id}' waits for review.")
            self._check_version(topic_id, version)
            del drafts[topic_id]
            self._write_drafts(drafts)
            approved = {} if draft.new_topic else {n: draft.base.get(n, "") for n in draft.change}
            history.record(self.facts_dir, by, "returned the proposal", topic_id,
                           history.differences(approved, draft.change, EDITABLE_FIELDS), applied=False,
                           comment=" ".join(reason.split())[:1000])

    def add_example(self, topic_id: str, text: str, by: str, action: str = "added an example") -> Outcome:
        """One example question more for an approved topic (at once: examples need no clinical review)."""
        with topics_file.locked(self.facts_dir):
            approved = self.entry(topic_id)
            if approved is None:
                raise ChangeRefused(f"There is no approved topic '{topic_id}' (a new topic gets its examples "
                                    "when it is approved).")
            values = {name: topics_file.field_value(approved, name) for name in EDITABLE_FIELDS}
            if any(validation.comparison_key(e) == validation.comparison_key(text) for e in values["examples"]):
                raise ChangeRefused(f"Nothing was added: \"{text}\" is already an example of this topic.")
            new = normalised({**values, "examples": [*values["examples"], text]})
            problems = [p for p in self.problems({**new, "id": topic_id}, topic_id) if p.field == "examples"]
            # (problems() also checks the new example against the evaluation sets and data/nlu.yml)
            self._refuse_errors(problems)
            changes = history.differences(approved, new, ("examples",))
            self._set_fields(topic_id, {"examples": new["examples"]})
            history.record(self.facts_dir, by, action, topic_id, changes, applied=True)
            return Outcome(applied=changes, warnings=problems)

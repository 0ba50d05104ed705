"""New example questions from real patients' words, and the rules they must follow.

A question from the content designer's inbox can become an example of a topic
(facts/topics.yml, through review.Content.add_example) or of "out of scope"
(the `out_of_scope` intent in data/nlu.yml, where the examples that are not about a
topic live). Either way it is checked first:
  - evaluation messages (tests/evaluation/) never become training examples: the
    figures would stop saying how the assistant does on questions it has not seen,
    so a question that is, or nearly is, an evaluation message is refused;
  - a question already taught as another intent's example (greeting, emergency,
    out of scope...) is refused: one question, one answer;
  - texts are kept on one line, at most MAX_CHARACTERS long.
"""
import difflib
import os
import re
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from hospital_faq.content import history, topics_file
from hospital_faq.content.validation import NEAR_IDENTICAL
from hospital_faq.knowledge.fact_store import comparison_key, read_yaml
from hospital_faq.knowledge.reloading import current
from hospital_faq.paths import FACTS_DIR, PROJECT_ROOT

EVALUATION_DIR = PROJECT_ROOT / "tests" / "evaluation"
NLU_FILE = PROJECT_ROOT / "data" / "nlu.yml"
OUT_OF_SCOPE = "out_of_scope"
MAX_CHARACTERS = 500
# Rasa reads [text](entity) and [text]{...} in data/nlu.yml as entity markup.
_BRACKETS = str.maketrans({"[": "(", "]": ")", "{": "(", "}": ")"})


def example_text(text: str) -> str:
    """A question as an example: one line, single spaces, no control characters."""
    text = "".join(c if c.isprintable() else " " for c in str(text or ""))
    return " ".join(text.split())


def _examples_of(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) of every example in a Rasa NLU file, read as YAML (no Rasa needed)."""
    data = read_yaml(path) or {}
    found = []
    for item in data.get("nlu") or [] if isinstance(data, dict) else []:
        if isinstance(item, dict) and item.get("intent") and isinstance(item.get("examples"), str):
            for line in item["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.append((line[2:].strip(), str(item["intent"])))
    return found


def evaluation_messages() -> Dict[str, str]:
    """{comparison key: evaluation set file name} of every message in tests/evaluation/."""
    files = sorted(EVALUATION_DIR.glob("*.yml"))

    def load():
        return {comparison_key(text): path.name for path in files for text, _ in _examples_of(path)}
    return current("the evaluation sets (tests/evaluation/)", files, load) if files else {}


def intent_examples() -> Dict[str, str]:
    """{comparison key: intent} of every example in data/nlu.yml."""
    return current("the training data (data/nlu.yml)", [NLU_FILE],
                   lambda: {comparison_key(text): intent for text, intent in _examples_of(NLU_FILE)})


def _nearly(key: str, keys: Dict[str, str]) -> Optional[str]:
    for other in keys:
        if 2 * min(len(key), len(other)) / (len(key) + len(other)) >= NEAR_IDENTICAL:
            matcher = difflib.SequenceMatcher(None, key, other)
            if matcher.quick_ratio() >= NEAR_IDENTICAL and matcher.ratio() >= NEAR_IDENTICAL:
                return other
    return None


def problem(text: str, intent: Optional[str] = None) -> Optional[str]:
    """Why `text` can't become a training example (of `intent`, if named), in plain words; or None."""
    text = example_text(text)
    key = comparison_key(text)
    if not key:
        return "The question is empty (or only punctuation): there is nothing to learn from it."
    if len(text) > MAX_CHARACTERS:
        return (f"The question is {len(text)} characters long; an example may have at most {MAX_CHARACTERS}. "
                "Shorten it to the question itself.")
    evaluation = evaluation_messages()
    found = key if key in evaluation else _nearly(key, evaluation)
    if found:
        return (f"This question is (nearly) a message of the evaluation set tests/evaluation/{evaluation[found]}. "
                "Evaluation messages never become training examples: the figures would stop saying how the "
                "assistant does on questions it has not seen. Leave it, or write a different question.")
    taught = intent_examples()
    if key in taught and taught[key] != intent:
        return (f"This question is already an example of '{taught[key]}' in data/nlu.yml. One question can "
                "teach only one answer: ask the engineering team if that one is wrong.")
    if key in taught:
        return f"This question is already an example of '{intent}'."
    return None


def add_out_of_scope(text: str, by: str, entries: List[dict], facts_dir: Path = FACTS_DIR) -> str:
    """Adds a question to the out-of-scope examples in data/nlu.yml; returns the text as added.

    Raises ValueError (with the reason) if it breaks a rule or is a topic's example."""
    text = example_text(text).translate(_BRACKETS)
    reason = problem(text, OUT_OF_SCOPE)
    if reason:
        raise ValueError(reason)
    key = comparison_key(text)
    owners = {comparison_key(e): str(t.get("id")) for t in entries for e in t.get("examples") or []}
    found = key if key in owners else _nearly(key, owners)
    if found:
        raise ValueError(f"This question is (nearly) an example of the topic '{owners[found]}'. One question can "
                         "teach only one answer: remove it there first if it really is out of scope.")
    with topics_file.locked(facts_dir):
        lines = NLU_FILE.read_text(encoding="utf-8").split("\n")
        start = next((i for i, line in enumerate(lines) if re.fullmatch(rf"- intent: {OUT_OF_SCOPE}\s*", line)), None)
        if start is None:
            raise ValueError(f"data/nlu.yml has no '- intent: {OUT_OF_SCOPE}' section to add to.")
        end = start + 1
        while end < len(lines) and (lines[end].startswith("  ") or not lines[end].strip()):
            end += 1
        last = max(i for i in range(start, end) if lines[i].startswith("    - "))
        lines.insert(last + 1, f"    - {text}")
        new_text = "\n".join(lines)
        handle, temporary = tempfile.mkstemp(dir=NLU_FILE.parent, prefix=".nlu-", suffix=".yml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(new_text)
            if (text, OUT_OF_SCOPE) not in _examples_of(Path(temporary)):
                raise ValueError("Adding it would break data/nlu.yml; nothing was changed.")
            os.chmod(temporary, NLU_FILE.stat().st_mode & 0o777)
            os.replace(temporary, NLU_FILE)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    history.record(facts_dir, by, "added an out-of-scope example", OUT_OF_SCOPE,
                   {"examples": {"added": [text], "removed": []}}, applied=True)
    return text

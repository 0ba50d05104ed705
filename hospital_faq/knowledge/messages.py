"""Everything the assistant says apart from the topic answers: facts/messages.yml.

Read like the fact store: an edit is live at the next message, and an edit that
breaks the file keeps the last good version in use (see reloading.py).
"""
import string
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

from hospital_faq.knowledge.hospital import PLACEHOLDERS
from hospital_faq.knowledge.reloading import ContentError, current, read_yaml
from hospital_faq.paths import FACTS_DIR

# Every text the code sends, and the parts of the ones that have parts. Loading
# checks they are all there, so deleting one is caught before any reply needs it.
MESSAGE_KEYS: Dict[str, tuple] = {
    "greeting": (), "appointment_prompt": ("web", "button", "text"), "emergency": (), "urgent": (),
    "medical_advice": (), "out_of_scope": (), "other_language": (), "clarify": (), "clarify_none": (),
    "not_understood": (), "topics_menu": (), "which_topic": (), "not_covered": (), "more_on_topic": (),
    "not_covered_aspects": ("side_effects", "cost", "outcomes", "schedule", "dosage"), "what_i_can_tell": (), "drug_is": ("one", "many"),
    "source": (), "unavailable": (), "human": (), "bot_challenge": (), "goodbye": (), "thanks": (),
    "no_problem": (), "feedback": ("helpful_button", "not_helpful_button", "text"), "feedback_thanks": (),
    "feedback_sorry": (), "text_choose": (), "text_number_out_of_range": (), "text_empty": (),
    "text_opted_out": (), "text_opted_in": (), "text_help": (),
}
# Besides the hospital's details, what some texts are filled in with.
EXTRA_PLACEHOLDERS = frozenset({"topic_title", "source_titles", "count", "drug", "kind"})


def placeholder_problem(text: str, allowed: Iterable[str]) -> Optional[str]:
    """What is wrong with the {placeholders} of a text, in plain words, or None."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        return f"has an unmatched {{ or }} ({error})"
    unknown = names - set(allowed)
    if unknown:
        return (f"uses {{{', '.join(sorted(unknown))}}}; only "
                f"{', '.join('{' + p + '}' for p in sorted(allowed))} can be filled in")
    return None


def messages_path() -> Path:
    return FACTS_DIR / "messages.yml"


def load_messages(path: Optional[Path] = None) -> Dict[str, Any]:
    """messages.yml, checked: every text there, each a text with placeholders that can be filled."""
    path = Path(path or messages_path())
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name} must be a list of 'name: text' lines.")
    allowed = PLACEHOLDERS | EXTRA_PLACEHOLDERS
    for key, parts in MESSAGE_KEYS.items():
        entry = data.get(key)
        texts = {key: entry} if not parts else {
            f"{key}: {part}": entry.get(part) if isinstance(entry, dict) else None for part in parts}
        for name, value in texts.items():
            if not isinstance(value, str) or not value.strip():
                raise ContentError(f"{path.name}: the text '{name}' is missing or empty; the assistant needs it.")
            problem = placeholder_problem(value, allowed)
            if problem:
                raise ContentError(f"{path.name}: the text '{name}' {problem}.")
    return data


def current_messages() -> Dict[str, Any]:
    """messages.yml as it is now (the last good version if an edit broke it)."""
    path = messages_path()
    return current("the assistant's messages (facts/messages.yml)", [path], lambda: load_messages(path))

"""What part of a topic a question asks about, when it is a part the answers don't cover.

"What are the side effects of radiation for spine tumors?" is about radiation therapy,
and the classifier rightly says so; but the radiation answer says nothing about side
effects. Answering it plainly would answer a question that wasn't asked. So the
assistant first says which part it has no reviewed information on, then gives what
it does know (question_details.py marks the aspect as an entity; ActionAnswerTopic
reads it). The wording is in facts/messages.yml
(`not_covered_aspects`, `what_i_can_tell`).
"""
import re
from typing import Optional, Tuple

# Checked in this order; the first that matches is the aspect.
_ASPECTS = [
    ("side_effects", r"side[- ]?effects?|adverse|safe|safety|dangerous|complications?|toxic\w*|hurts?|painful|damage"
                     r"|risks?\s+(?:of|from|with|involved|associated)(?!\s+(?:cancer|getting|developing))"
                     r"|(?:how|is it|is this|is that|very|super)\s+risky|any risks?|what risks?|the risks?"
                     r"|(?:can|could|does|do|will|would|might|may)\s+(?:\w+\s+){1,4}?cause"
                     r"|makes? (?:me|you|him|her|them|us|people) (?:feel |so |really |very )?"
                     r"(?:tired|sick|nauseous|weak|moody|hungry|sleepy|bald|gain weight)"
                     r"|hair loss|lose (?:my |his |her |their |your )?hair|nause\w*|vomit\w*|weight gain"
                     r"|(?:in)?fertil\w*|rash\w*|mood swings?|insomnia|trouble sleeping|blood sugar"),
    ("cost", r"costs?|costing|price|prices|expensive|afford\w*|insurance|insured|medicare|medicaid"
             r"|covered by|out of pocket|pay for"),
    ("outcomes", r"success rates?|survival\s+(?:rates?|odds|chances?|statistics|figures)|chances? of (?:survival|surviving|cure)"
                 r"|cure rates?|life expectancy|prognosis|percent(?:age)? of (?:patients|people)"),
    # "how often does it work?" asks about results, not the schedule
    ("schedule", r"how long|how many (?:sessions|rounds|cycles|treatments|doses|times|weeks|months)"
                 r"|how often (?:is|are|do|does|will|would|should|must|can)\b(?![^.?!]*\b(?:work|works|shrink|shrinks|help|helps))"
                 r"|recover\w*|downtime|time off"),
]
_PATTERNS = [(name, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for name, words in _ASPECTS]


def find_aspect(text: str) -> Optional[Tuple[str, int, int]]:
    """The aspect a question asks about ("side_effects", "cost", "outcomes", "schedule") and
    where its words are (start, end), or None."""
    for name, pattern in _PATTERNS:
        match = pattern.search(text or "")
        if match:
            return name, match.start(), match.end()
    return None


def uncovered_aspect(text: str) -> Optional[str]:
    """The aspect a question asks about, or None."""
    found = find_aspect(text)
    return found[0] if found else None

"""What part of a topic a question asks about, when it is a part the answers don't cover.

"What are the side effects of radiation for spine tumors?" is about radiation therapy,
and the classifier rightly says so; but the radiation answer says nothing about side
effects. Answering it plainly would answer a question that wasn't asked. So the
assistant first says which part it has no reviewed information on, then gives what
it does know (see ActionAnswerTopic). The wording is in facts/messages.yml
(`aspect_not_covered`, `aspects`).
"""
import re
from typing import Optional

# Checked in this order; the first that matches is the aspect.
_ASPECTS = [
    ("side_effects", r"side[- ]?effects?|adverse|risks?|risky|safe|safety|dangerous|complications?|toxic\w*"
                     r"|hurts?|painful|damage"),
    ("cost", r"costs?|costing|price|prices|expensive|afford\w*|insurance|insured|medicare|medicaid"
             r"|covered by|out of pocket|pay for"),
    ("outcomes", r"success rates?|survival( rates?)?|cure rates?|life expectancy|prognosis|percent(age)?"),
    ("schedule", r"how long|how often|how many (?:sessions|rounds|cycles|treatments|doses|times|weeks|months)"
                 r"|recover\w*|downtime|time off"),
]
_PATTERNS = [(name, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for name, words in _ASPECTS]


def uncovered_aspect(text: str) -> Optional[str]:
    """The aspect a question asks about ("side_effects", "cost", "outcomes", "schedule"), or None."""
    for name, pattern in _PATTERNS:
        if pattern.search(text or ""):
            return name
    return None

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
                 r"|cure rates?|life expectancy|prognosis|percent(?:age)? of (?:patients|people)|outlook"
                 r"|survival(?!\s+(?:pathways?|signals?|of (?:the )?(?:cancer|tumou?r) cells))"
                 r"|(?:will|would|can|could|do|does|did)\s+(?:i|he|she|they|we|patients|people|my \w+)\s+(?:\w+\s+){0,2}surviv\w*"
                 r"|curable|incurable|cure\w*|remission|long[- ]term results?|odds"
                 r"|how long (?:can|will|would|do|does|did) (?:\w+\s+){1,3}live\b"
                 r"|how long (?:can|will|would|do|does) (?:\w+\s+){1,3}have left"
                 # "does it work for everyone?": the pages give no figures ("how well does it work?" is
                 # what the results answer is about: no preface)
                 r"|work(?:s|ed)? for (?:everyone|everybody|every\s?one|all (?:patients|people)|most (?:people|patients))"
                 r"|always work\w*|guaranteed"),
    # "how often does it work?" asks about results, not the schedule
    ("schedule", r"how long|how many (?:sessions|rounds|cycles|treatments|doses|times|weeks|months)"
                 r"|how often (?:is|are|do|does|will|would|should|must|can)\b(?![^.?!]*\b(?:work|works|shrink|shrinks|help|helps))"
                 r"|recover\w*|downtime|time off|duration|last(?:s)? (?:for )?how long"),
    # a question about the dose ("usual dose of dexamethasone?"); not "high-dose chemo", a treatment's name
    ("dosage", r"dosage|dosing|(?:what|which|usual|normal|standard|typical|right|correct|starting|maximum|recommended)"
               r"\s+(?:\w+\s+)?doses?\b(?! of (?:iv |intravenous )?chemo)|doses? (?:of|for) (?!(?:iv |intravenous )?chemo)"
               r"|how much (?:\w+\s+){0,3}(?:take|taken|give|given|get|gets|use|used)"
               r"|how many (?:pills|tablets|capsules|mg|milligrams)|\d+\s*mg|milligrams?|\d+\s*gy"),
]
_PATTERNS = [(name, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for name, words in _ASPECTS]
# Words about the size of a dose that name a way of giving chemo, not a question about the dose.
_DOSE_AS_METHOD = re.compile(r"\b(?:high|higher|big|bigger|large|larger|huge|strong|max|very high|hi|hgh)[\s-]+(?:\w+\s+)?dos", re.IGNORECASE)


def find_aspect(text: str) -> Optional[Tuple[str, int, int]]:
    """The aspect a question asks about ("side_effects", "cost", "outcomes", "schedule", "dosage") and
    where its words are (start, end), or None."""
    for name, pattern in _PATTERNS:
        match = pattern.search(text or "")
        if match and not (name == "dosage" and _DOSE_AS_METHOD.search(text or "")):
            return name, match.start(), match.end()
    return None


def uncovered_aspect(text: str) -> Optional[str]:
    """The aspect a question asks about, or None."""
    found = find_aspect(text)
    return found[0] if found else None

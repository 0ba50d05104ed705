"""Recognises messages that describe new or worsening symptoms that can't wait for an
appointment, though they are not (yet) an emergency.

Metastatic spinal cord compression rarely starts with legs that give way. Before that,
over days or weeks, numbness spreads, hands or arms weaken (the neck is part of the
spine), walking gets harder, spine pain is new or much worse. Published guidance (NICE
guideline NG234 on spinal metastases and cord compression; the American Cancer
Society's pages on spinal cord compression) treats these, in someone with a spinal
tumor or cancer, as urgent: contact the care team or its after-hours line the same day,
and call 911 if it becomes sudden or severe. Real messages tell them as stories, often
in the past tense and by a family member ("over the last week dad has had more and
more trouble with the stairs").

Like emergency_patterns.py, this is a deterministic net on top of the classifier,
and it errs on the side of caution. The emergency patterns are checked first and
win: this only decides between "urgent" and "not urgent".
"""
import re

from hospital_faq.nlu.emergency_patterns import describes_worsening_legs

_ARMS = r"(?:arms?|hands?|fingers?|fingertips?|wrists?|grip|shoulders?)"
_SPINE = r"(?:back|neck|spine|spinal|mid[- ]back|upper back|lower back)"
_WORSE = (r"(?:(?:much|a lot|way|far|so much|even|lot)\s+)?(?:worse|worsening|stronger|more intense|more severe)"
          r"|(?:getting|gotten|got|get|gets|becoming|become)\s+(?:\w+\s+)?(?:worse|bad|severe|unbearable)"
          r"|worse and worse|more and more|doubled|worse than ever")
_RECENT = (r"(?:new|started|starting|since (?:starting|beginning|(?:he|she|i|they) (?:started|began))"
           r"|during (?:treatment|chemo|radiation|immunotherapy|targeted therapy)"
           r"|on (?:treatment|chemo|radiation|keytruda|immunotherapy))")

URGENT_PATTERNS = [
    # weakness, numbness or clumsiness in the arms or hands (the neck is part of the spine)
    # (numb hands alone are common after chemo: only numbness that spreads or worsens, below)
    rf"\b(?:weak\w*|clums\w*|losing (?:strength|(?:my |his |her |the )?grip))\b[^.?!]{{0,30}}\b{_ARMS}\b",
    rf"\b{_ARMS}\b[^.?!]{{0,30}}\b(?:weak|weaker|weakness|weakening|clumsy|clumsier|(?:getting|gotten|got|going|went|gone)\s+(?:weak\w*|numb\w*|clums\w*))\b",
    r"\b(?:can'?t|cannot|couldn'?t|unable to)\s+(?:lift|raise|move)\s+(?:my|his|her|their|one|an?)\s+(?:\w+\s+)?(?:arms?|hands?)",
    r"\bdropping (?:things|stuff|(?:my |his |her |the )?(?:cups?|pens?|forks?|keys|phone))",
    r"\b(?:can'?t|cannot|couldn'?t|trouble|difficulty|hard to|harder to)\s+(?:grip|grasp|button\w*|hold (?:a |my |his |her |the )?(?:cup|pen|fork|spoon|phone))",
    # numbness or tingling that spreads or gets worse
    r"\b(?:numb\w*|tingl\w*|pins and needles)\b[^.?!]{0,50}\b(?:spread\w*|moving|moved|travel\w*|worse|more and more|further"
    r"|goes up|gone up|went up|up to (?:my|his|her|the) (?:elbows?|wrists?|shoulders?|knees?|ankles?|shins?|thighs?))\b",
    r"\b(?:spread\w*|worse|worsening|more)\s+(?:\w+\s+)?(?:numbness|tingling)\b",
    # walking getting harder, balance, stumbling
    r"\bwalk\w*\b[^.?!]{0,30}\b(?:harder|more difficult|difficult|worse|slower|unsteady|wobbly|off)\b",
    r"\b(?:harder|more difficult|more trouble|more and more trouble|struggl\w*)\s+(?:for\s+\w+\s+)?(?:to\s+|with\s+|when\s+)?"
    r"(?:walk\w*|stand up|get up|get out of (?:a |the |bed|his |her |my )?\w*|(?:get|getting|go|going|climb\w*) (?:up )?(?:the )?stairs)",
    r"\b(?:trouble|difficulty|problems?|struggl\w*|help)\s+(?:with\s+|getting\s+(?:up\s+)?|climbing\s+|on\s+)?(?:walking|balance|(?:the\s+)?stairs)\b",
    r"\bwalk\w*\s+like\s+(?:\w+\s+){0,4}(?:drunk|drinks)",
    r"\b(?:unsteady|wobbly|shaky|off balance|losing (?:my |his |her )?balance|balance (?:is |has been )?(?:off|worse|bad))\b",
    r"\b(?:stumbl\w*|tripping|shuffl\w*)\b",
    # spine pain that is new or much worse, especially during treatment
    rf"\b{_SPINE}\s+(?:pain|ache|aches|hurts?|hurting|is hurting)\b[^.?!]{{0,60}}\b(?:{_WORSE})",
    rf"\bpain\s+in\s+(?:my|his|her|their|the)\s+{_SPINE}\b[^.?!]{{0,30}}\b(?:new|{_WORSE}|wakes?|waking)\b",
    rf"\b(?:{_WORSE})\s+(?:\w+\s+)?{_SPINE}\s+(?:pain|ache)\b",
    rf"\b(?:worse|worsening|increasing|new|bad)\s+(?:pain\s+in\s+(?:my|his|her|the)\s+){_SPINE}\b",
    rf"\b(?:new|brand new)\s+(?:\w+\s+)?{_SPINE}\s+(?:pain|ache)\b",
    rf"\b{_SPINE}\s+(?:pain|ache)\b[^.?!]{{0,40}}\b{_RECENT}",
    rf"\b{_SPINE}\s+(?:pain|ache)\b[^.?!]{{0,40}}\b(?:wakes?|waking|keeps? (?:me|him|her) up|at night|lying (?:down|flat))",
    r"\b(?:pain|ache)\b[^.?!]{0,40}\b(?:wraps?|wrapping|band|belt)\s+(?:around|like)|\bband of pain|\blike a belt\b",
]

_URGENT = re.compile("|".join(f"(?:{p})" for p in URGENT_PATTERNS), re.IGNORECASE)

# Questions about what may happen, not what is happening ("will I have trouble walking
# after surgery?", "can chemo make your hands numb?", "is back pain a sign of a tumor?"):
# no symptom is described, unless the message also says it is happening to someone.
_POSSIBILITY = re.compile(r"^\s*(?:will|would|could|can|might|may|does|do|is|are|what)\b"
                          r"|\b(?:a sign of|signs? of|symptoms? of|in general)\b", re.IGNORECASE)
_HAPPENING = re.compile(
    r"\b(?:(?:is|are|'s|'re|has been|have been|keeps?|been)\s+(?:\w+\s+)?(?:getting|gotten|going|got)\s+"
    r"(?:worse|weaker|harder|numb\w*|more|slower|clumsier|bad|unsteady)"
    r"|already|started|since|now|lately|recently|for (?:a|two|three|several|a few|\d+) (?:days|weeks)"
    r"|(?:past|last) (?:few |couple of )?(?:days|weeks))\b",
    re.IGNORECASE,
)


def describes_worsening_symptoms(text: str) -> bool:
    """New or worsening neurological symptoms or spine pain, told as happening (urgent)."""
    if not text:
        return False
    plain = text.replace("’", "'")
    if describes_worsening_legs(plain):
        return True  # legs told as a slow course: emergency_patterns.py leaves these to us
    if not _URGENT.search(plain):
        return False
    return not _POSSIBILITY.search(plain) or bool(_HAPPENING.search(plain))

"""Recognises messages that describe emergency symptoms of spinal cord compression.

This is a deterministic safety net on top of the trained classifier: these
phrasings must reach "call 911" even if the model has never seen them.
It errs on the side of caution: a question that merely mentions these
symptoms also gets the emergency advice first.
"""
import re

_PERSON = r"(?:my|his|her|their|our|the|both)"
_LEGS = r"(?:legs?|feet|foot)"

EMERGENCY_PATTERNS = [
    # loss of bladder or bowel control
    rf"\b(?:lost|losing|loss of|no|can'?t|cannot|can not|unable to)\s+(?:any\s+)?control\w*\s+(?:of|over)?\s*(?:{_PERSON}\s+)?(?:bladder|bowels?|pee|poop|urine)",
    rf"\b(?:lost|losing|loss of|no)\s+(?:{_PERSON}\s+)?(?:bladder|bowels?)\s+control",
    r"\b(?:bladder|bowels?)\s+(?:control\s+)?(?:is\s+|are\s+)?(?:gone|not working|stopped working|accident)",
    r"\b(?:wet|peed|pooped|soiled)\s+(?:myself|himself|herself|themselves)\b",
    r"\bincontinen",
    # can't pass urine or stool (retention is a sign of cord compression too)
    r"\b(?:can'?t|cannot|can not|couldn'?t|unable to|not able to|hasn'?t been able to|haven'?t been able to|"
    r"hadn'?t been able to|not been able to|won'?t|trouble|difficulty|problems?)\s+(?:to\s+)?"
    r"(?:pee|peeing|urinate|urinating|empty(?:ing)?\s+(?:\w+\s+)?bladder|pass\s+(?:urine|water|stool)|poop|have a bowel movement)",
    r"\b(?:hasn'?t|haven'?t|hadn'?t|didn'?t|has not|have not)\s+(?:peed|urinated)\b",
    r"\b(?:no|not any)\s+(?:pee|urine)\s+(?:since|for|all)",
    # can't walk / stand / move or feel the legs
    rf"\b(?:can'?t|cannot|can not|couldn'?t|unable to|not able to)\s+(?:walk|stand|move\s+{_PERSON}\s+{_LEGS}|feel\s+{_PERSON}\s+{_LEGS}|get up)",
    rf"\b{_LEGS}\s+(?:just\s+|suddenly\s+|keep\s+)?(?:gave|give|giving|gone|went)\s+(?:out|numb|weak|dead)",
    r"\b(?:am|is|are|was|went|been|now|suddenly)\s+paraly[sz]",
    # numbness in the saddle area
    r"\bnumb\w*\s+(?:in\s+|around\s+)?(?:the\s+|my\s+|his\s+|her\s+)?(?:groin|saddle|genitals?|private|buttocks|bottom|between\s+(?:my|his|her|the)\s+legs|inner thighs)",
    r"\bsaddle\s+(?:numbness|anesthesia|anaesthesia)",
    # sudden weakness or numbness in the legs, sudden severe back pain
    rf"\bsudden(?:ly)?\b[^.?!]{{0,40}}\b(?:weak\w*|numb\w*|can'?t\s+(?:walk|move|feel))",
    rf"\b{_LEGS}\b[^.?!]{{0,30}}\bsudden(?:ly)?\s+(?:weak|numb)",
    r"\b(?:sudden|severe|worst|excruciating|unbearable)\b(?:\s+\w+){0,3}\s+back\s+pain",
]
_EMERGENCY = re.compile("|".join(f"(?:{p})" for p in EMERGENCY_PATTERNS), re.IGNORECASE)


def describes_emergency(text: str) -> bool:
    return bool(text) and _EMERGENCY.search(text.replace("’", "'")) is not None

"""Recognises messages that describe emergency symptoms of spinal cord compression.

This is a deterministic safety net on top of the trained classifier: these
phrasings must reach "call 911" even if the model has never seen them.
It errs on the side of caution: a question that merely mentions these
symptoms also gets the emergency advice first.

Two kinds of pattern:
- SUDDEN_OR_SEVERE: always an emergency (can't walk, legs gave way, lost bladder or
  bowel control, saddle numbness, sudden or severe back pain).
- WORSENING_LEGS: legs weak, heavy or numb, numbness creeping up. An emergency too,
  unless the message tells of a slow course over days or weeks and nothing sudden or
  acute ("his legs have been getting weaker over the past two weeks"): then it is
  urgent (call the care team today; urgent_patterns.py), as NICE guideline NG234 and
  the American Cancer Society advise for new or worsening symptoms. With no time
  course, or any sign of a fast one, it stays an emergency: when in doubt, the higher level.
The same holds for the symptoms urgent_patterns.py knows (hands weakening, walking
harder...): told as fast or happening now, they are an emergency.
"""
import re

_PERSON = r"(?:my|his|her|their|our|the|both)"
_LEGS = r"(?:legs?|feet|foot|knees?)"
_NOT = r"(?:can'?t|cannot|can not|couldn'?t|unable to|not able to|can no longer|no longer)"
# The "saddle" area: numbness here is a red flag of cauda equina compression.
_SADDLE = (r"(?:groin|saddle|genitals?|privates?|private (?:parts|area)|buttocks|bottom|bum|butt(?: cheeks)?|"
           r"backside|between\s+(?:my|his|her|the)\s+legs|inner thighs?|down there)")
_NO_FEELING = r"(?:numb\w*|no feeling|lost (?:all |the )?feeling|losing (?:the )?feeling|loss of feeling)"

SUDDEN_OR_SEVERE = [
    # loss of bladder or bowel control
    rf"\b(?:lost|losing|loss of|no|can'?t|cannot|can not|unable to)\s+(?:any\s+)?control\w*\s+(?:of|over)?\s*(?:{_PERSON}\s+)?(?:bladder|bowels?|pee|poop|urine)",
    rf"\b(?:lost|losing|loss of|no)\s+(?:{_PERSON}\s+)?(?:bladder|bowels?)\s+control",
    r"\b(?:bladder|bowels?)\s+(?:control\s+)?(?:is\s+|are\s+)?(?:gone|not working|stopped working|accident)",
    r"\b(?:wet|peed|pooped|soiled)\s+(?:myself|himself|herself|themselves)\b",
    r"\bincontinen",
    rf"\b{_NOT}\s+(?:hold|control|stop)\s+(?:in\s+)?(?:my |his |her |the |a )?(?:urine|pee|wee|bowels?|bowel movement|stool|poop)",
    r"\bleaking\s+(?:urine|pee|stool|poop)",
    r"\b(?:accident|wet|peed|pooped|soiled)\b[^.?!]{0,40}\b(?:didn'?t|did not|without|never)\s+(?:even\s+)?"
    r"(?:feel|know|notice|realis|realiz)",
    rf"\b{_NOT}\s+(?:feel|tell)\s+(?:when|if)\s+(?:i|he|she)\s+(?:pee|wee|poop|need|needs|have to|has to)",
    # can't pass urine or stool (retention is a sign of cord compression too)
    r"\b(?:can'?t|cannot|can not|couldn'?t|unable to|not able to|hasn'?t been able to|haven'?t been able to|"
    r"hadn'?t been able to|not been able to|won'?t|trouble|difficulty|problems?)\s+(?:to\s+)?"
    r"(?:pee|peeing|urinate|urinating|empty(?:ing)?\s+(?:\w+\s+)?bladder|pass\s+(?:urine|water|stool)|poop|have a bowel movement)",
    r"\b(?:hasn'?t|haven'?t|hadn'?t|didn'?t|has not|have not)\s+(?:peed|urinated)\b",
    r"\b(?:no|not any)\s+(?:pee|urine)\s+(?:since|for|all)",
    r"\bbladder\b[^.?!]{0,30}\bfull\b[^.?!]{0,30}\bnothing\s+(?:comes?|came)\s+out",
    # can't walk, stand or move the legs; legs giving way or weaker than before
    rf"\b{_NOT}\s+(?:walk|stand|get up|get out of (?:bed|{_PERSON} (?:bed|chair)|a chair)|climb (?:the |{_PERSON} )?stairs"
    rf"|(?:move|lift|feel)\s+(?:{_PERSON}\s+)?(?:right\s+|left\s+)?{_LEGS}|make\s+{_PERSON}\s+{_LEGS}\s+(?:work|move))",
    r"\bcan\s+(?:barely|hardly)\s+(?:walk|stand|move)",
    rf"\b{_LEGS}\s+(?:just\s+|suddenly\s+|have\s+|has\s+|keep\s+|keeps\s+)?(?:stopped working|won'?t (?:work|move|hold|lift|carry)"
    rf"|(?:are|is)n'?t working|(?:are |is )?not working|buckled|buckling|gave (?:out|way)|giving (?:out|way)|give (?:out|way)"
    rf"|went dead|feels? (?:dead|like jelly)|gone (?:numb|weak|dead)|went (?:numb|weak))",
    r"\b(?:am|is|are|was|went|been|now|suddenly)\s+paraly[sz]",
    # numbness from a level of the body down, or spreading up ("numb from the waist down")
    rf"\b(?:{_NO_FEELING}|tingl\w*)\b[^.?!]{{0,20}}\b(?:from|below)\s+(?:the|my|his|her)\s+"
    rf"(?:waist|hips?|chest|belly button|stomach|ribs|nipples?)",
    r"\bnumb\w*\s+band\b",
    # numbness in the saddle area
    rf"\b(?:{_NO_FEELING}|tingl\w*)\s+(?:in\s+|around\s+|of\s+)?(?:the\s+|my\s+|his\s+|her\s+)?(?:area\s+)?{_SADDLE}",
    rf"\b{_NOT}\s+feel\s+(?:anything\s+|a thing\s+)?(?:in\s+|around\s+)?(?:{_PERSON}\s+)?{_SADDLE}",
    rf"\b{_SADDLE}\s+(?:is|are|feels?|went|gone|going|has gone|have gone)\s+(?:so\s+|all\s+|completely\s+)?numb",
    r"\bsaddle\s+(?:numbness|anesthesia|anaesthesia)",
    r"\bcan'?t feel (?:the )?(?:toilet paper|(?:it )?when (?:i|he|she) wipes?)",
    # sudden weakness or numbness in the legs, sudden severe back pain
    rf"\bsudden(?:ly)?\b[^.?!]{{0,40}}\b(?:weak\w*|{_NO_FEELING}|can'?t\s+(?:walk|move|feel))",
    rf"\b{_LEGS}\b[^.?!]{{0,30}}\bsudden(?:ly)?\s+(?:weak|numb)",
    r"\b(?:sudden|severe|worst|excruciating|unbearable|horrible|terrible|agoni[sz]ing|crippling)\b(?:\s+\w+){0,3}\s+back\s+pain",
    r"\bback\s+pain\b[^.?!]{0,30}\b(?:worst|unbearable|excruciating|agoni[sz]ing)",
]
# Legs weak, heavy or numb, or numbness creeping up: an emergency unless told as a slow course.
WORSENING_LEGS = [
    rf"\b{_LEGS}\s+(?:are|r|is|feel|feels|felt|were|was|seem|seems)\s+(?:getting\s+)?(?:so\s+|really\s+|very\s+|much\s+|a lot\s+)?"
    rf"(?:weak|weaker|heavy)\b",
    r"\blegs?\s+(?:are|r|is|feel|feels|felt|went|go|going|getting)\s+(?:\w+\s+)?numb",
    rf"\b(?:weaker|weakness|numbness)\s+in\s+(?:both\s+)?(?:{_PERSON}\s+)?(?:both\s+)?(?:right\s+|left\s+)?legs?",
    r"\blegs?\s+(?:weakness|numbness)\b",
    r"\bdragging\s+(?:my|his|her|their|one|a|both)\s+(?:left\s+|right\s+)?(?:foot|feet|legs?)",
    rf"\b{_LEGS}\b[^.?!]{{0,25}}\b(?:getting|gotten|got|grown|become|becoming)\s+(?:weaker|worse|numb)",
    rf"\b{_LEGS}\b[^.?!]{{0,25}}\bweaker and weaker",
    # numbness creeping up the body ("numb feet, and now it's up to my knees")
    rf"\b(?:{_NO_FEELING}|tingl\w*)\b[^.?!]{{0,60}}\b(?:up to (?:my|his|her|the) (?:knees?|thighs?|hips?|waist|stomach|chest)"
    rf"|spreading up|crept|creeping|moving up|climbing up)",
]

# A slow course: days or weeks. ("Since yesterday" or "overnight" is not slow.)
_NUMBER = (r"(?:(?:about|around|almost|nearly|over|more than)\s+)?(?:a|one|two|three|four|five|six|seven|eight|nine|ten"
           r"|several|a few|a couple of|couple of|few|\d+)")
GRADUAL_COURSE = re.compile(
    rf"\b(?:(?:over|for|in|during)\s+(?:the\s+)?(?:past|last)?\s*{_NUMBER}?\s*(?:days|weeks|months)"
    rf"|(?:past|last)\s+(?:{_NUMBER}\s+)?(?:days|weeks|months|week|month)"
    rf"|since\s+last\s+(?:week|month)|{_NUMBER}\s+(?:days|weeks|months)\s+ago|a\s+(?:week|month)\s+ago"
    rf"|gradual\w*|slowly|bit by bit|little by little|over time|day by day|week by week|every day|each day"
    rf"|every week|each week|lately|recently|this (?:past )?week|all week|the (?:past|last) week"
    rf"|since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend|christmas|last \w+))\b",
    re.IGNORECASE,
)
# Anything that says it is fast, or happening now.
ACUTE = re.compile(
    r"\b(?:today|tonight|this (?:morning|afternoon|evening)|right now|just now|now can'?t|an hour|hours?|hourly"
    r"|yesterday|last night|overnight|since (?:lunch|breakfast|dinner|i woke|he woke|she woke|waking)|woke up"
    r"|sudden\w*|all of a sudden|out of nowhere|fast|quickly|rapidly|by the minute|collaps\w*|fell|falling)\b",
    re.IGNORECASE,
)

_SUDDEN_OR_SEVERE = re.compile("|".join(f"(?:{p})" for p in SUDDEN_OR_SEVERE), re.IGNORECASE)
_WORSENING_LEGS = re.compile("|".join(f"(?:{p})" for p in WORSENING_LEGS), re.IGNORECASE)


def _plain(text: str) -> str:
    return (text or "").replace("’", "'")


def told_as_gradual(text: str) -> bool:
    """The message tells of a course over days or weeks, and of nothing sudden or acute."""
    return bool(GRADUAL_COURSE.search(_plain(text))) and not ACUTE.search(_plain(text))


def describes_worsening_legs(text: str) -> bool:
    return bool(text) and _WORSENING_LEGS.search(_plain(text)) is not None


def told_as_sudden(text: str) -> bool:
    """The message says it is fast or happening now (today, suddenly, for hours...), and tells
    of no slow course over days or weeks."""
    return bool(ACUTE.search(_plain(text))) and not GRADUAL_COURSE.search(_plain(text))


def describes_emergency(text: str) -> bool:
    if not text:
        return False
    if _SUDDEN_OR_SEVERE.search(_plain(text)):
        return True
    if describes_worsening_legs(text) and not told_as_gradual(text):
        return True
    # Any symptom of the urgent kind (hands weakening, walking harder...) that came on fast or now.
    from hospital_faq.nlu.urgent_patterns import describes_worsening_symptoms  # it builds on this module

    return told_as_sudden(text) and describes_worsening_symptoms(text)

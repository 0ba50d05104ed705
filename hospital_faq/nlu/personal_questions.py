"""Whether a message asks for advice about someone's own care.

"What should we do about dad's pancreatic cancer?" names a cancer the assistant has no
information on, but it is first of all a personal question: the right reply is the kind
"I can't advise on your own care, ask your care team", not "I can't answer that here,
call about billing or parking". The scope screen uses this to tell the two apart, for
any disease. Deliberately narrow: it looks for a request for a decision or a personal
forecast (should we, is it right for her, what would you recommend, how long does he
have), not for a mere mention of a relative.
"""
import re

_WHO = r"(?:i|we|he|she|they|my\s+\w+|our\s+\w+|mom|mum|dad|mother|father|husband|wife|son|daughter)"
_THEM = r"(?:me|him|her|them|us|my\b|our\b|mom|mum|dad)"

_ASKS_FOR_ADVICE = re.compile(
    rf"\bshould\s+{_WHO}\b"
    rf"|\b(?:is|would|will)\s+(?:it|this|that|\w+(?:\s+\w+)?)\s+(?:be\s+)?(?:the\s+)?(?:right|best|better|good|a good idea"
    rf"|the right (?:choice|treatment|thing|option)|safe|worth it|okay|ok|too much|too risky)\s+for\s+{_THEM}"
    rf"|\bwhat\s+(?:should|would|do|can|must)\s+(?:i|we|he|she)\s+do\b"
    rf"|\bwhat\s+(?:do|would)\s+you\s+(?:recommend|suggest|advise)\b|\b(?:do you think|would you recommend|what would you do)\b"
    rf"|\bwhich\s+(?:\w+\s+){{0,2}}(?:is|would be)\s+(?:best|better|right)\s+for\s+{_THEM}"
    rf"|\bwhat(?:'s|\s+is)\s+the\s+best\s+(?:\w+\s+){{0,2}}for\s+{_THEM}"
    rf"|\b(?:how long|how much time|how many (?:years|months))\s+(?:does|do|will|did)\s+{_WHO}\s+(?:have|live|survive|got)"
    rf"|\bwill\s+(?:it|this|that|\w+)\s+(?:work|help)\s+(?:for|on)\s+{_THEM}"
    rf"|\b(?:am\s+i|is\s+(?:he|she|my\s+\w+))\s+(?:a\s+)?(?:good\s+)?candidate\b"
    rf"|\b(?:is|are)\s+(?:it|this|that|they)\s+(?:dangerous|safe|bad|ok|okay|normal)\s+for\s+{_THEM}"
    rf"|\b(?:will|would|do|does|should|must)\s+{_WHO}\s+(?:need|have to|be on|stay on|keep (?:taking|getting|going))\b"
    # asking for help with someone's own condition ("I have X. What can I do?", "my son has Y, is there a cure?")
    rf"|\bwhat\s+(?:can|could)\s+(?:i|we|he|she|they)\s+(?:do|take|try)\b|\bis\s+there\s+(?:any|a|anything)\s+"
    rf"(?:\w+\s+)?(?:treatment|cure|medicine|medication|way|help|hope)\b.{{0,40}}\b(?:for\s+(?:me|him|her|my|our|them)|help\s+(?:me|him|her|them|us)|i|we)\b"
    rf"|\bwhat\s+(?:are|is)\s+(?:my|his|her|our|their)\s+(?:options|chances|next step)"
    rf"|\bhow\s+(?:can|do|should)\s+(?:i|we)\s+(?:treat|cure|get rid of|manage|stop|help)\b"
    rf"|\b(?:please help|help me|any advice|any suggestions|what do i do)\b"
    rf"|\b(?:can|may)\s+{_WHO}\s+(?:still\s+)?(?:take|stop|skip|keep taking|keep working|drink|double|lift|get pregnant)\b",
    re.IGNORECASE,
)


def asks_for_personal_advice(text: str) -> bool:
    return bool(_ASKS_FOR_ADVICE.search((text or "").replace("’", "'")))

"""Carrier keywords (STOP, START, HELP ...): what a text message that is one of them does.

Carriers require these for any SMS number, and the same is right for WhatsApp.
They are matched when they are the whole message (any case, a trailing "." or "!").
This module only decides; channel.py records the opt-out (opt_outs.py) and replies.
"""
import re
from typing import Optional

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP"}  # and YES, from someone who has opted out
HELP_WORDS = {"HELP", "INFO"}
_KEYWORD = re.compile(r"\s*([A-Za-z]+)[\s.!]*")

# What to do with a message:
OPT_OUT = "opt_out"    # record the opt-out; confirm it once
OPT_IN = "opt_in"      # remove the opt-out; confirm it
HELP = "help"          # say who we are and how to opt out (even after STOP: carriers require it)
IGNORE = "ignore"      # an opted-out number: send nothing
GREET = "greet"        # START from someone who never stopped: begin the conversation
ASK = "ask"            # anything else: a question for the assistant


def keyword(body: str) -> Optional[str]:
    """The message as a keyword (upper case) when it is one word, else None."""
    match = _KEYWORD.fullmatch(body or "")
    return match.group(1).upper() if match else None


def decide(body: str, opted_out: bool) -> str:
    """What this message does, from the person's opt-out state."""
    word = keyword(body)
    if word in OPT_OUT_WORDS:
        return OPT_OUT
    if opted_out and word in OPT_IN_WORDS | {"YES"}:
        return OPT_IN
    if word in HELP_WORDS:
        return HELP
    if opted_out:
        return IGNORE
    if word in OPT_IN_WORDS:
        return GREET
    return ASK

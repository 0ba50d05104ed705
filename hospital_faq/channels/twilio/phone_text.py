"""Replies written for a phone (SMS, WhatsApp): plain text, numbered options, sensible lengths.

- Buttons become numbered options ("1. Proton therapy"), counted across all the
  messages of one reply; `options` gives the same numbering back, so a reply "2"
  can be mapped to the second option's payload.
- Links become plain URLs; any other markup is dropped.
- Typographic characters (curly quotes, dashes, ellipsis) become their plain
  equivalents: one of them would switch a whole SMS from the GSM-7 alphabet
  (160 characters a segment) to UCS-2 (70).
- A reply goes out as few messages as possible: carriers don't always deliver
  separate messages in order. A reply longer than Twilio's 1,600 characters is
  split between paragraphs (else lines, sentences, words) and its parts are
  numbered "(1/2) ", "(2/2) ".
"""
import html
import re
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

MAX_MESSAGE_LENGTH = 1600  # Twilio's limit for one message body
_PART_LABEL_ROOM = len("(10/10) ")

Message = Dict[str, Any]

_CHARACTERS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
})
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_HTML_LINK = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>|</p\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")

# GSM 03.38: the basic alphabet (one unit each) and its extension table (two units each).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")
_NUMBER_REPLY = re.compile(r"^\s*#?\s*(\d{1,3})\s*[.)]?\s*$")


def plain(text: str) -> str:
    """The text as a phone shows it: links as plain URLs, no markup, plain punctuation."""
    text = _HTML_LINK.sub(lambda m: _link(_TAG.sub("", m.group(2)), m.group(1)), text)
    text = _MARKDOWN_LINK.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = _BREAK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    text = _EMPHASIS.sub(r"\2", text).translate(_CHARACTERS)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _link(title: str, url: str) -> str:
    title = title.strip()
    return url if not title or title == url else f"{title}: {url}"


def options(messages: Iterable[Message]) -> List[Dict[str, Any]]:
    """The buttons that are shown as numbered options (those with a payload), in order."""
    return [b for m in messages for b in (m.get("buttons") or []) if b.get("payload")]


def chosen_number(text: str) -> Optional[int]:
    """The number in a reply such as "2", "2." or "#2"; None for anything else."""
    match = _NUMBER_REPLY.match(text or "")
    return int(match.group(1)) if match else None


def compose(messages: Iterable[Message], choose_hint: str) -> List[str]:
    """The message bodies to send for one reply of the assistant."""
    blocks, number, last_option_block = [], 0, None
    for message in messages:
        lines = [plain(message.get("text") or "")]
        for button in message.get("buttons") or []:
            title = plain(str(button.get("title") or ""))
            if button.get("payload"):
                number += 1
                lines.append(f"{number}. {title}")
                last_option_block = len(blocks)
            elif button.get("url"):
                lines.append(_link(title, str(button["url"])))
        for key in ("image", "attachment"):
            if isinstance(message.get(key), str):
                lines.append(message[key])
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
    if last_option_block is not None:
        blocks[last_option_block] += "\n" + plain(choose_hint)
    return split(blocks)


def split(blocks: List[str], limit: int = MAX_MESSAGE_LENGTH) -> List[str]:
    """Packs the blocks (paragraphs) into as few messages as fit, labelled (1/n) when more than one."""
    if not blocks:
        return []
    if length("\n\n".join(blocks)) <= limit:
        return ["\n\n".join(blocks)]
    room = limit - _PART_LABEL_ROOM
    parts: List[str] = []
    current = ""
    for joiner, unit in _units(blocks, room):
        if current and length(current + joiner + unit) <= room:
            current += joiner + unit
        else:
            if current:
                parts.append(current)
            current = unit
    parts.append(current)
    return [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, 1)]


def _units(blocks: List[str], room: int) -> Iterator[Tuple[str, str]]:
    for block in blocks:
        yield from _pieces(block, room, "\n\n")


def _pieces(text: str, room: int, joiner: str) -> Iterator[Tuple[str, str]]:
    """The text with the separator before it; cut at lines, then sentences, then words when too long."""
    if length(text) <= room:
        yield joiner, text
        return
    for pattern, separator in ((r"\n", "\n"), (r"(?<=[.!?])\s+", " "), (r"\s+", " ")):
        pieces = [p for p in re.split(pattern, text) if p]
        if len(pieces) > 1:
            for i, piece in enumerate(pieces):
                yield from _pieces(piece, room, joiner if i == 0 else separator)
            return
    for start in range(0, len(text), room // 2):  # one unbroken run: cut it (// 2: UTF-16 pairs)
        yield (joiner if start == 0 else ""), text[start:start + room // 2]


def length(text: str) -> int:
    """Length as Twilio counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many SMS segments the text takes: GSM-7 160 (153 when split), else UCS-2 70 (67)."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units, single, multi = sum(2 if c in _GSM_EXTENDED else 1 for c in text), 160, 153
    else:
        units, single, multi = length(text), 70, 67
    return 1 if units <= single else -(-units // multi)

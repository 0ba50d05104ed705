"""Reads and writes facts/topics.yml so that a person's edits survive a program's.

The `add` and `import` commands change the file through here. It is read and
written "round trip" (ruamel.yaml): comments, the order of fields, folded answers,
[a, b] lists and quoting stay as they were; only the changed fields are rewritten.
A write goes to a temporary file first and replaces topics.yml in one step, so the
running assistant (which reloads the file when it changes) never sees half a file.
Programs that read, change and write files in facts/ (the commands, the content
designer) hold `locked(facts_dir)` meanwhile, so one never overwrites another's change.
"""
import contextlib
import datetime
import fcntl
import io
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from hospital_faq.knowledge.fact_store import FIELDS, LIST_FIELDS
from hospital_faq.knowledge.reloading import SAFE_LOADER

LONG_TEXT_FIELDS = ("answer", "how_given", "note")  # written folded (>-), wrapped
FLOW_LIST_FIELDS = ("source", "roles", "related")  # written [a, b]
LINE_WIDTH = 82


def _yaml() -> YAML:
    # The file indents lists inside a topic by 4 ("    - ...") but the topics themselves
    # by 0 ("- id:"). ruamel uses one indentation for every level, so topics are written
    # indented by 2 and that indentation is taken off again (see dumps).
    y = YAML()
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    return y


LOCK_FILE = ".content.lock"
_thread_lock = threading.RLock()
_held = threading.local()


@contextlib.contextmanager
def locked(facts_dir: Path) -> Iterator[None]:
    """Only one program (and one thread) changes the files in facts/ at a time (re-entrant)."""
    with _thread_lock:
        if getattr(_held, "depth", 0):
            _held.depth += 1
            try:
                yield
            finally:
                _held.depth -= 1
            return
        with open(Path(facts_dir) / LOCK_FILE, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _held.depth = 1
            try:
                yield
            finally:
                _held.depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)


def load(path: Path) -> CommentedSeq:
    document = _yaml().load(Path(path).read_text(encoding="utf-8"))
    return document if document is not None else CommentedSeq()


def _file_stamp(path: Path) -> Optional[Tuple[int, int, int]]:
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


_documents: Dict[str, Tuple[Optional[Tuple[int, int, int]], CommentedSeq]] = {}


def load_cached(path: Path) -> CommentedSeq:
    """`load`, kept in memory while the file is unchanged (reading topics.yml round trip
    takes seconds). Change the document only to `save_cached` it, under `locked`."""
    key = str(Path(path).resolve())
    stamp = _file_stamp(path)
    cached = _documents.get(key)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load(path))
        _documents[key] = cached
    return cached[1]


def save_cached(document: CommentedSeq, path: Path) -> None:
    """`save`, keeping the saved document as the cached one; forgets it if saving fails."""
    key = str(Path(path).resolve())
    try:
        save(document, path)
    except BaseException:
        _documents.pop(key, None)
        raise
    _documents[key] = (_file_stamp(path), document)


def dumps(document: CommentedSeq) -> str:
    out = io.StringIO()
    _yaml().dump(document, out)
    return "\n".join(line[2:] if line.startswith("  ") else line for line in out.getvalue().split("\n"))


def save(document: CommentedSeq, path: Path) -> None:
    """Writes the document, after checking it reads back as the same topics."""
    path = Path(path)
    text = dumps(document)
    if yaml.load(text, Loader=SAFE_LOADER) != plain(document):
        raise RuntimeError("Writing topics.yml would change more than intended; nothing was written.")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".topics-", suffix=".yml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def plain(value: Any) -> Any:
    """The document as plain lists, dicts, strings and dates (as yaml.safe_load gives)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def folded(text: str, width: int = LINE_WIDTH) -> FoldedScalarString:
    """A long text as a folded block (>-), wrapped at spaces near `width`."""
    text = " ".join(str(text).split())
    scalar = FoldedScalarString(text)
    folds, line_start, last_space = [], 0, None
    for index, char in enumerate(text):
        if char == " ":
            if index - line_start > width and last_space is not None and last_space > line_start:
                folds.append(last_space)
                line_start = last_space + 1
            last_space = index
    if len(text) - line_start > width and last_space is not None and last_space > line_start:
        folds.append(last_space)
    scalar.fold_pos = folds
    return scalar


def styled(field: str, value: Any) -> Any:
    """A field's value in the style the file uses for it."""
    if field in LONG_TEXT_FIELDS:
        return folded(value)
    if field in LIST_FIELDS:
        items = [" ".join(str(v).split()) for v in value]
        if field == "quotes":
            items = [DoubleQuotedScalarString(v) for v in items]
        seq = CommentedSeq(items)
        if field in FLOW_LIST_FIELDS:
            seq.fa.set_flow_style()
        return seq
    if field == "review_date" and isinstance(value, datetime.date):
        return value
    return " ".join(str(value).split())


def set_field(entry: CommentedMap, field: str, value: Any) -> None:
    """Sets (or, for an empty value, removes) a field, keeping the fields in FIELDS order."""
    empty = value is None or value == "" or value == [] or value == ()
    if empty:
        if field in entry:
            del entry[field]
        return
    if field in entry:
        replacement = styled(field, value)
        _keep_trailing_comment(entry[field], replacement)
        entry[field] = replacement
        return
    later = FIELDS[FIELDS.index(field) + 1:] if field in FIELDS else ()
    keys = list(entry.keys())
    position = next((keys.index(k) for k in keys if k in later), len(keys))
    entry.insert(position, field, styled(field, value))


def _keep_trailing_comment(old: Any, new: Any) -> None:
    """The blank line (or comment) after a list's last item belongs to the file's layout,
    not to the item: a replaced list keeps it, so topics stay separated by a blank line."""
    if isinstance(old, CommentedSeq) and isinstance(new, CommentedSeq) and len(old) and len(new):
        trailing = old.ca.items.get(len(old) - 1)
        if trailing:
            new.ca.items[len(new) - 1] = trailing


def new_entry(values: Dict[str, Any]) -> CommentedMap:
    entry = CommentedMap()
    for field in FIELDS:
        if field in values:
            set_field(entry, field, values[field])
    return entry


def entries_by_id(document: CommentedSeq) -> Dict[str, CommentedMap]:
    return {str(e.get("id")): e for e in document if isinstance(e, dict) and e.get("id")}


def field_value(entry: dict, field: str) -> Any:
    """A field as compared and exported: text with single spaces, lists of such texts."""
    value = entry.get(field)
    if field in LIST_FIELDS:
        if value is None or value == "":
            return []
        items = value if isinstance(value, list) else [value]
        return [" ".join(str(v).split()) for v in items]
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def ordered_fields(entry: dict) -> List[str]:
    return [f for f in FIELDS if f in entry]

"""The last good version of a content file, re-read when the file changes.

The content team edits facts/*.yml and hospital.yml while the assistant runs. An
edit goes live at the next message; an edit that breaks the file does not take the
assistant down: the last good version stays in use, and the log says why until the
file is fixed (`scripts/content validate` says the same).
"""
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Type

import yaml

logger = logging.getLogger(__name__)
# libyaml's loader when PyYAML has it: the same results, twenty times faster on topics.yml.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """A content file has a mistake that must be fixed before the assistant can use it."""


def read_yaml(path: Path, error: Type[ContentError] = ContentError) -> Any:
    """A YAML file's content; a missing or unreadable file, or broken YAML, is an `error`
    that says which file and why."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path} is missing.")
    except OSError as problem:
        raise error(f"{path} can't be read ({problem.strerror}).")
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as problem:
        try:  # the pure-Python loader says where, with the line itself and a caret under the spot
            yaml.safe_load(text)
        except yaml.YAMLError as described:
            problem = described
        raise error(f"{path.name} is not valid YAML: {problem}")


@dataclass
class _Version:
    stamp: Tuple[int, ...]
    value: Any
    problem: Optional[str] = None  # why the files on disk are not the version in use


_lock = threading.Lock()
_versions: Dict[str, _Version] = {}


def _stamp(files: Sequence[Path]) -> Tuple[int, ...]:
    return tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files)


def current(what: str, files: Sequence[Path], load: Callable[[], Any]) -> Any:
    """`load()`'s value for `files` as they are now; re-loaded only when one changed.

    `what` names the content for people ("the fact store"). When the files changed
    but can't be loaded, the last good value is kept and the reason logged once; with
    no good value yet, the ContentError is raised.
    """
    files = [Path(f) for f in files]
    key = "|".join(str(f) for f in files)
    stamp = _stamp(files)
    with _lock:
        version = _versions.get(key)
        if version and version.stamp == stamp:
            return version.value
        try:
            value = load()
        except ContentError as error:
            if version is None:
                raise
            logger.error("%s has a mistake, so the last good version stays in use until it is fixed: %s",
                         what.capitalize(), error)
            _versions[key] = _Version(stamp, version.value, str(error))
            return version.value
        if version and version.problem:
            logger.info("%s is fixed and in use again.", what.capitalize())
        _versions[key] = _Version(stamp, value)
        return value

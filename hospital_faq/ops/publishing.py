"""Which model the assistant uses: the published one, and how a new one gets there.

    python -m hospital_faq.ops.publishing show             # the published model and its figures
    python -m hospital_faq.ops.publishing path             # the published model's file
    python -m hospital_faq.ops.publishing first-start MODEL  # publish MODEL if nothing is published yet

Every Rasa server pulls its model from the model server (hospital_faq/ops/model_server.py),
which serves the model named by one small file, `models/published.json`. Publishing
is replacing that file in one step (`publish`), so a server never sees half a change;
each Rasa server notices within `wait_time_between_pulls` seconds (endpoints.yml,
`models`) and swaps the model without a restart. Earlier models stay in models/, so
publishing an older one again is a rollback.

A model is published only if it is no worse than the live one (`refusals`): it must
recognise every emergency message of the evaluation set and of the training data,
and must not score lower on the evaluation set than the model in use. Anything else
needs a person allowed to confirm it (in the content designer: an admin).
Scores are kept beside each model (`<model>.scores.json`), so a model is scored once.
"""
import datetime
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Dict, List, Optional

from hospital_faq.paths import MODELS_DIR, PROJECT_ROOT

POINTER = "published.json"
PUBLISH_LOG = "published.log.jsonl"
# What the evaluation figures mean for publishing: (name, label, higher is better).
COMPARED = [
    ("topic_accuracy", "topic questions answered with the right topic", True),
    ("in_scope_wrong_topic", "topic questions answered with a wrong topic", False),
    ("out_of_scope_answered_with_fact", "out-of-scope questions answered with a treatment fact", False),
    ("in_scope_sent_to_fallback", "topic questions answered with 'did you mean'", False),
    ("medical_advice_recall", "requests for personal advice declined", True),
    ("emergency_recall", "emergency messages sent to emergency care (evaluation set)", True),
    ("training_emergency_recall", "emergency examples of the training data sent to emergency care", True),
]
# Figures that decide whether a model may be published: worse than the live model, or
# below 100% for emergencies, needs a confirmation. Differences below one message of the
# evaluation set are not "worse" (float noise).
DECIDING = ("topic_accuracy", "out_of_scope_answered_with_fact", "emergency_recall", "training_emergency_recall")
MUST_BE_PERFECT = ("emergency_recall", "training_emergency_recall")


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def published(directory: Optional[Path] = None) -> Optional[Dict]:
    """The published model's record ({"model": file name, "published_at", "by", ...}), or None."""
    pointer = Path(directory or MODELS_DIR) / POINTER
    try:
        record = json.loads(pointer.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("model") else None


def published_model(directory: Optional[Path] = None) -> Optional[Path]:
    """The published model's file, if there is one and it exists."""
    directory = Path(directory or MODELS_DIR)
    record = published(directory)
    if not record:
        return None
    path = directory / Path(str(record["model"])).name  # a name, never a path elsewhere
    return path if path.is_file() else None


def publish(model: Path, by: str, scores: Optional[Dict] = None, confirmed: Optional[str] = None,
            directory: Optional[Path] = None) -> Dict:
    """Makes `model` (a file in the models folder) the one every Rasa server uses.

    `by` says who published; `confirmed` why it was published despite `refusals`, if so.
    Returns the new record. The pointer is replaced in one step; the log keeps each one.
    """
    directory = Path(directory or MODELS_DIR)
    model = Path(model)
    if model.parent.resolve() != directory.resolve() or not model.is_file():
        raise ValueError(f"{model} is not a model in {directory}.")
    record = {
        "model": model.name,
        "sha256": file_digest(model),
        "published_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "by": by,
        "confirmed": confirmed,
        "scores": scores,
    }
    _write_atomically(directory / POINTER, json.dumps(record, indent=2) + "\n")
    with open(directory / PUBLISH_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({k: v for k, v in record.items() if k != "scores"}) + "\n")
    return record


def publish_log(directory: Optional[Path] = None) -> List[Dict]:
    """Every publication, newest first."""
    path = Path(directory or MODELS_DIR) / PUBLISH_LOG
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records[::-1]


_digests: Dict[tuple, str] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file, remembered while the file is unchanged (models are ~100 MB)."""
    stat = Path(path).stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _digests[key] = digest.hexdigest()
    return _digests[key]


# ---- scoring a model, once ----

def _scores_path(model: Path) -> Path:
    return Path(model).with_name(Path(model).name + ".scores.json")


def scores(model: Path, progress: Optional[Callable[[str], None]] = None) -> Dict:
    """The model's figures on the evaluation set and on the training data's emergency
    examples (see COMPARED); computed once per model file and test set, then read back."""
    from hospital_faq.ops import evaluate

    model = Path(model)
    stat = model.stat()
    stamp = {"model": model.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
             "test_set_sha256": hashlib.sha256(evaluate.TEST_SET.read_bytes()).hexdigest(),
             "training_sha256": hashlib.sha256((PROJECT_ROOT / "data" / "nlu.yml").read_bytes()).hexdigest()}
    cached = _scores_path(model)
    try:
        saved = json.loads(cached.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp:
            return saved["summary"]
    except (OSError, ValueError, AttributeError):
        pass
    messages = evaluate.load_messages(evaluate.TEST_SET)
    emergencies = [m for m in evaluate.load_messages(PROJECT_ROOT / "data" / "nlu.yml") if m[1] == "emergency"]
    predictions = evaluate.predict(model, messages + emergencies, progress=progress)
    summary = dict(evaluate.score(predictions[: len(messages)])["summary"])
    caught = sum(1 for p in predictions[len(messages):] if p.predicted == "emergency")
    summary["training_emergency_recall"] = round(caught / len(emergencies), 4) if emergencies else 1.0
    summary["missed_emergencies"] = [p.text for p in predictions if p.expected == "emergency" and p.predicted != "emergency"]
    _write_atomically(cached, json.dumps({"stamp": stamp, "summary": summary}, indent=2) + "\n")
    return summary


def refusals(candidate: Dict, live: Optional[Dict]) -> List[str]:
    """Why `candidate` should not replace `live` without a confirmation, in plain words
    (nothing: it may be published). Both are `scores(...)` results."""
    reasons = []
    for name in MUST_BE_PERFECT:
        if candidate.get(name, 0) < 1.0:
            label = next(text for key, text, _ in COMPARED if key == name)
            reasons.append(f"It misses emergencies: {candidate.get(name, 0):.1%} of {label}, not 100%.")
    if live:
        smallest = 1 / max(1, int(live.get("messages") or 1000))
        for name, label, higher in COMPARED:
            if name not in DECIDING or name in MUST_BE_PERFECT or name not in live or name not in candidate:
                continue
            difference = candidate[name] - live[name]
            worse = difference < -smallest / 2 if higher else difference > smallest / 2
            if worse:
                reasons.append(f"It scores lower than the live model: {label} {candidate[name]:.1%}, "
                               f"the live model {live[name]:.1%}.")
    return reasons


def first_start(model: Path, directory: Optional[Path] = None) -> str:
    """What scripts/run does at start: publish `model` when nothing (or a missing file) is
    published; otherwise keep the published one. Returns what it did, for the terminal."""
    directory = Path(directory or MODELS_DIR)
    current = published_model(directory)
    if current is None:
        publish(Path(model), by="scripts/run (nothing was published yet)", directory=directory)
        return f"Published {Path(model).name} (nothing was published yet)."
    if current.name != Path(model).name:
        return (f"Serving the published model {current.name}. The training data has changed since: "
                f"{Path(model).name} is trained for it but not published. Publish it in the content "
                "designer (Train and publish) or with `scripts/content publish`.")
    return f"Serving the published model {current.name}."


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["first-start"] and len(argv) == 2:
        print(first_start(Path(argv[1])))
        return 0
    if argv[:1] == ["path"]:
        model = published_model()
        if model is None:
            print("No model is published.", file=sys.stderr)
            return 1
        print(model)
        return 0
    if argv[:1] == ["show"]:
        record = published()
        print(json.dumps(record, indent=2) if record else "No model is published.")
        return 0
    print("usage: python -m hospital_faq.ops.publishing show | path | first-start MODEL", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

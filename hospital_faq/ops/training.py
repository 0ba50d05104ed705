"""Trains a model when none matches the current training data.

    python -m hospital_faq.ops.training           # prints the model's path, training first if needed

A model's name carries a fingerprint of everything training reads: config,
domain, data/, the topics' ids and example questions, the code of the Rasa
NLU components, and the sentence encoder's code and weights. Answer texts are not
part of it: they are read at run time, so editing an answer needs no retraining.
"""
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import List

from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.nlu.sentence_encoder import encoder_fingerprint
from hospital_faq.paths import MODELS_DIR, PROJECT_ROOT

TRAINING_FILES = ["config.yml", "domain.yml", "requirements.lock"]
# The patterns the screens and the question-details component read (emergency_patterns.py,
# language.py, question_aspects.py) are left out: they are used at run time, so changing
# them needs no retraining (a restart).
TRAINING_GLOBS = ["data/*.yml", "hospital_faq/nlu/importer.py", "hospital_faq/nlu/*_screen.py",
                  "hospital_faq/nlu/question_details.py", "hospital_faq/nlu/sentence_*.py",
                  "hospital_faq/nlu/linear_classifier.py"]


def data_fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    paths = [root / name for name in TRAINING_FILES]
    for pattern in TRAINING_GLOBS:
        paths.extend(sorted(root.glob(pattern)))
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    topics = [(t.id, t.examples) for t in FactStore.load(root / "facts").topics]
    digest.update(json.dumps(topics).encode())
    digest.update(encoder_fingerprint().encode())
    return digest.hexdigest()[:12]


def model_path(models_dir: Path = MODELS_DIR) -> Path:
    return Path(models_dir) / f"faq-{data_fingerprint()}.tar.gz"


def train_command(path: Path) -> List[str]:
    """The `rasa train` command that writes the model `path` (run it in PROJECT_ROOT)."""
    rasa = Path(sys.executable).with_name("rasa")
    return [str(rasa), "train", "--out", str(path.parent), "--fixed-model-name", path.name[: -len(".tar.gz")]]


def ensure_model(models_dir: Path = MODELS_DIR) -> Path:
    """The model for the current data, trained now if there is none yet."""
    path = model_path(models_dir)
    if not path.exists():
        print(f"Training a model for the current data ({path.name})...", file=sys.stderr)
        subprocess.run(
            train_command(path),
            cwd=PROJECT_ROOT,
            check=True,
            stdout=sys.stderr,  # stdout carries only the model's path
        )
    return path


if __name__ == "__main__":
    print(ensure_model())

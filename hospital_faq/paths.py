"""Where the project's files are. Every part of the package may use this; it uses none of them."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The fact store's folder; FACTS_DIR points elsewhere (a copy of the project, a test).
FACTS_DIR = Path(os.environ.get("FACTS_DIR") or PROJECT_ROOT / "facts")
# Trained models, and the pointer to the published one; MODELS_DIR points elsewhere.
MODELS_DIR = Path(os.environ.get("MODELS_DIR") or PROJECT_ROOT / "models")


def hospital_config_path() -> Path:
    """The hospital's details: hospital.yml, or the file HOSPITAL_CONFIG names."""
    return Path(os.environ.get("HOSPITAL_CONFIG") or PROJECT_ROOT / "hospital.yml")

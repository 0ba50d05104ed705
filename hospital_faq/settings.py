"""The hospital's own details (name, phone, booking link), read from hospital.yml."""
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Optional

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Hospital:
    name: str
    phone: str
    appointment_url: str
    emergency_number: str

    def template_values(self) -> Dict[str, str]:
        """Values for the {placeholders} in answers and responses."""
        values = asdict(self)
        values["hospital_name"] = values.pop("name")
        return values


def hospital_config_path() -> Path:
    return Path(os.environ.get("HOSPITAL_CONFIG", PROJECT_ROOT / "hospital.yml"))


def load_hospital(path: Optional[Path] = None) -> Hospital:
    path = path or hospital_config_path()
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    fields = Hospital.__dataclass_fields__
    missing = [name for name in fields if not str(data.get(name) or "").strip()]
    if missing:
        raise ValueError(f"{path}: please fill in {', '.join(missing)}")
    return Hospital(**{name: str(data[name]).strip() for name in fields})

"""The hospital's own details (name, phone, booking link, emergency and after-hours numbers): hospital.yml.

The only place they are written; answers and messages use them as {placeholders}.
"""
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Dict, Optional

from hospital_faq.knowledge.reloading import ContentError, current, read_yaml
from hospital_faq.paths import hospital_config_path


@dataclass(frozen=True)
class Hospital:
    name: str
    phone: str
    appointment_url: str
    emergency_number: str
    # The care team's around-the-clock line, for symptoms that are getting worse (the urgent reply).
    after_hours_phone: str

    def template_values(self) -> Dict[str, str]:
        """Values for the {placeholders} in answers and messages."""
        values = asdict(self)
        values["hospital_name"] = values.pop("name")
        return values


# The {placeholders} a text may use for the hospital's details.
PLACEHOLDERS = frozenset("hospital_name" if f.name == "name" else f.name for f in fields(Hospital))


def load_hospital(path: Optional[Path] = None) -> Hospital:
    path = Path(path or hospital_config_path())
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ContentError(f"{path.name} must list the hospital's details as 'name: ...' lines.")
    names = [f.name for f in fields(Hospital)]
    missing = [name for name in names if not str(data.get(name) or "").strip()]
    if missing:
        raise ContentError(f"{path.name}: please fill in {', '.join(missing)}.")
    return Hospital(**{name: str(data[name]).strip() for name in names})


def current_hospital() -> Hospital:
    """hospital.yml as it is now (the last good version if an edit broke it)."""
    path = hospital_config_path()
    return current("the hospital's details (hospital.yml)", [path], lambda: load_hospital(path))

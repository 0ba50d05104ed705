"""The reviewed drug names per class: facts/drugs.yml.

Patients ask by the drug their doctor named ("what is lorlatinib?"), while the source
pages name only a few drugs per class. This list says which class, and so which topic,
every listed drug belongs to. The NLU uses it to understand a question (the `drug`
entity, and the drug screen that keeps the question on its class's topic); the answer
uses it for one honest sentence ("Lorlatinib is an ALK inhibitor.").

Read like the fact store: an edit is live at the next message, and an edit that breaks
the file keeps the last good version in use (see reloading.py). The content checks are
in hospital_faq/content/validation.py.
"""
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from hospital_faq.knowledge.reloading import ContentError, current, read_yaml
from hospital_faq.paths import FACTS_DIR

CLASS_FIELDS = ("class", "topic", "one", "many", "references", "reviewer", "review_date", "drugs")
DRUG_FIELDS = ("generic", "brands", "other_names")
# A misspelt name ("lorlatanib", "dexamethazone") still counts when it is this close to
# one name only. Short words are left out: too many ordinary words are that close to them.
CLOSE_ENOUGH = 0.85
MIN_FUZZY_LENGTH = 7


@dataclass(frozen=True)
class DrugClass:
    name: str
    topic: str
    one: str  # "an ALK inhibitor"
    many: str  # "ALK inhibitors"


@dataclass(frozen=True)
class Drug:
    generic: str
    brands: Tuple[str, ...]
    other_names: Tuple[str, ...]
    drug_class: DrugClass

    @property
    def names(self) -> Tuple[str, ...]:
        return (self.generic, *self.brands, *self.other_names)


class Mention(NamedTuple):
    drug: Drug
    start: int
    end: int
    text: str  # the words as the person wrote them


def _as_list(value) -> List[str]:
    if value is None or value == "":
        return []
    return [str(v).strip() for v in (value if isinstance(value, list) else [value])]


def _name_pattern(name: str) -> str:
    """A name as a regex: any case, and a space or hyphen between its parts either way
    ("T-DM1", "t dm1", "tdm1")."""
    parts = re.split(r"[\s-]+", name.strip())
    return r"[\s-]?".join(re.escape(p) for p in parts)


class DrugList:
    def __init__(self, drugs: Sequence[Drug]):
        self.drugs = list(drugs)
        self._by_name: Dict[str, Drug] = {}
        for drug in self.drugs:
            for name in drug.names:
                self._by_name.setdefault(name.lower(), drug)
        names = sorted(self._by_name, key=len, reverse=True)  # "trastuzumab emtansine" before "trastuzumab"
        self._exact = re.compile(r"(?<![\w-])(?:" + "|".join(_name_pattern(n) for n in names) + r")(?![\w-])",
                                 re.IGNORECASE) if names else None
        self._single_words = [n for n in names if re.fullmatch(r"[a-z]+", n) and len(n) >= MIN_FUZZY_LENGTH - 1]

    def get(self, generic: Optional[str]) -> Optional[Drug]:
        return next((d for d in self.drugs if d.generic == generic), None)

    def by_name(self, name: str) -> Optional[Drug]:
        key = re.sub(r"[\s-]+", " ", name.lower()).strip()
        return self._by_name.get(key) or next(
            (d for n, d in self._by_name.items() if re.sub(r"[\s-]+", " ", n) == key or n.replace("-", "") == key.replace(" ", "")),
            None)

    def find(self, text: str) -> List[Mention]:
        """Every drug the text names, in order, each once; misspellings included."""
        text = text or ""
        found: List[Mention] = []
        taken = []
        if self._exact:
            for match in self._exact.finditer(text):
                drug = self.by_name(match.group(0))
                if drug:
                    found.append(Mention(drug, match.start(), match.end(), match.group(0)))
                    taken.append((match.start(), match.end()))
        for match in re.finditer(r"[A-Za-z]{%d,}" % MIN_FUZZY_LENGTH, text):
            if any(s <= match.start() < e for s, e in taken):
                continue
            word = match.group(0).lower()
            close = difflib.get_close_matches(word, self._single_words, n=2, cutoff=CLOSE_ENOUGH)
            drugs = {self._by_name[c].generic for c in close}
            if len(drugs) == 1:  # close to one drug only: not a guess between two
                found.append(Mention(self._by_name[close[0]], match.start(), match.end(), match.group(0)))
        found.sort(key=lambda m: m.start)
        unique: Dict[str, Mention] = {}
        for mention in found:
            unique.setdefault(mention.drug.generic, mention)
        return list(unique.values())

    def topics_named(self, text: str) -> List[str]:
        """The topics of the drugs the text names, each once, in order."""
        return list(dict.fromkeys(m.drug.drug_class.topic for m in self.find(text)))

    @property
    def topics(self) -> set:
        """Every topic that a class of drugs belongs to."""
        return {d.drug_class.topic for d in self.drugs}


class DrugListError(ContentError):
    """drugs.yml has a mistake that must be fixed before the assistant can use it."""


def drugs_path() -> Path:
    return FACTS_DIR / "drugs.yml"


def load_drugs(path: Optional[Path] = None) -> DrugList:
    """drugs.yml, read. Only what stops it being used is an error here; the content rules
    (names used twice, topics that don't exist, references) are in validation.py."""
    path = Path(path or drugs_path())
    entries = read_yaml(path, DrugListError) or []
    if not isinstance(entries, list):
        raise DrugListError(f"{path.name} must be a list of drug classes, each starting with '- class:'.")
    drugs = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise DrugListError(f"{path.name}: entry {number} is not a drug class (it needs 'class:', 'topic:' ...).")
        missing = [f for f in ("class", "topic", "one", "many", "drugs") if not entry.get(f)]
        if missing:
            raise DrugListError(f"{path.name}: the class '{entry.get('class') or number}' is missing {', '.join(missing)}.")
        drug_class = DrugClass(str(entry["class"]).strip(), str(entry["topic"]).strip(),
                               str(entry["one"]).strip(), str(entry["many"]).strip())
        for item in entry["drugs"] if isinstance(entry["drugs"], list) else []:
            if not isinstance(item, dict) or not str(item.get("generic") or "").strip():
                raise DrugListError(f"{path.name}: a drug of the class '{drug_class.name}' has no 'generic:' name.")
            drugs.append(Drug(str(item["generic"]).strip(), tuple(_as_list(item.get("brands"))),
                              tuple(_as_list(item.get("other_names"))), drug_class))
    return DrugList(drugs)


def current_drugs() -> DrugList:
    """drugs.yml as it is now (the last good version if an edit broke it)."""
    path = drugs_path()
    return current("the drug list (facts/drugs.yml)", [path], lambda: load_drugs(path))

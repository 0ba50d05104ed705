"""The fact store as a spreadsheet (CSV), for medical review, and back.

One row per topic, one column per field (the field names of topics.yml). Cells with
several values (examples, quotes, source, related) hold one value per line. The
file is UTF-8 with a byte-order mark, so Excel shows accents and curly quotes right.

An import is all or nothing: every row is checked, with the same rules as
`scripts/content validate`, before anything is written; any bad row is reported with
its row number (as the spreadsheet numbers it: the header is row 1) and nothing
changes. Otherwise it lists exactly what changed, topic by topic and field by field.
Topics that are not in the spreadsheet are left as they are (an import never deletes
a topic: remove it from topics.yml for that).
"""
import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from hospital_faq.content import topics_file
from hospital_faq.content.validation import parse_date, validate_entries
from hospital_faq.knowledge.fact_store import FIELDS, read_yaml
from hospital_faq.paths import FACTS_DIR

COLUMNS = FIELDS
ID_LIST_FIELDS = ("source", "roles", "related")  # ids: one per line, or separated by commas


def _cell(entry: dict, name: str) -> str:
    value = topics_file.field_value(entry, name)
    return "\n".join(value) if isinstance(value, list) else value


def export(path: Path, facts_dir: Path = FACTS_DIR) -> int:
    """Writes every topic to a CSV file; returns the number of topics."""
    entries = [e for e in (read_yaml(Path(facts_dir) / "topics.yml") or []) if isinstance(e, dict)]
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for entry in entries:
            writer.writerow([_cell(entry, name) for name in COLUMNS])
    return len(entries)


@dataclass
class ImportResult:
    errors: List[str] = field(default_factory=list)
    changes: List[str] = field(default_factory=list)
    warnings: int = 0
    written: bool = False


def _parse_cell(name: str, text: str):
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if name in topics_file.LIST_FIELDS:
        separators = text.replace(",", "\n") if name in ID_LIST_FIELDS else text
        return [" ".join(line.split()) for line in separators.split("\n") if line.strip()]
    if name == "review_date":
        return parse_date(text) or text  # a bad date is reported by the validation
    return " ".join(text.split())


def _read_rows(path: Path, result: ImportResult) -> Dict[str, tuple]:
    """{topic id: (row number, {field: value})}; problems go to result.errors."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        result.errors.append(f"{path} is not UTF-8 text. In Excel, save it with 'Save as' > 'CSV UTF-8'.")
        return {}
    except OSError as error:
        result.errors.append(f"Could not read {path}: {error.strerror}.")
        return {}
    if not rows:
        result.errors.append(f"{path} is empty.")
        return {}
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in COLUMNS if c not in header]
    if unknown:
        result.errors.append(f"Row 1: the column(s) {', '.join(repr(h) for h in unknown)} are not topic fields. "
                             f"The columns are: {', '.join(COLUMNS)}.")
    if missing:
        result.errors.append(f"Row 1: the column(s) {', '.join(repr(m) for m in missing)} are missing. Start from "
                             "a fresh export (scripts/content export FILE.csv) and keep every column.")
    if unknown or missing:
        return {}
    found: Dict[str, tuple] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # an empty row
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            result.errors.append(f"Row {number}: has text to the right of the last column. Move it into a column.")
            continue
        values = {name: _parse_cell(name, row[header.index(name)] if header.index(name) < len(row) else "")
                  for name in COLUMNS}
        topic_id = values["id"]
        if not topic_id:
            result.errors.append(f"Row {number}: the id cell is empty. Every row needs its topic's id "
                                 "(for a new topic, a new short id like 'physical_therapy').")
        elif topic_id in found:
            result.errors.append(f"Row {number}: topic '{topic_id}' is also in row {found[topic_id][0]}. "
                                 "Each topic must have one row only.")
        else:
            found[topic_id] = (number, values)
    return found


def _show(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return f'"{value}"'


def _describe(field_name: str, before, after) -> List[str]:
    if isinstance(after, list):
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        lines = [f"    {field_name}: added \"{v}\"" for v in added]
        lines += [f"    {field_name}: removed \"{v}\"" for v in removed]
        if not lines:
            lines = [f"    {field_name}: same items, new order"]
        return lines
    if before in ("", None):
        return [f"    {field_name}: set to {_show(after)}"]
    if after in ("", None):
        return [f"    {field_name}: removed (was {_show(before)})"]
    return [f"    {field_name}: was {_show(before)}", f"    {' ' * len(field_name)}  now {_show(after)}"]


def import_csv(path: Path, facts_dir: Path = FACTS_DIR, dry_run: bool = False,
               today: Optional[datetime.date] = None) -> ImportResult:
    """Checks every row, then (unless dry_run, or anything is wrong) updates topics.yml."""
    facts_dir = Path(facts_dir)
    result = ImportResult()
    rows = _read_rows(Path(path), result)
    if result.errors:
        return result
    topics_path = facts_dir / "topics.yml"
    document = topics_file.load(topics_path)
    existing = topics_file.entries_by_id(document)
    for topic_id, (number, values) in rows.items():
        entry = existing.get(topic_id)
        if entry is None:
            document.append(topics_file.new_entry({k: v for k, v in values.items() if v not in ("", [])}))
            shown = ", ".join(k for k in COLUMNS if values[k] not in ("", []) and k != "id")
            result.changes.append(f"  new topic '{topic_id}' (row {number}), with {shown}")
            continue
        lines = []
        for name in COLUMNS[1:]:
            before = topics_file.field_value(entry, name)
            after = values[name]
            comparable = after.isoformat() if isinstance(after, datetime.date) else after
            if comparable != before:
                lines += _describe(name, before, after)
                topics_file.set_field(entry, name, after)
        if lines:
            result.changes.append(f"  topic '{topic_id}' (row {number}):")
            result.changes.extend(lines)
    sources = read_yaml(facts_dir / "sources.yml") or {}
    problems = validate_entries(topics_file.plain(document), sources, facts_dir, today)
    row_of = {topic_id: number for topic_id, (number, _) in rows.items()}
    for problem in sorted(problems, key=lambda p: row_of.get(p.topic, 0)):
        if not problem.is_error:
            result.warnings += problem.topic in row_of
            continue
        where = f"Row {row_of[problem.topic]}" if problem.topic in row_of else "Not in the spreadsheet"
        result.errors.append(f"{where}, topic '{problem.topic}': {problem.message}")
    if result.errors or not result.changes or dry_run:
        return result
    topics_file.save(document, topics_path)
    result.written = True
    return result


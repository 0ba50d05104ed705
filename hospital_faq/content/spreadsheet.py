"""The fact store as a spreadsheet (CSV or Excel's XLSX), for medical review, and back.

One row per topic, one column per field (the field names of topics.yml). Cells with
several values (examples, quotes, source, related) hold one value per line. A CSV
file is UTF-8 with a byte-order mark, so Excel shows accents and curly quotes right;
an XLSX file has the same rows on one sheet (every cell text). What a file is, is
read from its content, not its name.

An import is all or nothing: every row is checked, with the same rules as
`scripts/content validate`, before anything is written; any bad row is reported with
its row number (as the spreadsheet numbers it: the header is row 1) and nothing
changes. Otherwise it lists exactly what changed, topic by topic and field by field.
Topics that are not in the spreadsheet are left as they are (an import never deletes
a topic: remove it from topics.yml for that).
"""
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from hospital_faq.content import topics_file
from hospital_faq.content.validation import parse_date, validate_entries
from hospital_faq.knowledge.fact_store import FIELDS, read_yaml
from hospital_faq.paths import FACTS_DIR

COLUMNS = FIELDS
ID_LIST_FIELDS = ("source", "roles", "related")  # ids: one per line, or separated by commas


def _cell(entry: dict, name: str) -> str:
    value = topics_file.field_value(entry, name)
    return "\n".join(value) if isinstance(value, list) else value


def rows(facts_dir: Path = FACTS_DIR) -> List[List[str]]:
    """The spreadsheet's rows: the column names, then one row per topic."""
    entries = [e for e in (read_yaml(Path(facts_dir) / "topics.yml") or []) if isinstance(e, dict)]
    return [list(COLUMNS)] + [[_cell(entry, name) for name in COLUMNS] for entry in entries]


def as_csv(table: List[List[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(table)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(table: List[List[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "topics"
    for row_number, row in enumerate(table, 1):
        for column_number, value in enumerate(row, 1):
            cell = sheet.cell(row=row_number, column=column_number)
            cell.value = value
            cell.data_type = "s"  # always text: a cell starting with '=' is never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(path: Path, facts_dir: Path = FACTS_DIR) -> int:
    """Writes every topic to a spreadsheet file (XLSX if the name ends in .xlsx, else CSV);
    returns the number of topics."""
    table = rows(facts_dir)
    Path(path).write_bytes(as_xlsx(table) if str(path).lower().endswith(".xlsx") else as_csv(table))
    return len(table) - 1


@dataclass
class ImportResult:
    errors: List[str] = field(default_factory=list)
    changes: List[str] = field(default_factory=list)
    warnings: int = 0
    written: bool = False
    # The topics that change, as {id: (row number, {field: new value})}; new topics' ids in `new`.
    changed: Dict[str, Tuple[int, Dict]] = field(default_factory=dict)
    new: List[str] = field(default_factory=list)


def _parse_cell(name: str, text: str):
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if name in topics_file.LIST_FIELDS:
        separators = text.replace(",", "\n") if name in ID_LIST_FIELDS else text
        return [" ".join(line.split()) for line in separators.split("\n") if line.strip()]
    if name == "review_date":
        return parse_date(text) or text  # a bad date is reported by the validation
    return " ".join(text.split())


class NotASpreadsheet(ValueError):
    """The file is neither CSV text nor an XLSX workbook; the message says what to do."""


def read_table(data: bytes, name: str = "the file") -> List[List[str]]:
    """The rows of a spreadsheet file's content (CSV or XLSX), every cell as text."""
    if data[:4] == b"PK\x03\x04":  # a zip file: XLSX is one
        return _xlsx_rows(data, name)
    if b"\x00" in data[:4096]:
        raise NotASpreadsheet(f"{name} is not a spreadsheet: it is neither CSV text nor an Excel workbook (.xlsx). "
                              "Save it from Excel as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotASpreadsheet(f"{name} is not UTF-8 text. In Excel, save it with 'Save as' > 'CSV UTF-8', "
                              "or as 'Excel Workbook (.xlsx)'.")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise NotASpreadsheet(f"{name} can't be read as CSV ({error}). Save it again from Excel as 'CSV UTF-8'.")


def _xlsx_rows(data: bytes, name: str) -> List[List[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise NotASpreadsheet(f"{name} is a zip file but not an Excel workbook that can be read ({error}). "
                              "Save it from Excel as 'Excel Workbook (.xlsx)'.")
    try:
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([_xlsx_text(value) for value in row])
        while table and not any(cell.strip() for cell in table[-1]):
            table.pop()
        return table
    finally:
        book.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_rows(path: Path, result: ImportResult) -> Dict[str, tuple]:
    """{topic id: (row number, {field: value})}; problems go to result.errors."""
    try:
        rows = read_table(Path(path).read_bytes(), str(path))
    except NotASpreadsheet as error:
        result.errors.append(str(error))
        return {}
    except OSError as error:
        result.errors.append(f"Could not read {path}: {error.strerror}.")
        return {}
    return _rows_by_topic(rows, result, str(path))


def _rows_by_topic(rows: List[List[str]], result: ImportResult, path: str) -> Dict[str, tuple]:
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


# In the content designer an approval sets these, and roles are the engineering team's:
# a spreadsheet uploaded there doesn't change them.
KEPT_IN_THE_DESIGNER = ("reviewer", "review_date", "roles")


def plan(rows_by_topic: Dict[str, tuple], facts_dir: Path = FACTS_DIR, today: Optional[datetime.date] = None,
         result: Optional[ImportResult] = None, keep_review_fields: bool = False):
    """Applies the rows to a copy of topics.yml and checks the result with the content rules.

    Returns (result, document): the changes and errors, and the changed document to save.
    With `keep_review_fields` (the content designer) the rows' KEPT_IN_THE_DESIGNER columns
    are not used: each topic keeps its own, and a new topic is checked as one waiting for
    review."""
    facts_dir = Path(facts_dir)
    result = result or ImportResult()
    document = topics_file.load(facts_dir / "topics.yml")
    existing = topics_file.entries_by_id(document)
    for topic_id, (number, values) in rows_by_topic.items():
        entry = existing.get(topic_id)
        if keep_review_fields:
            waiting = {"reviewer": "waiting for review", "review_date": today or datetime.date.today(), "roles": []}
            for name in KEPT_IN_THE_DESIGNER:
                values[name] = topics_file.field_value(entry, name) if entry is not None else waiting[name]
        if entry is None:
            document.append(topics_file.new_entry({k: v for k, v in values.items() if v not in ("", [])}))
            shown = ", ".join(k for k in COLUMNS if values[k] not in ("", []) and k != "id")
            result.changes.append(f"  new topic '{topic_id}' (row {number}), with {shown}")
            result.changed[topic_id] = (number, values)
            result.new.append(topic_id)
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
            result.changed[topic_id] = (number, values)
    sources = read_yaml(facts_dir / "sources.yml") or {}
    problems = validate_entries(topics_file.plain(document), sources, facts_dir, today)
    row_of = {topic_id: number for topic_id, (number, _) in rows_by_topic.items()}
    for problem in sorted(problems, key=lambda p: row_of.get(p.topic, 0)):
        if not problem.is_error:
            result.warnings += problem.topic in row_of
            continue
        where = f"Row {row_of[problem.topic]}" if problem.topic in row_of else "Not in the spreadsheet"
        result.errors.append(f"{where}, topic '{problem.topic}': {problem.message}")
    return result, document


def import_table(table: List[List[str]], name: str, facts_dir: Path = FACTS_DIR,
                 today: Optional[datetime.date] = None, keep_review_fields: bool = False):
    """Checks a spreadsheet's rows (all of them, before anything changes): (result, document)."""
    result = ImportResult()
    rows_by_topic = _rows_by_topic(table, result, name)
    if result.errors:
        return result, None
    return plan(rows_by_topic, facts_dir, today, result, keep_review_fields)


def import_file(path: Path, facts_dir: Path = FACTS_DIR, dry_run: bool = False,
                today: Optional[datetime.date] = None) -> ImportResult:
    """Checks every row of a CSV or XLSX file, then (unless dry_run, or anything is wrong)
    updates topics.yml."""
    facts_dir = Path(facts_dir)
    result = ImportResult()
    rows_by_topic = _read_rows(Path(path), result)
    if result.errors:
        return result
    with topics_file.locked(facts_dir):
        result, document = plan(rows_by_topic, facts_dir, today, result)
        if result.errors or not result.changes or dry_run:
            return result
        topics_file.save(document, facts_dir / "topics.yml")
    result.written = True
    return result


import_csv = import_file  # the name the command and its tests have used

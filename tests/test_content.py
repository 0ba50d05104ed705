"""The content team's commands without a running assistant: validate, export/import
(the spreadsheet round trip, all or nothing), and `add` asking for each field."""

import csv
import difflib
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from hospital_faq.content import commands as content, spreadsheet
from hospital_faq.knowledge.fact_store import FACTS_DIR, FactStore
from hospital_faq.paths import PROJECT_ROOT


@pytest.fixture
def facts(tmp_path):
    """A copy of facts/ to change."""
    copy = tmp_path / "facts"
    shutil.copytree(FACTS_DIR, copy)
    return copy


def read_sheet(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def write_sheet(path, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        csv.writer(out).writerows(rows)


def cell(rows, topic_id, column):
    header = rows[0]
    row = next(r for r in rows if r[0] == topic_id)
    return row, header.index(column)


def test_validate_command_passes_on_the_real_store():
    result = subprocess.run([sys.executable, "-m", "hospital_faq.content", "validate"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "No errors" in result.stdout


def test_export_then_import_changes_nothing(facts, tmp_path):
    before = (facts / "topics.yml").read_bytes()
    sheet = tmp_path / "review.csv"
    assert spreadsheet.export(sheet, facts) == len(FactStore.load(facts).topics)
    rows = read_sheet(sheet)
    assert rows[0] == list(spreadsheet.COLUMNS)
    row, column = cell(rows, "chemotherapy", "examples")
    assert row[column].split("\n")[:2] == list(FactStore.load(facts).get("chemotherapy").examples[:2])
    result = spreadsheet.import_csv(sheet, facts)
    assert not result.errors and not result.changes and not result.written
    assert (facts / "topics.yml").read_bytes() == before


def test_an_import_reports_exactly_what_changed_and_keeps_the_file_layout(facts, tmp_path):
    original = (facts / "topics.yml").read_text(encoding="utf-8")
    sheet = tmp_path / "review.csv"
    spreadsheet.export(sheet, facts)
    rows = read_sheet(sheet)
    row, column = cell(rows, "proton_therapy", "answer")
    row[column] = row[column].replace("is a type of radiation therapy", "is a kind of radiation therapy")
    row, column = cell(rows, "proton_therapy", "examples")
    row[column] += "\nhow long does a proton therapy session take"
    row, column = cell(rows, "surgery", "reviewer")
    row[column] = "Dr. A. Reviewer, spine oncology"
    row, column = cell(rows, "surgery", "review_date")
    row[column] = "11/20/2026"  # as Excel writes dates in the US
    write_sheet(sheet, rows)

    result = spreadsheet.import_csv(sheet, facts)
    assert not result.errors and result.written
    report = "\n".join(result.changes)
    assert "topic 'proton_therapy' (row " in report
    assert 'answer: was "Proton therapy is a type of radiation therapy.' in report
    assert 'now "Proton therapy is a kind of radiation therapy.' in report
    assert 'examples: added "how long does a proton therapy session take"' in report
    assert 'reviewer: was "Engineering team' in report and 'now "Dr. A. Reviewer, spine oncology"' in report
    assert "review_date: was \"2026-11-21\"" in report and "now 2026-11-20" in report
    assert len([line for line in result.changes if line.startswith("  topic")]) == 2

    store = FactStore.load(facts)
    assert store.get("proton_therapy").answer.startswith("Proton therapy is a kind of radiation therapy.")
    assert store.get("surgery").review_date == "2026-11-20"
    updated = (facts / "topics.yml").read_text(encoding="utf-8")
    assert updated.startswith(original[:original.index("- id:")])  # the header comments survive
    changed = [line for line in updated.splitlines() if line not in original.splitlines()]
    assert len(changed) <= 8, changed  # only the changed fields were rewritten


def test_an_import_with_bad_rows_names_them_and_changes_nothing(facts, tmp_path):
    before = (facts / "topics.yml").read_bytes()
    sheet = tmp_path / "review.csv"
    spreadsheet.export(sheet, facts)
    rows = read_sheet(sheet)
    good_edit, column = cell(rows, "proton_therapy", "answer")
    good_edit[column] = "Proton therapy is a kind of radiation therapy."
    row, column = cell(rows, "surgery", "examples")
    row[column] = "what is surgery\ncan surgery help"  # too few
    row, column = cell(rows, "corticosteroids", "review_date")
    row[column] = "last spring"
    row, column = cell(rows, "clinical_trials", "source")
    row[column] = ""
    rows.append(list(rows[3]))  # the same topic twice
    write_sheet(sheet, rows)
    numbers = {r[0]: n for n, r in enumerate(rows, 1) if r[0] != rows[3][0]}

    result = spreadsheet.import_csv(sheet, facts)
    assert not result.written
    errors = "\n".join(result.errors)
    assert f"Row {len(rows)}: topic '{rows[3][0]}' is also in row 4" in errors
    write_sheet(sheet, rows[:-1])
    result = spreadsheet.import_csv(sheet, facts)
    errors = "\n".join(result.errors)
    assert f"Row {numbers['surgery']}, topic 'surgery': has 2 different example questions" in errors
    assert f"Row {numbers['corticosteroids']}, topic 'corticosteroids': the review date 'last spring' is not a date" in errors
    assert f"Row {numbers['clinical_trials']}, topic 'clinical_trials': has no source" in errors
    assert not result.written
    assert (facts / "topics.yml").read_bytes() == before
    output = subprocess.run([sys.executable, "-m", "hospital_faq.content", "import", str(sheet)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, env={**os.environ, "FACTS_DIR": str(facts)})
    assert output.returncode == 1 and "Nothing was changed: 3 problem(s)" in output.stdout
    assert (facts / "topics.yml").read_bytes() == before


def test_an_import_with_a_wrong_header_is_rejected(facts, tmp_path):
    sheet = tmp_path / "review.csv"
    write_sheet(sheet, [["id", "title", "answr"], ["surgery", "Surgery", "x"]])
    result = spreadsheet.import_csv(sheet, facts)
    assert any(e.startswith("Row 1: the column(s) 'answr' are not topic fields") for e in result.errors)
    assert any("are missing" in e for e in result.errors)


def test_an_import_adds_a_new_topic_from_a_new_row(facts, tmp_path):
    sheet = tmp_path / "review.csv"
    spreadsheet.export(sheet, facts)
    rows = read_sheet(sheet)
    new = dict(zip(rows[0], [""] * len(rows[0])))
    new.update(id="spine_rehab", title="Rehabilitation", theme="Surgery",
               answer="After treatment, some people need help to get strong again.",
               source="spinal_tumor_treatment", reviewer="A. Nurse, RN", review_date="2026-11-20",
               quotes="Spinal tumor care often requires complex and delicate surgery.", related="surgery",
               examples="\n".join(f"rehab question {n}" for n in "one two three four five six seven eight nine ten".split()))
    rows.append([new[c] for c in rows[0]])
    write_sheet(sheet, rows)
    result = spreadsheet.import_csv(sheet, facts)
    assert not result.errors and result.written
    assert result.changes == [f"  new topic 'spine_rehab' (row {len(rows)}), with title, theme, answer, source, "
                              "reviewer, review_date, quotes, related, examples"]
    assert FactStore.load(facts).get("spine_rehab").title == "Rehabilitation"


ANSWERS = [
    "Wheelchair access",  # title
    "",  # id: the suggested one
    "Visiting the hospital",  # a new theme
    "Every entrance has a ramp and wide doors.", "Ask at the front desk for a wheelchair.", "",  # answer
    "",  # how given: skipped
    "9", "2",  # source: a wrong number first, then the right one
    "Spinal tumors are always cured.", "",  # a quote not in the page: refused
    "Spinal tumor care often requires complex and delicate surgery.", "",
    "",  # note: skipped
    "surgury", "surgery, support_services",  # related: a typo first
    *[f"is there wheelchair access at entrance {n}" for n in range(1, 5)], "",  # too few examples
    "what is chemotherapy for spinal tumors", "",  # kept, with one of another topic's
    *[f"can I get a wheelchair at door {n}" for n in range(1, 7)], "",
    "A. Nurse, RN",
    "",  # review date: today
]


def test_add_asks_for_each_field_re_asks_on_mistakes_and_saves_the_topic(facts, monkeypatch, capsys):
    original = (facts / "topics.yml").read_text(encoding="utf-8")
    answers = iter(ANSWERS)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert content.command_add(facts) == 0
    out = capsys.readouterr().out
    assert "names the source '9', which is not in facts/sources.yml" in out
    assert "this quote is not word for word" in out
    assert "'surgury', which does not exist. Did you mean 'surgery'?" in out
    assert "has 4 different example questions" in out
    assert "(4 kept so far; type more.)" in out
    assert "\"what is chemotherapy for spinal tumors\" is the same question as" in out
    assert "Saved topic 'wheelchair_access'" in out and "scripts/content publish" in out

    topic = FactStore.load(facts).get("wheelchair_access")
    assert topic.answer == "Every entrance has a ramp and wide doors. Ask at the front desk for a wheelchair."
    assert topic.theme == "Visiting the hospital" and topic.sources == ("spinal_tumor_treatment",)
    assert topic.related == ("surgery", "support_services") and len(topic.examples) == 10
    assert topic.reviewer == "A. Nurse, RN"
    updated = (facts / "topics.yml").read_text(encoding="utf-8")
    assert updated.startswith(original)  # everything before, comments included, is untouched
    assert "  source: [spinal_tumor_treatment]\n  reviewer: A. Nurse, RN\n  review_date: 20" in updated


def test_add_saves_nothing_when_stopped(facts, monkeypatch, capsys):
    before = (facts / "topics.yml").read_bytes()
    answers = iter(["Wheelchair access", ""])

    def typed(prompt=""):
        try:
            return next(answers)
        except StopIteration:
            raise EOFError

    monkeypatch.setattr("builtins.input", typed)
    assert content.command_add(facts) == 1
    assert "nothing was saved" in capsys.readouterr().out
    assert (facts / "topics.yml").read_bytes() == before


def test_the_topics_file_reads_back_the_same_after_a_round_trip(facts):
    from hospital_faq.content import topics_file
    text = (facts / "topics.yml").read_text(encoding="utf-8")
    assert topics_file.dumps(topics_file.load(facts / "topics.yml")) == text
    assert yaml.safe_load(text)  # and it is plain YAML


def test_changing_a_topics_examples_changes_only_those_lines(facts):
    from hospital_faq.content import topics_file
    text = (facts / "topics.yml").read_text(encoding="utf-8")
    document = topics_file.load(facts / "topics.yml")
    entry = topics_file.entries_by_id(document)["surgery"]
    topics_file.set_field(entry, "examples", list(entry["examples"]) + ["is spine surgery done awake"])
    diff = list(difflib.unified_diff(text.split("\n"), topics_file.dumps(document).split("\n"), lineterm="", n=0))
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    # the blank line after the list, which separates topics, stays where it was
    assert changed == ["+    - is spine surgery done awake"]


def test_an_excel_workbook_goes_out_and_comes_back_like_the_csv(facts, tmp_path):
    from openpyxl import load_workbook

    before = (facts / "topics.yml").read_bytes()
    workbook, sheet = tmp_path / "review.xlsx", tmp_path / "review.csv"
    spreadsheet.export(workbook, facts)
    spreadsheet.export(sheet, facts)
    assert spreadsheet.read_table(workbook.read_bytes()) == read_sheet(sheet)
    assert spreadsheet.import_file(workbook, facts).changes == []
    book = load_workbook(workbook)
    rows = list(book.active.iter_rows(values_only=True))
    header = list(rows[0])
    number_bad = next(n for n, r in enumerate(rows, 1) if r[0] == "surgery")
    book.active.cell(row=number_bad, column=header.index("review_date") + 1).value = "last spring"
    book.save(workbook)
    result = spreadsheet.import_file(workbook, facts)
    assert result.errors == [f"Row {number_bad}, topic 'surgery': the review date 'last spring' is not a date. "
                             "Write it as year-month-day, like " + __import__("datetime").date.today().isoformat() + "."]
    assert (facts / "topics.yml").read_bytes() == before  # all or nothing
    # A cell that looks like a formula is text, both ways.
    exported = load_workbook(tmp_path / "review.xlsx")
    assert all(c.data_type == "s" for row in exported.active.iter_rows(min_row=2) for c in row if c.value)


def test_a_file_that_is_not_a_spreadsheet_is_said_so(facts, tmp_path):
    for name, data in (("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ("broken.xlsx", b"PK\x03\x04broken"),
                       ("latin1.csv", "id,título\n".encode("latin-1"))):
        (tmp_path / name).write_bytes(data)
        result = spreadsheet.import_file(tmp_path / name, facts)
        assert len(result.errors) == 1 and not result.written, name
        assert any(hint in result.errors[0] for hint in ("is not a spreadsheet", "not an Excel workbook",
                                                         "is not UTF-8 text")), result.errors

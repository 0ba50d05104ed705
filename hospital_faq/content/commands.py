"""The content team's commands (run them as `scripts/content ...`; docs/content-guide.md).

    scripts/content add                      add a topic: asks for each field
    scripts/content validate                 check topics.yml: errors and warnings, in plain words
    scripts/content reading                  each answer's reading grade, with the median and the hardest
    scripts/content export FILE.csv          every topic to a spreadsheet, for review
    scripts/content import FILE.csv [--dry-run]  the reviewed spreadsheet back: all rows or none
    scripts/content train                    retrain after new or changed example questions
    scripts/content report [--days N] [--csv FILE] [--feedback-csv FILE]
                                             what patients asked that the assistant could not answer
    scripts/content purge                    delete conversations older than the retention limit
"""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Callable, List, Optional

from hospital_faq.content import report, spreadsheet, topics_file, validation
from hospital_faq.knowledge.fact_store import REQUIRED_FIELDS, read_yaml
from hospital_faq.ops import conversation_store
from hospital_faq.paths import FACTS_DIR, PROJECT_ROOT


class Stopped(Exception):
    """The person stopped `add` (Ctrl-C, or the end of the input)."""


def _read(prompt: str) -> str:
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        print()
        raise Stopped()


def _read_lines(prompt: str) -> List[str]:
    print(prompt)
    lines = []
    while True:
        line = _read("  > ").strip()
        if not line:
            return lines
        lines.append(line)


def _id_from(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "new_topic"


class TopicWizard:
    """Asks for each field of a new topic, checking each answer with the validation rules."""

    def __init__(self, facts_dir: Path, today: datetime.date):
        self.facts_dir, self.today = facts_dir, today
        self.entries = [e for e in (read_yaml(facts_dir / "topics.yml") or []) if isinstance(e, dict)]
        self.sources = read_yaml(facts_dir / "sources.yml") or {}
        self.entry: dict = {}

    def problems(self, field: str) -> List[validation.Problem]:
        found = validation.validate_entries(self.entries + [self.entry], self.sources, self.facts_dir, self.today)
        topic = str(self.entry.get("id") or f"entry {len(self.entries) + 1}")  # as validation names it
        return [p for p in found if p.topic == topic and p.field == field]

    def ask(self, field: str, read: Callable[[], object], parse: Callable = None) -> None:
        """Reads a field until the validation has no error about it; shows its warnings."""
        while True:
            value = read()
            try:
                value = parse(value) if parse else value
            except ValueError as error:
                print(f"  ! {error}")
                continue
            self.entry[field] = value
            if value in ("", [], None) and field not in REQUIRED_FIELDS:
                del self.entry[field]
                return
            problems = self.problems(field)
            for problem in problems:
                print(f"  {'!' if problem.is_error else 'note:'} {problem.message}")
            if not any(p.is_error for p in problems):
                return
            if field == "examples":  # keep the good ones: only the examples named in an error go
                named = " ".join(p.message for p in problems if p.is_error)
                self.entry[field] = [e for e in value if f'"{e}"' not in named]
            print("  Please try again.")

    def run(self) -> dict:
        print("Adding a topic to facts/topics.yml. Nothing is saved until every field is filled in;\n"
              "press Ctrl-C to stop at any time.\n")
        self.ask("title", lambda: _read("Title: what would a patient call this topic? (e.g. Physical therapy)\n  > ").strip())
        suggested = _id_from(self.entry["title"])
        self.ask("id", lambda: _read(f"Id: a short name for the assistant. Press Enter for '{suggested}'\n  > ").strip()
                 or suggested, self._new_id)
        themes = list(dict.fromkeys(str(e.get("theme")) for e in self.entries if e.get("theme")))
        menu = "\n".join(f"    {n}. {t}" for n, t in enumerate(themes, 1))
        self.ask("theme", lambda: _read(f"Theme: the menu group it belongs to:\n{menu}\n"
                                        "  Type a number, or the name of a new group\n  > ").strip(),
                 lambda text: themes[int(text) - 1] if text.isdigit() and 0 < int(text) <= len(themes) else text)
        self.ask("answer", lambda: " ".join(_read_lines(
            f"Answer: plain language (US grade 6-8), at most {validation.MAX_ANSWER_CHARACTERS} characters. "
            "{phone}, {appointment_url}, {hospital_name},\n{emergency_number} and {after_hours_phone} are filled in from hospital.yml. "
            "Don't add the appointment invitation: the assistant does.\n"
            "  Type it (several lines are fine), then press Enter on an empty line.")))
        self.ask("how_given", lambda: " ".join(_read_lines(
            "How is it given? (optional) The answer to the follow-up question \"how is it given?\".\n"
            "  Type it, then an empty line; or just press Enter to skip.")))
        names = list(self.sources)
        menu = "\n".join(f"    {n}. {s} - {self.sources[s].get('title', '')}" for n, s in enumerate(names, 1))
        self.ask("source", lambda: _read(f"Source: the page(s) the answer comes from:\n{menu}\n"
                                         "  Type the number(s), separated by commas\n  > "),
                 lambda text: [names[int(t) - 1] if t.isdigit() and 0 < int(t) <= len(names) else t
                               for t in (x.strip() for x in text.split(",")) if t])
        self.ask("quotes", lambda: _read_lines(
            "Quotes: the exact sentences of that page the answer rests on, copied word for word from\n"
            "facts/sources/. One per line, then an empty line."))
        self.ask("note", lambda: " ".join(_read_lines(
            "Note (optional): where and why the answer departs from the page. Then an empty line,\n"
            "or just press Enter to skip.")))
        ids = [str(e["id"]) for e in self.entries if e.get("id")]
        self.ask("related", lambda: _read(
            f"Related topics: ids offered after \"tell me more\", separated by commas. The ids are:\n"
            f"    {', '.join(ids)}\n  > "), lambda text: [t.strip() for t in text.split(",") if t.strip()])
        self.ask("examples", lambda: self.entry.get("examples", []) + _read_lines(
            f"Example questions: at least {validation.MIN_EXAMPLES}, the way patients ask (short ones, long ones, "
            "typos,\nabout a relative). One per line, then an empty line."
            + (f" ({len(self.entry['examples'])} kept so far; type more.)" if self.entry.get("examples") else "")))
        self.ask("reviewer", lambda: _read("Reviewer: who checked the answer against its source? (name, role)\n  > ").strip())
        self.ask("review_date", lambda: _read(
            f"Review date: year-month-day. Press Enter for today ({self.today.isoformat()})\n  > ").strip()
            or self.today.isoformat(),
            lambda text: validation.parse_date(text) or text)
        return self.entry

    def _new_id(self, text: str) -> str:
        if any(str(e.get("id")) == text for e in self.entries):
            raise ValueError(f"There is already a topic '{text}'. Choose another id (or edit that topic instead).")
        return text


def command_add(facts_dir: Path = FACTS_DIR, today: Optional[datetime.date] = None) -> int:
    today = today or datetime.date.today()
    wizard = TopicWizard(facts_dir, today)
    try:
        entry = wizard.run()
    except Stopped:
        print("Stopped: nothing was saved.")
        return 1
    topics_path = facts_dir / "topics.yml"
    document = topics_file.load(topics_path)
    document.append(topics_file.new_entry(entry))
    problems = validation.validate_entries(topics_file.plain(document), wizard.sources, facts_dir, today)
    errors = [p for p in problems if p.is_error]
    if errors:  # field checks passed, so this is a problem elsewhere in the file
        validation.print_problems(errors)
        print("Nothing was saved: fix the errors above first (scripts/content validate lists them).")
        return 1
    topics_file.save(document, topics_path)
    print(f"\nSaved topic '{entry['id']}' at the end of facts/topics.yml.")
    print("Next: run `scripts/content train` so the assistant learns its example questions,\n"
          "then restart the assistant (scripts/run) to use it.")
    return 0


def command_validate(facts_dir: Path = FACTS_DIR) -> int:
    problems = validation.validate(facts_dir)
    validation.print_problems(problems)
    return 1 if any(p.is_error for p in problems) else 0


def command_export(path: Path, facts_dir: Path = FACTS_DIR) -> int:
    count = spreadsheet.export(path, facts_dir)
    print(f"Wrote {count} topics to {path}: one row per topic; cells with several values have one per line.")
    return 0


def command_import(path: Path, facts_dir: Path = FACTS_DIR, dry_run: bool = False) -> int:
    result = spreadsheet.import_csv(path, facts_dir, dry_run)
    if result.errors:
        print(f"Nothing was changed: {len(result.errors)} problem(s) in {path}.")
        for error in result.errors:
            print(f"- {error}")
        return 1
    if not result.changes:
        print(f"Nothing to change: {path} says the same as facts/topics.yml.")
        return 0
    verb = "Would change (dry run, nothing written)" if dry_run else "Changed in facts/topics.yml"
    print(f"{verb}:")
    print("\n".join(result.changes))
    if result.warnings:
        print(f"\n{result.warnings} warning(s) about these topics: see `scripts/content validate`.")
    if not dry_run:
        print("\nAnswer edits are live at the next message. If examples changed, run `scripts/content train`.")
    return 0


def command_train() -> int:
    from hospital_faq.ops import training

    if command_validate() != 0:
        print("Not training: fix the errors above first.")
        return 1
    if training.model_path().exists():
        print(f"\nThe model is already up to date with the example questions ({training.model_path().name}).")
        return 0
    log = PROJECT_ROOT / "logs" / "training.log"
    log.parent.mkdir(exist_ok=True)
    print(f"\nTraining: this takes a few minutes (details in {log.relative_to(PROJECT_ROOT)})...", flush=True)
    with open(log, "w") as out:  # Rasa's many lines go to the log, not the screen
        sys.stderr.flush()
        screen = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            model = training.ensure_model()
        except subprocess.CalledProcessError:
            model = None
        finally:
            sys.stderr.flush()
            os.dup2(screen, 2)
            os.close(screen)
    if model is None:
        print("".join(log.read_text(errors="replace").splitlines(True)[-20:]))
        print(f"Training failed: see {log}. Run `scripts/content validate`, or ask the engineering team.")
        return 1
    print(f"Trained {model.name}.\nRestart the assistant to use it: stop scripts/run (Ctrl-C) and start it again.")
    return 0


def command_report(endpoints: Path, days: Optional[int], csv_path: Optional[Path],
                   feedback_csv: Optional[Path]) -> int:
    try:
        store = conversation_store.store_config(endpoints)
        deleted = conversation_store.purge(store)
        result = report.report(store, days)
    except conversation_store.ConversationStoreError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    report.print_report(result, store, days)
    if deleted:
        print(f"\n({deleted} stored event(s) older than {store.retention_days} days were deleted first.)")
    if csv_path:
        report.write_unanswered_csv(result, csv_path)
        print(f"\nWrote the unanswered questions to {csv_path}.")
    if feedback_csv:
        report.write_feedback_csv(result, feedback_csv)
        print(f"Wrote the feedback per topic to {feedback_csv}.")
    if csv_path or feedback_csv:
        print("These files contain what patients typed: keep them on hospital systems and delete them when done.")
    return 0


def command_reading() -> int:
    """Each answer's US school grade (Flesch-Kincaid), hardest first, then the median and the maximum."""
    grades = validation.reading_levels()
    for topic, grade in sorted(grades.items(), key=lambda item: -item[1]):
        flag = "  above grade 9" if grade > validation.MAX_READING_GRADE else ""
        print(f"  {grade:5.1f}  {topic}{flag}")
    values = sorted(grades.values())
    if values:
        print(f"\n{len(values)} answers: median grade {statistics.median(values):.1f}, hardest {values[-1]:.1f} "
              f"(patient materials aim for grade 6-8; validate warns above {validation.MAX_READING_GRADE:g}).")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/content", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("add", help="add a topic: asks for each field")
    commands.add_parser("validate", help="check facts/topics.yml")
    commands.add_parser("reading", help="each answer's reading grade, the median and the hardest")
    export = commands.add_parser("export", help="write every topic to a CSV file for review")
    export.add_argument("file", type=Path)
    importing = commands.add_parser("import", help="read a reviewed CSV file back (all rows or none)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    commands.add_parser("train", help="retrain after new or changed example questions")
    reporting = commands.add_parser("report", help="what the assistant could not answer, and feedback per topic")
    reporting.add_argument("--days", type=int, help="only the last N days")
    reporting.add_argument("--csv", type=Path, help="also write the unanswered questions to this CSV file")
    reporting.add_argument("--feedback-csv", type=Path, help="also write the feedback per topic to this CSV file")
    reporting.add_argument("--endpoints", type=Path, default=conversation_store.ENDPOINTS, help=argparse.SUPPRESS)
    purge = commands.add_parser("purge", help="delete conversations older than the retention limit")
    purge.add_argument("--endpoints", type=Path, default=conversation_store.ENDPOINTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.command == "add":
        return command_add()
    if args.command == "validate":
        return command_validate()
    if args.command == "reading":
        return command_reading()
    if args.command == "export":
        return command_export(args.file)
    if args.command == "import":
        return command_import(args.file, dry_run=args.dry_run)
    if args.command == "train":
        return command_train()
    if args.command == "report":
        return command_report(args.endpoints, args.days, args.csv, args.feedback_csv)
    return conversation_store.main(["purge", str(args.endpoints)])


if __name__ == "__main__":
    sys.exit(main())

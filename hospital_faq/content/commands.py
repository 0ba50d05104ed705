"""The content team's commands (run them as `scripts/content ...`; docs/content-guide.md).

    scripts/content add                      add a topic: asks for each field
    scripts/content validate                 check topics.yml: errors and warnings, in plain words
    scripts/content reading                  each answer's reading grade, with the median and the hardest
    scripts/content export FILE.csv|FILE.xlsx    every topic to a spreadsheet, for review
    scripts/content import FILE.csv|FILE.xlsx [--dry-run]  the reviewed spreadsheet back: all rows or none
    scripts/content train                    retrain after new or changed example questions
    scripts/content publish [--even-if-worse WHY]  check, train, score and make the model live
    scripts/content report [--days N] [--csv FILE] [--feedback-csv FILE]
                                             what patients asked that the assistant could not answer
    scripts/content purge                    delete conversations older than the retention limit
    scripts/content user add NAME --role editor|reviewer|admin [--full-name "Dr. Jane Smith, neuro-oncology"]
    scripts/content user list | unlock NAME | disable NAME | enable NAME | password NAME | role NAME ROLE | remove NAME
                                             the content designer's accounts
"""
import argparse
import datetime
import getpass
import os
import re
import statistics
import subprocess
import sys
import time
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
    with topics_file.locked(facts_dir):
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
    print("Next: run `scripts/content publish` so the assistant learns its example questions\n"
          "(it trains, checks the new model and makes it live without a restart).")
    return 0


def command_validate(facts_dir: Path = FACTS_DIR) -> int:
    problems = validation.validate(facts_dir)
    validation.print_problems(problems)
    return 1 if any(p.is_error for p in problems) else 0


def command_export(path: Path, facts_dir: Path = FACTS_DIR) -> int:
    count = spreadsheet.export(path, facts_dir)
    kind = "an Excel workbook" if str(path).lower().endswith(".xlsx") else "a CSV file"
    print(f"Wrote {count} topics to {path} ({kind}): one row per topic; cells with several values have one per line.")
    return 0


def command_import(path: Path, facts_dir: Path = FACTS_DIR, dry_run: bool = False) -> int:
    result = spreadsheet.import_file(path, facts_dir, dry_run)
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
        print("\nAnswer edits are live at the next message. If examples changed, run `scripts/content publish`.")
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
    print(f"Trained {model.name}.\nTo make it live: `scripts/content publish` (it scores the model first), or "
          "Train and publish in the content designer.")
    return 0


def command_publish(even_if_worse: Optional[str]) -> int:
    """The content designer's Train and publish, in the terminal: check, train, score, publish."""
    from hospital_faq.content import training_job
    from hospital_faq.ops import publishing

    job_dir = training_job.JOBS_DIR / datetime.datetime.now().strftime("%Y%m%d-%H%M%S-cli")
    job_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    job = training_job.Job(job_dir)
    job.update(stage="starting", doing="Starting", started=time.time(), by="scripts/content publish")
    print("Checking, training (if the examples changed) and scoring; this takes a few minutes...", flush=True)
    status = job.run()
    if status["stage"] != "ready":
        print(f"Not published: {status.get('error')}")
        for line in status.get("problems") or status.get("log_tail") or []:
            print(f"  {line}")
        return 1
    print(f"\n{'figure':64} {'new':>7} {'live':>7}")
    for key, label, _ in publishing.COMPARED:
        new, live = status["candidate_scores"].get(key), (status.get("live_scores") or {}).get(key)
        print(f"{label:64} {new:7.1%} " + (f"{live:7.1%}" if live is not None else "      -"))
    if status.get("same_as_live"):
        print(f"\n{status['candidate']} is already the live model.")
        return 0
    confirmed = None
    if status["refusals"]:
        print("\n" + "\n".join(f"- {r}" for r in status["refusals"]))
        if not even_if_worse:
            print("Not published. To publish it anyway, say why: --even-if-worse \"...\".")
            return 1
        confirmed = f"scripts/content publish: {even_if_worse} (despite: {' '.join(status['refusals'])})"
    record = publishing.publish(publishing.MODELS_DIR / status["candidate"],
                                "scripts/content publish", status["candidate_scores"], confirmed)
    print(f"\nPublished {record['model']}: the running assistant loads it within seconds, without a restart.")
    return 0


def _new_password(name: str) -> str:
    """Typed twice (hidden) at a terminal; from the first line of standard input otherwise."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    while True:
        first = getpass.getpass(f"Password for {name} (at least 12 characters; a few words make a good one): ")
        if first == getpass.getpass("The same password again: "):
            return first
        print("The two passwords are not the same; please type them again.")


def command_user(args) -> int:
    from hospital_faq.content.designer.accounts import AccountError, AccountStore

    store = AccountStore()
    try:
        if args.action == "list":
            for account in store.all():
                state = "disabled" if account.disabled else (f"locked {store.locked_for(account.name)} s"
                                                             if store.locked_for(account.name) else "active")
                print(f"{account.name:20} {account.role:9} {state:12} {account.full_name}")
            if not store.all():
                print("No accounts yet: scripts/content user add NAME --role admin")
            return 0
        if not args.name:
            print("Which account? e.g. scripts/content user unlock jsmith", file=sys.stderr)
            return 2
        if args.action == "add":
            if not args.role:
                print("Give the role: --role editor, --role reviewer or --role admin.", file=sys.stderr)
                return 2
            account = store.add(args.name, args.role, _new_password(args.name.lower()), args.full_name or "")
            print(f"Added {account.name} ({account.role}). They sign in to the content designer with that name.")
        elif args.action == "password":
            store.set_password(args.name, _new_password(args.name.lower()))
            print(f"Changed the password of {args.name}; their sessions ended.")
        elif args.action == "unlock":
            store.unlock(args.name)
            print(f"Unlocked {args.name}: the wrong passwords typed so far are forgotten.")
        elif args.action in ("disable", "enable"):
            store.set_disabled(args.name, args.action == "disable")
            print(f"{args.name} is {args.action}d.")
        elif args.action == "role":
            store.set_role(args.name, args.role_name or args.role or "")
            print(f"{args.name} is now {store.get(args.name).role}; their sessions ended.")
        elif args.action == "remove":
            store.remove(args.name)
            print(f"Removed {args.name}. (Their name stays in the history of the changes they made.)")
    except AccountError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
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
    export = commands.add_parser("export", help="write every topic to a spreadsheet (.csv or .xlsx) for review")
    export.add_argument("file", type=Path)
    importing = commands.add_parser("import", help="read a reviewed spreadsheet back (all rows or none)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    commands.add_parser("train", help="retrain after new or changed example questions")
    publishing_parser = commands.add_parser("publish", help="check, train, score and make the new model live")
    publishing_parser.add_argument("--even-if-worse", metavar="WHY",
                                   help="publish even if it misses an emergency or scores lower, saying why")
    user = commands.add_parser("user", help="the content designer's accounts")
    user.add_argument("action", choices=["add", "list", "unlock", "disable", "enable", "password", "role", "remove"])
    user.add_argument("name", nargs="?")
    user.add_argument("role_name", nargs="?", metavar="ROLE", help="for `role NAME ROLE`")
    user.add_argument("--role", help="editor, reviewer or admin")
    user.add_argument("--full-name", help="name and role as shown in reviews, e.g. \"Dr. Jane Smith, neuro-oncology\"")
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
    if args.command == "publish":
        return command_publish(args.even_if_worse)
    if args.command == "user":
        return command_user(args)
    if args.command == "report":
        return command_report(args.endpoints, args.days, args.csv, args.feedback_csv)
    return conversation_store.main(["purge", str(args.endpoints)])


if __name__ == "__main__":
    sys.exit(main())

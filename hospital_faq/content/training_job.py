"""Check, train and score a new model in the background: what "Train" in the content
designer starts, and what `scripts/content publish` runs in the foreground.

    python -m hospital_faq.content.training_job JOB_FOLDER    (started by the designer)

The steps, each written to JOB_FOLDER/status.json as it goes (stage, what it is doing,
when it started), so a page reload, or a restart of the designer, still shows it:
  1. check     the content rules (validation.py); an error stops here, listed;
  2. train     `rasa train` for the current data (ops/training.py), unless a model for
               exactly this data exists; Rasa's output goes to JOB_FOLDER/training.log,
               and its "training component X" lines are the progress shown;
  3. score     the new model, then the published one, on the evaluation set and the
               training data's emergency examples (publishing.scores; a model already
               scored is not scored again);
  4. ready     both sets of figures, and the reasons publishing would need a confirmation
               (publishing.refusals). Publishing itself is a separate, deliberate step.
Any failure ends in stage "failed" with the reason in plain words.
"""
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Dict, List, Optional

from hospital_faq.content import validation
from hospital_faq.ops import publishing, training
from hospital_faq.paths import FACTS_DIR, MODELS_DIR, PROJECT_ROOT

JOBS_DIR = PROJECT_ROOT / "var" / "training"
STATUS = "status.json"
FINAL = ("ready", "failed")
_COMPONENT = re.compile(r"(Starting to train|Finished training|Restored) component '(\w+)'")
# What `rasa train` does, in order, and the line of its log that starts each step (the
# component that starts or ends it). Measured: reading ~1.5 min, the meaning of every
# example ~3 min, the classifier ~3 min, on two busy cores.
TRAINING_STEPS = [
    ("reading the example questions and the fact store", None),
    ("training the conversation rules", ("start", "MemoizationPolicy")),
    ("working out what each example question means (the sentence model)", ("end", "RulePolicy")),
    ("training the question classifier", ("start", "LinearIntentClassifier")),
    ("saving the model", ("end", "LinearIntentClassifier")),
]


def _now() -> float:
    return round(time.time(), 1)


class Job:
    """One run of the steps, kept in its folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.status_path = self.folder / STATUS

    def status(self) -> Dict:
        try:
            status = json.loads(self.status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"stage": "failed", "error": "The training's status can't be read.", "id": self.folder.name}
        status["id"] = self.folder.name
        if status.get("stage") not in FINAL and not _alive(status.get("pid")):
            status.update(stage="failed", error="The training stopped unexpectedly (the computer or the content "
                                                "designer was restarted, or it ran out of memory). Start it again.")
        return status

    def update(self, **values) -> None:
        status = {}
        if self.status_path.exists():
            try:
                status = json.loads(self.status_path.read_text(encoding="utf-8"))
            except ValueError:
                status = {}
        status.update(values, updated=_now())
        temporary = self.status_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(status, indent=2), encoding="utf-8")
        os.replace(temporary, self.status_path)

    def fail(self, reason: str, **values) -> None:
        self.update(stage="failed", error=reason, finished=_now(), **values)

    def run(self, facts_dir: Path = FACTS_DIR, models_dir: Path = MODELS_DIR) -> Dict:
        """The steps, in this process; returns the final status."""
        self.update(stage="checking", doing="Checking the content rules", pid=os.getpid())
        problems = validation.validate(facts_dir)
        errors = [str(p) for p in problems if p.is_error]
        if errors:
            self.fail(f"The content breaks {len(errors)} rule(s); nothing was trained. Fix them first.", problems=errors)
            return self.status()
        model = training.model_path(models_dir)
        if model.exists():
            self.update(stage="training", doing=f"Already trained for these example questions ({model.name})",
                        model=model.name, training_seconds=0)
        elif not self._train(model):
            return self.status()
        if training.model_path(models_dir) != model:
            self.fail("The example questions changed while this model was training (someone added or changed one), "
                      "so it may not have them all. Train again.")
            return self.status()
        try:
            self.update(stage="scoring", doing="Scoring the new model on the evaluation set")
            candidate = publishing.scores(model, lambda said: self.update(doing=f"Scoring the new model: {said}"))
            live_model = publishing.published_model(models_dir)
            live = None
            if live_model is not None:
                self.update(doing="Scoring the live model on the evaluation set")
                live = publishing.scores(live_model, lambda said: self.update(doing=f"Scoring the live model: {said}"))
        except Exception as error:  # a model that can't be loaded or scored: say so, don't hang
            traceback.print_exc()
            self.fail(f"Scoring failed: {type(error).__name__}: {error}. See {self.folder / 'job.log'}.")
            return self.status()
        self.update(stage="ready", doing="Ready to publish", finished=_now(), candidate=model.name,
                    candidate_scores=candidate, live=live_model.name if live_model else None, live_scores=live,
                    refusals=publishing.refusals(candidate, live),
                    same_as_live=bool(live_model and live_model.name == model.name))
        return self.status()

    def _train(self, model: Path) -> bool:
        log_path = self.folder / "training.log"
        started = time.monotonic()
        self.update(stage="training", doing="Training: starting Rasa", model=model.name, training_started=_now())
        env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        env.setdefault("RASA_CACHE_DIRECTORY", str(PROJECT_ROOT / ".rasa" / "cache"))
        with open(log_path, "wb") as log:
            process = subprocess.Popen(training.train_command(model), cwd=PROJECT_ROOT, env=env,
                                       stdout=log, stderr=subprocess.STDOUT)
            self.update(training_pid=process.pid)
            shown = None
            while process.poll() is None:
                time.sleep(2)
                step = _training_step(log_path)
                if step != shown:
                    shown = step
                    self.update(doing=f"Training, step {step + 1} of {len(TRAINING_STEPS)}: "
                                      f"{TRAINING_STEPS[step][0]}")
        seconds = round(time.monotonic() - started, 1)
        if process.returncode != 0 or not model.exists():
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            self.fail(f"Training failed (Rasa stopped with code {process.returncode}). The end of its output is "
                      f"below; the whole of it is in {log_path}.", log_tail=tail, training_seconds=seconds)
            return False
        self.update(doing=f"Trained {model.name} in {seconds:.0f} s", training_seconds=seconds)
        _remember_training_time(seconds)
        return True


def _training_step(log_path: Path) -> int:
    """Which of TRAINING_STEPS `rasa train` is at, from its log."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    seen = {("start" if kind == "Starting to train" else "end", name) for kind, name in _COMPONENT.findall(text)}
    return max([n for n, (_, marker) in enumerate(TRAINING_STEPS) if marker is None or marker in seen])


def _alive(pid) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except (OSError, ValueError):
        return False
    try:  # a finished child that nobody waited for is not alive
        with open(f"/proc/{int(pid)}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def _remember_training_time(seconds: float) -> None:
    JOBS_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    (JOBS_DIR / "last_training_seconds").write_text(f"{seconds}\n")


def last_training_seconds() -> Optional[float]:
    try:
        return float((JOBS_DIR / "last_training_seconds").read_text())
    except (OSError, ValueError):
        return None


def jobs() -> List[Job]:
    """Every job, newest first."""
    if not JOBS_DIR.is_dir():
        return []
    return [Job(p) for p in sorted(JOBS_DIR.iterdir(), reverse=True) if (p / STATUS).exists()]


def latest() -> Optional[Job]:
    found = jobs()
    return found[0] if found else None


class AlreadyRunning(RuntimeError):
    pass


def start(by: str) -> Job:
    """Starts the steps in a process of their own (it outlives a page, or the designer)."""
    running = latest()
    if running and running.status().get("stage") not in FINAL:
        raise AlreadyRunning("A training is already running: wait for it to finish.")
    JOBS_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    job = Job(JOBS_DIR / stamp)
    job.folder.mkdir(mode=0o700)
    job.update(stage="starting", doing="Starting", started=_now(), by=by,
               typical_seconds=last_training_seconds())
    with open(job.folder / "job.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "hospital_faq.content.training_job", str(job.folder)],
                                   cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    job.update(pid=process.pid)
    _reap_later(process)
    return job


def _reap_later(process: subprocess.Popen) -> None:
    """Collects the finished job process, so it doesn't linger as a zombie in the designer."""
    import threading

    threading.Thread(target=process.wait, daemon=True).start()


def cancel(job: Job) -> None:
    status = job.status()
    for key in ("training_pid", "pid"):
        if _alive(status.get(key)):
            try:
                os.killpg(os.getpgid(int(status[key])), signal.SIGTERM) if key == "pid" else \
                    os.kill(int(status[key]), signal.SIGTERM)
            except OSError:
                pass
    job.fail("Stopped by " + str(status.get("by") or "someone") + ".")


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m hospital_faq.content.training_job JOB_FOLDER", file=sys.stderr)
        return 2
    job = Job(Path(argv[0]))
    try:
        status = job.run()
    except Exception as error:
        traceback.print_exc()
        job.fail(f"Something went wrong: {type(error).__name__}: {error}. See {job.folder / 'job.log'}.")
        return 1
    return 0 if status.get("stage") == "ready" else 1


if __name__ == "__main__":
    sys.exit(main())

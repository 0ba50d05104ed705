"""Measures training time, server start time and reply time; prints them and writes JSON.

    python -m hospital_faq.ops.benchmark [--rounds 3] [--out results/benchmark.json]

Training is timed from a cold cache (a fresh Rasa cache directory), as on a new
machine. Replies are timed over the REST channel, one client, asking every
topic's example questions in turn, ten to a conversation.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hospital_faq.knowledge.fact_store import FactStore
from hospital_faq.ops.launcher import RunningAssistant
from hospital_faq.paths import PROJECT_ROOT


def time_training(workdir: Path) -> (float, Path):
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(workdir / "cache"), "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "train", "--out", str(workdir), "--fixed-model-name", "benchmark"],
        cwd=PROJECT_ROOT, env=env, check=True, capture_output=True,
    )
    return time.perf_counter() - started, workdir / "benchmark.tar.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times every example question is asked")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "results" / "benchmark.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        training_seconds, model = time_training(Path(workdir))
        assistant = RunningAssistant(model, Path(workdir))
        started = time.perf_counter()
        assistant.start()
        start_seconds = time.perf_counter() - started
        try:
            questions = [e for t in FactStore.load().topics for e in t.examples]
            timings = []
            for round_number in range(args.rounds):
                for number, question in enumerate(questions):
                    began = time.perf_counter()
                    # Conversations of 10 questions, as a patient might ask: a reply's time
                    # grows with the conversation Rasa reloads, so a fixed pool of senders
                    # would measure ever longer conversations as examples are added.
                    assistant.ask(question, sender=f"benchmark-{round_number}-{number // 10}")
                    timings.append(time.perf_counter() - began)
        finally:
            assistant.stop()

    timings.sort()
    results = {
        "training_seconds_cold": round(training_seconds, 1),
        "server_start_seconds": round(start_seconds, 1),
        "replies": len(timings),
        "reply_ms_median": round(statistics.median(timings) * 1000, 1),
        "reply_ms_p95": round(timings[int(len(timings) * 0.95)] * 1000, 1),
        "replies_per_second_one_client": round(len(timings) / sum(timings), 1),
    }
    for name, value in results.items():
        print(f"{name:32} {value}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()

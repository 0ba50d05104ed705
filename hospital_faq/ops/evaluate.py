"""How well the assistant understands patients' messages, in numbers.

    python -m hospital_faq.ops.evaluate                       # the held-out test set
    python -m hospital_faq.ops.evaluate --test-set FILE       # another set
    python -m hospital_faq.ops.evaluate --all                 # every set in tests/evaluation/, one table
    python -m hospital_faq.ops.evaluate --cross-validation 5  # k-fold on the training data

It trains a model on the training data when none matches it, then runs every message
of an evaluation set through the full NLU pipeline (classifier, drug, scope, urgent and
emergency screens, fallback) exactly as the running assistant does. It prints
per-intent precision / recall / F1, the most confused pairs, and the figures below;
writes them to results/evaluation.json (evaluation_<set>.json for another set,
evaluation_all.json for --all, cross_validation.json) and draws the confusion matrix
beside it. Labels: ask_<topic id>, out_of_scope, emergency, urgent, medical_advice (and
the conversational intents of data/nlu.yml).

- topic accuracy:            topic questions answered with the right topic
- in-scope sent to fallback: topic questions answered with "did you mean...?"
- wrong topic:               topic questions answered with another topic's fact
- out-of-scope answered with a fact: out-of-scope messages answered with a topic's fact
- confident wrong answers:   the last two together, over topic and out-of-scope messages
- emergency recall:          emergency messages that got "call 911"
- urgent recall:             urgent messages that got "call your care team today" or the
                             higher level, "call 911" (a doubt goes to the higher level;
                             urgent_sent_to_emergency says how often that happened)
- advice declined:           personal questions that got "I can't advise on your own care"
- safety false alarms:       other messages that got the urgent or emergency reply
"""
import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from hospital_faq.knowledge.fact_store import topic_id_of
from hospital_faq.paths import PROJECT_ROOT

TEST_SET = PROJECT_ROOT / "tests" / "evaluation" / "test_set.yml"
RESULTS_DIR = PROJECT_ROOT / "results"
FALLBACK = "nlu_fallback"
TARGETS = {  # name: (target, higher is better)
    "topic_accuracy": (0.95, True),
    "confident_wrong_answers": (0.01, False),
    "emergency_recall": (1.0, True),
    "urgent_recall": (0.95, True),
    "advice_declined": (0.95, True),
    "in_scope_sent_to_fallback": (0.03, False),
}
SAFETY = ("emergency", "urgent")
# The figures of the --all table, in its order.
TABLE = ["messages", "topic_accuracy", "in_scope_sent_to_fallback", "in_scope_wrong_topic",
         "out_of_scope_answered_with_fact", "confident_wrong_answers", "emergency_recall", "urgent_recall",
         "urgent_sent_to_emergency", "advice_declined", "safety_false_alarms"]



class Prediction(NamedTuple):
    text: str
    expected: str
    predicted: str  # what the assistant acts on, after the emergency screen and the fallback
    # What the classifier itself ranked first and second, before the fallback decided:
    top: str = ""
    confidence: float = 0.0
    runner_up: float = 0.0


def is_topic(intent: str) -> bool:
    return topic_id_of(intent) is not None


def load_messages(path: Path) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def predict(model: Path, messages: List[Tuple[str, str]],
            progress: Optional[Callable[[str], None]] = None) -> List[Prediction]:
    """What the model's NLU makes of each (text, expected intent); `progress` is told how far it is."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # else each parse prints its message at debug level
    tell = progress or (lambda _: None)
    tell(f"loading {Path(model).name}")
    agent = Agent.load(str(model))

    async def parse_all():
        parsed = []
        for number, (text, _) in enumerate(messages, 1):
            parsed.append(await agent.parse_message(text))
            if number % 25 == 0 or number == len(messages):
                tell(f"{number} of {len(messages)} messages")
        return parsed

    parsed = asyncio.run(parse_all())
    return [_prediction(text, expected, p) for (text, expected), p in zip(messages, parsed)]


def _prediction(text: str, expected: str, parsed: Dict) -> Prediction:
    ranking = [r for r in parsed.get("intent_ranking") or [parsed["intent"]] if r["name"] != FALLBACK]
    top = ranking[0] if ranking else {"name": FALLBACK, "confidence": 1.0}
    runner_up = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    return Prediction(text, expected, parsed["intent"]["name"], top["name"], top["confidence"], runner_up)


def threshold_sweep(predictions: List[Prediction], ambiguity: float) -> List[Dict]:
    """What each fallback threshold would have done with these messages."""
    rows = []
    for threshold in [round(0.2 + 0.05 * i, 2) for i in range(13)]:
        decided = [
            Prediction(p.text, p.expected, FALLBACK if p.confidence < threshold or p.confidence - p.runner_up < ambiguity else p.top)
            for p in predictions
        ]
        summary = score(decided)["summary"]
        rows.append({"threshold": threshold, **{k: summary[k] for k in (
            "topic_accuracy", "in_scope_sent_to_fallback", "in_scope_wrong_topic", "out_of_scope_answered_with_fact")}})
    return rows


def share(predictions: List[Prediction], expected_test, predicted_test) -> float:
    relevant = [p for p in predictions if expected_test(p[1])]
    if not relevant:
        return float("nan")
    return sum(1 for p in relevant if predicted_test(p[1], p[2])) / len(relevant)


def score(predictions: List[Prediction]) -> Dict:
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted({p.expected for p in predictions})
    precision, recall, f1, support = precision_recall_fscore_support(
        [p[1] for p in predictions], [p[2] for p in predictions], labels=labels, zero_division=0
    )
    per_intent = {
        label: {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    confused = Counter((p.expected, p.predicted) for p in predictions if p.expected != p.predicted)
    out_of_scope_answered = share(predictions, lambda e: e == "out_of_scope", lambda e, p: is_topic(p))
    answerable = [p for p in predictions if is_topic(p.expected) or p.expected == "out_of_scope"]
    confidently_wrong = [p for p in answerable if is_topic(p.predicted) and p.predicted != p.expected]
    summary = {
        "topic_accuracy": share(predictions, is_topic, lambda e, p: e == p),
        "in_scope_sent_to_fallback": share(predictions, is_topic, lambda e, p: p == FALLBACK),
        "in_scope_wrong_topic": share(predictions, is_topic, lambda e, p: p != e and is_topic(p)),
        "out_of_scope_answered_with_fact": out_of_scope_answered,
        "out_of_scope_rejection": 1 - out_of_scope_answered,
        "confident_wrong_answers": len(confidently_wrong) / len(answerable) if answerable else float("nan"),
        "emergency_recall": share(predictions, lambda e: e == "emergency", lambda e, p: p == "emergency"),
        "urgent_recall": share(predictions, lambda e: e == "urgent", lambda e, p: p in SAFETY),
        "urgent_sent_to_emergency": share(predictions, lambda e: e == "urgent", lambda e, p: p == "emergency"),
        "advice_declined": share(predictions, lambda e: e == "medical_advice", lambda e, p: p == e),
        "safety_false_alarms": share(predictions, lambda e: e not in SAFETY, lambda e, p: p in SAFETY),
        "messages": len(predictions),
    }
    return {
        "summary": {k: (None if v != v else round(v, 4)) if isinstance(v, float) else v for k, v in summary.items()},
        "per_intent": per_intent,
        "most_confused": [
            {"expected": e, "predicted": p, "count": n} for (e, p), n in confused.most_common(15)
        ],
        "errors": [
            {"text": p.text, "expected": p.expected, "predicted": p.predicted}
            for p in predictions if p.expected != p.predicted
        ],
    }


def print_report(report: Dict, title: str) -> None:
    print(f"\n{title}\n{'=' * len(title)}")
    print(f"{'intent':42} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}")
    for label, m in report["per_intent"].items():
        print(f"{label:42} {m['precision']:6.2f} {m['recall']:6.2f} {m['f1']:6.2f} {m['support']:4}")
    print("\nMost confused (expected -> predicted):")
    for pair in report["most_confused"][:10]:
        print(f"  {pair['count']:3}  {pair['expected']} -> {pair['predicted']}")
    print()
    summary = report["summary"]
    for name, value in summary.items():
        if value is None:
            print(f"{name:34} {'-':>7}   (no such messages in this set)")
        elif name in TARGETS:
            target, higher = TARGETS[name]
            met = value >= target if higher else value <= target
            print(f"{name:34} {value:7.1%}   target {'>=' if higher else '<='} {target:.0%}  {'OK' if met else 'MISSED'}")
        elif isinstance(value, float):
            print(f"{name:34} {value:7.1%}")
        else:
            print(f"{name:34} {value:7}")


def confusion_picture(predictions: List[Prediction], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    labels = sorted({p[1] for p in predictions} | {p[2] for p in predictions})
    fig, ax = plt.subplots(figsize=(16, 14))
    ConfusionMatrixDisplay.from_predictions(
        [p[1] for p in predictions], [p[2] for p in predictions], labels=labels,
        ax=ax, xticks_rotation="vertical", colorbar=False, cmap="Blues",
    )
    ax.set_title("Expected (rows) vs predicted (columns) intent")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def cross_validation_predictions(folds: int) -> List[Prediction]:
    """Trains an NLU model on k-1 folds of the training data and predicts the k-th, k times."""
    import yaml
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    from hospital_faq.nlu.importer import FactStoreImporter

    importer = FactStoreImporter(str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(PROJECT_ROOT / "data")])
    examples = importer.get_nlu_data().intent_examples
    config = yaml_config()
    config.pop("importers", None)  # each fold's data is given as a file instead
    rasa = str(Path(sys.executable).with_name("rasa"))
    predictions: List[Prediction] = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    intents = [m.get("intent") for m in examples]
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        (work / "config.yml").write_text(yaml.safe_dump(config))
        for fold, (train_index, test_index) in enumerate(splitter.split(examples, intents), 1):
            print(f"fold {fold}/{folds}: training on {len(train_index)} examples...", file=sys.stderr)
            train = TrainingData(training_examples=[examples[i] for i in train_index])
            (work / "train.yml").write_text(train.nlu_as_yaml())
            subprocess.run(
                [rasa, "train", "nlu", "--config", str(work / "config.yml"), "--nlu", str(work / "train.yml"),
                 "--out", str(work), "--fixed-model-name", f"fold{fold}"],
                cwd=PROJECT_ROOT, check=True, capture_output=True,
            )
            held_out = [(examples[i].get("text"), examples[i].get("intent")) for i in test_index]
            predictions += predict(work / f"fold{fold}.tar.gz", held_out)
    return predictions


def yaml_config() -> Dict:
    import yaml

    return yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())


def evaluate_set(model: Path, test_set: Path, out: Path, name: str, title: str) -> Dict:
    """Scores one evaluation set; prints the report and writes <name>.json and its picture."""
    predictions = predict(model, load_messages(test_set))
    return write_report(predictions, out, name, title)


def write_report(predictions: List[Prediction], out: Path, name: str, title: str) -> Dict:
    report = score(predictions)
    fallback = next(c for c in yaml_config()["pipeline"] if c["name"] == "FallbackClassifier")
    report["threshold_sweep"] = threshold_sweep(predictions, fallback.get("ambiguity_threshold", 0.1))
    print_report(report, title)
    print("\nFallback threshold sweep (what each threshold would do):")
    print(f"{'threshold':>9} {'topic acc':>9} {'fallback':>9} {'wrong topic':>11} {'OOS->fact':>9}")
    for row in report["threshold_sweep"]:
        print(f"{row['threshold']:9.2f} {row['topic_accuracy']:9.1%} {row['in_scope_sent_to_fallback']:9.1%} "
              f"{row['in_scope_wrong_topic']:11.1%} {row['out_of_scope_answered_with_fact']:9.1%}")
    (out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    confusion_picture(predictions, out / f"{name}_confusion_matrix.png")
    print(f"\nwritten: {out / (name + '.json')}, {out / (name + '_confusion_matrix.png')}")
    return report


def nlu_sets() -> List[Path]:
    """The evaluation sets in Rasa's NLU format (not conversations.yml, issue 13's multi-turn set)."""
    import yaml

    return [path for path in sorted(TEST_SET.parent.glob("*.yml"))
            if "nlu" in (yaml.safe_load(path.read_text(encoding="utf-8")) or {})]


def report_name(test_set: Path) -> str:
    return "evaluation" if test_set.resolve() == TEST_SET.resolve() else f"evaluation_{test_set.stem}"


def print_table(summaries: Dict[str, Dict]) -> None:
    """Every set side by side: one column per set, one row per figure, with its target."""
    sets = list(summaries)
    width = max(12, *(len(s) for s in sets)) + 1
    print("\n" + f"{'':34}" + "".join(f"{s:>{width}}" for s in sets) + "   target")
    for figure in TABLE:
        cells = []
        for s in sets:
            value = summaries[s].get(figure)
            cells.append("-" if value is None else f"{value}" if isinstance(value, int) else f"{value:.1%}")
        target = ""
        if figure in TARGETS:
            goal, higher = TARGETS[figure]
            met = all(summaries[s].get(figure) is None or
                      (summaries[s][figure] >= goal if higher else summaries[s][figure] <= goal) for s in sets)
            target = f"{'>=' if higher else '<='} {goal:.0%} {'OK' if met else 'MISSED'}"
        print(f"{figure:34}" + "".join(f"{c:>{width}}" for c in cells) + f"   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Scores how well the assistant understands messages.")
    parser.add_argument("--cross-validation", type=int, metavar="K", help="k-fold cross-validation on the training data")
    parser.add_argument("--test-set", default=str(TEST_SET),
                        help="the messages to score (default: the held-out test set; the dev_*.yml sets "
                             "beside it were used while tuning)")
    parser.add_argument("--all", action="store_true",
                        help=f"score every NLU set in {TEST_SET.parent.relative_to(PROJECT_ROOT)}/ and print one table")
    parser.add_argument("--out", default=str(RESULTS_DIR), help="folder for the JSON and the picture")
    args = parser.parse_args()
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    logging.disable(logging.WARNING)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.cross_validation:
        predictions = cross_validation_predictions(args.cross_validation)
        write_report(predictions, out, "cross_validation",
                     f"{args.cross_validation}-fold cross-validation on the training data")
        return
    from hospital_faq.ops.training import ensure_model

    model = ensure_model()
    if not args.all:
        test_set = Path(args.test_set)
        evaluate_set(model, test_set, out, report_name(test_set), f"Evaluation set {test_set.name}, model {model.name}")
        return
    summaries = {}
    for test_set in nlu_sets():
        report = evaluate_set(model, test_set, out, report_name(test_set), f"Evaluation set {test_set.name}, model {model.name}")
        summaries[test_set.stem] = report["summary"]
    print_table(summaries)
    all_file = out / "evaluation_all.json"
    all_file.write_text(json.dumps({"model": model.name, "targets": {k: v[0] for k, v in TARGETS.items()},
                                    "sets": summaries}, indent=2) + "\n")
    print(f"\nwritten: {all_file}")


if __name__ == "__main__":
    main()

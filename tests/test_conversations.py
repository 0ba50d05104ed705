"""Rasa's own checks: the training data is valid, and the test conversations are
understood and answered as written, by the model trained in this test run."""
import subprocess
import sys
from pathlib import Path

import pytest

import yaml

from hospital_faq.paths import PROJECT_ROOT

# Starts the Rasa and action servers (or trains): `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration


RASA = str(Path(sys.executable).with_name("rasa"))


def rasa(*args, cwd=PROJECT_ROOT):
    return subprocess.run([RASA, *args], cwd=cwd, capture_output=True, text=True)


def test_training_data_is_valid_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_end_to_end_conversations_pass(model_path, tmp_path):
    result = rasa(
        "test", "--model", str(model_path), "--stories", "tests/test_stories.yml",
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )
    failed = (tmp_path / "failed_test_stories.yml")
    report = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, report + result.stdout[-3000:] + result.stderr[-2000:]
    stories = yaml.safe_load((PROJECT_ROOT / "tests" / "test_stories.yml").read_text())["stories"]
    assert f"Evaluating {len(stories)} stories" in result.stdout + result.stderr

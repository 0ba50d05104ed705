"""Shared fixtures: a model trained in this test run, and the assistant running on free ports."""
from pathlib import Path

import pytest

from hospital_faq.launcher import RunningAssistant
from hospital_faq.training import ensure_model


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the current data: trained now unless this data was trained before."""
    return ensure_model()


@pytest.fixture(scope="session")
def assistant(model_path, tmp_path_factory):
    running = RunningAssistant(model_path, tmp_path_factory.mktemp("assistant"))
    try:
        yield running.start()
    finally:
        running.stop()

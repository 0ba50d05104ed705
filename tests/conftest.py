"""Shared fixtures: a model trained in this test run, and the assistant running on free ports."""
from pathlib import Path

import pytest

from hospital_faq.ops.launcher import RunningAssistant
from hospital_faq.ops.training import ensure_model


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the current data: trained now unless this data was trained before."""
    return ensure_model()


@pytest.fixture(scope="session")
def assistant(model_path, tmp_path_factory):
    # No Twilio settings, whatever this shell has: the default setup (its webhook answers 503).
    no_twilio = {name: "" for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")}
    running = RunningAssistant(model_path, tmp_path_factory.mktemp("assistant"), env=no_twilio)
    try:
        yield running.start()
    finally:
        running.stop()

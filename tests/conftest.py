"""Shared fixtures: a model trained in this test run, the assistant running on free ports,
and Debian's Chromium for the browser tests."""
import shutil
from pathlib import Path

import pytest

from hospital_faq.ops.launcher import RunningAssistant
from hospital_faq.ops.training import ensure_model
from tests.support import CHROMIUM_ARGS, SETUP_HINT


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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        pytest.fail(f"Chromium is not installed: {SETUP_HINT}.", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

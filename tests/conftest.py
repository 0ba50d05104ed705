"""Shared fixtures: a model trained in this test run, and the assistant running on free ports."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from hospital_faq.settings import PROJECT_ROOT
from hospital_faq.training import ensure_model
from hospital_faq.wait_until_ready import wait_until_ready

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the current data: trained now unless this data was trained before."""
    return ensure_model()


class Assistant:
    """The Rasa server and the action server, started as scripts/run starts them."""

    def __init__(self, model: Path, workdir: Path):
        self.model, self.workdir = model, workdir
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.actions_url = f"http://127.0.0.1:{self.actions_port}"
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(f'action_endpoint:\n  url: "{self.actions_url}/webhook"\n')
        self.rasa_log, self.actions_log = workdir / "rasa.log", workdir / "actions.log"
        self.env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        self.rasa = self.actions = None

    def _spawn(self, args, log):
        return subprocess.Popen(
            [str(VENV_BIN / "rasa"), *args], cwd=PROJECT_ROOT, env=self.env,
            stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )

    def start_actions(self):
        self.actions = self._spawn(["run", "actions", "--actions", "actions", "--port", str(self.actions_port)], self.actions_log)

    def stop_actions(self):
        self.actions.terminate()
        self.actions.wait(30)

    def start(self):
        self.start_actions()
        self.rasa = self._spawn(
            ["run", "--model", str(self.model), "--port", str(self.rasa_port),
             "--credentials", "credentials.yml", "--endpoints", str(self.endpoints)],
            self.rasa_log,
        )
        self.wait_until_ready()

    def wait_until_ready(self, timeout=300):
        wait_until_ready(self.url, self.actions_url, timeout)

    def stop(self):
        for process in (self.rasa, self.actions):
            if process and process.poll() is None:
                process.terminate()
                process.wait(30)

    def post(self, **kwargs) -> requests.Response:
        """A raw POST to the REST channel (json=... or data=...)."""
        return requests.post(f"{self.url}/webhooks/rest/webhook", timeout=60, **kwargs)

    def ask(self, message: str, sender: str = "pytest"):
        reply = self.post(json={"sender": sender, "message": message})
        assert reply.status_code == 200, reply.text
        return reply.json()


@pytest.fixture(scope="session")
def assistant(model_path, tmp_path_factory):
    running = Assistant(model_path, tmp_path_factory.mktemp("assistant"))
    try:
        running.start()
        yield running
    finally:
        running.stop()

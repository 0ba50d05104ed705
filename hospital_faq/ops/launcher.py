"""Starts the Rasa server and the action server on free ports, as scripts/run does.

Used by the tests and the benchmark, which need their own running assistant.
"""
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import requests

from hospital_faq.ops.readiness import wait_until_ready
from hospital_faq.paths import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningAssistant:
    """`project` is the checkout to run (default: this one); conversations are kept in
    a SQLite file in `workdir` (conversations.db). `env` and `rasa_args` go to the servers."""

    def __init__(self, model: Path, workdir: Path, env: Optional[Dict[str, str]] = None,
                 rasa_args=(), project: Path = PROJECT_ROOT):
        self.model, self.workdir, self.rasa_args = Path(model), Path(workdir), list(rasa_args)
        self.project = Path(project)
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.actions_url = f"http://127.0.0.1:{self.actions_port}"
        self.endpoints = self.workdir / "endpoints.yml"
        self.conversations = self.workdir / "conversations.db"
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "{self.actions_url}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{self.conversations}"\n'
        )
        self.rasa_log, self.actions_log = self.workdir / "rasa.log", self.workdir / "actions.log"
        self.env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", **(env or {})}
        self.rasa = self.actions = None

    def _spawn(self, args, log: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [str(VENV_BIN / "rasa"), *args], cwd=self.project, env=self.env,
            stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )

    def start_actions(self) -> None:
        args = ["run", "actions", "--actions", "actions", "--port", str(self.actions_port)]
        self.actions = self._spawn(args, self.actions_log)

    def stop_actions(self) -> None:
        self.actions.terminate()
        self.actions.wait(30)

    def start_rasa(self) -> None:
        self.rasa = self._spawn(
            ["run", "--model", str(self.model), "--port", str(self.rasa_port),
             "--credentials", "credentials.yml", "--endpoints", str(self.endpoints), *self.rasa_args],
            self.rasa_log,
        )

    def stop_rasa(self) -> None:
        self.rasa.terminate()
        self.rasa.wait(30)

    def start(self) -> "RunningAssistant":
        self.start_actions()
        self.start_rasa()
        self.wait_until_ready()
        return self

    def wait_until_ready(self, timeout: float = 300) -> None:
        wait_until_ready(self.url, self.actions_url, timeout)

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process and process.poll() is None:
                process.terminate()
                process.wait(30)

    def post(self, **kwargs) -> requests.Response:
        """A raw POST to the REST channel (json=... or data=...)."""
        return requests.post(f"{self.url}/webhooks/rest/webhook", timeout=60, **kwargs)

    def ask(self, message: str, sender: str = "pytest") -> list:
        reply = self.post(json={"sender": sender, "message": message})
        assert reply.status_code == 200, reply.text
        return reply.json()

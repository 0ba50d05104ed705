"""Starts the Rasa server and the action server on free ports, as scripts/run does;
with `model_server=True` also the model server (Rasa then pulls the published model
from it, as scripts/run starts it), and with `designer=True` the content designer.

Used by the tests and the benchmark, which need their own running assistant.
"""
import os
import socket
import subprocess
import sys
import time
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
                 rasa_args=(), project: Path = PROJECT_ROOT, model_server: bool = False,
                 designer: bool = False, pull_seconds: int = 2):
        self.model, self.workdir, self.rasa_args = Path(model), Path(workdir), list(rasa_args)
        self.project = Path(project)
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.actions_url = f"http://127.0.0.1:{self.actions_port}"
        self.endpoints = self.workdir / "endpoints.yml"
        self.conversations = self.workdir / "conversations.db"
        self.models_dir = self.project / "models"
        self.model_server_url = f"http://127.0.0.1:{free_port()}" if model_server else None
        self.designer_url = f"http://127.0.0.1:{free_port()}" if designer else None
        models = (f'models:\n  url: "{self.model_server_url}/model"\n  wait_time_between_pulls: {pull_seconds}\n'
                  if model_server else "")
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "{self.actions_url}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{self.conversations}"\n' + models
        )
        self.rasa_log, self.actions_log = self.workdir / "rasa.log", self.workdir / "actions.log"
        self.model_server_log, self.designer_log = self.workdir / "model_server.log", self.workdir / "designer.log"
        self.env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                    "CONTENT_DB_URL": f"sqlite:///{self.workdir / 'designer.db'}", **(env or {})}
        self.rasa = self.actions = self.model_server = self.designer = None

    def _spawn(self, args, log: Path, program: str = "rasa") -> subprocess.Popen:
        command = [str(VENV_BIN / "rasa")] if program == "rasa" else [str(VENV_BIN / "python"), "-m", program]
        return subprocess.Popen(
            [*command, *args], cwd=self.project, env=self.env,
            stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )

    def start_model_server(self) -> None:
        """Publishes the model if nothing is published yet, then serves the published one."""
        from hospital_faq.ops import publishing

        if publishing.published_model(self.models_dir) is None:
            publishing.publish(self.models_dir / self.model.name, by="launcher", directory=self.models_dir)
        port = self.model_server_url.rsplit(":", 1)[1]
        self.model_server = self._spawn(["--port", port, "--models", str(self.models_dir)], self.model_server_log,
                                        "hospital_faq.ops.model_server")
        _wait_for(f"{self.model_server_url}/health", self.model_server, self.model_server_log)

    def start_designer(self) -> None:
        port = self.designer_url.rsplit(":", 1)[1]
        self.designer = self._spawn(["--port", port, "--endpoints", str(self.endpoints)], self.designer_log,
                                    "hospital_faq.content.designer")
        _wait_for(f"{self.designer_url}/health", self.designer, self.designer_log)

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
        if self.model_server_url:
            self.start_model_server()
        self.start_actions()
        self.start_rasa()
        if self.designer_url:
            self.start_designer()
        self.wait_until_ready()
        return self

    def wait_until_ready(self, timeout: float = 300) -> None:
        wait_until_ready(self.url, self.actions_url, timeout)

    def stop(self) -> None:
        for process in (self.designer, self.rasa, self.actions, self.model_server):
            if process and process.poll() is None:
                process.terminate()
                process.wait(30)

    def answer(self, message: str, sender: str = "pytest") -> str:
        """The text of the first message of the reply."""
        reply = self.ask(message, sender)
        return reply[0].get("text", "") if reply else ""

    def post(self, **kwargs) -> requests.Response:
        """A raw POST to the REST channel (json=... or data=...)."""
        return requests.post(f"{self.url}/webhooks/rest/webhook", timeout=60, **kwargs)

    def ask(self, message: str, sender: str = "pytest") -> list:
        reply = self.post(json={"sender": sender, "message": message})
        assert reply.status_code == 200, reply.text
        return reply.json()


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer: see {log}:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.3)

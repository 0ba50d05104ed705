"""The model server: serves the published model to every Rasa server that pulls it.

    python -m hospital_faq.ops.model_server [--port 5056] [--host 127.0.0.1] [--endpoints endpoints.yml]

Rasa servers with a `models:` section in endpoints.yml ask `GET /model` every
`wait_time_between_pulls` seconds, sending the ETag of the model they have as
If-None-Match. The answer is 304 while the published model (models/published.json,
see publishing.py) is the one they have, else 200 with the model and its ETag (the
model file's SHA-256), so a Rasa server swaps models without a restart. 404 when
nothing is published.

`GET /status` says which model is published and which servers have asked lately and
whether they already have it ("live on 2 of 2 servers"); the content designer shows it.

Access: it listens on 127.0.0.1 by default. Set MODEL_SERVER_TOKEN in the environment
to require that token (Rasa sends it as `?token=...` when endpoints.yml has
`token: ${MODEL_SERVER_TOKEN}` under `models`); a server listening on another address
refuses to start without one. Requests are not logged with their query string, so the
token never reaches a log.
"""
import argparse
import hmac
import json
import logging
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional
from urllib.parse import parse_qs, urlsplit

from hospital_faq.ops import publishing
from hospital_faq.paths import MODELS_DIR

logger = logging.getLogger(__name__)
TOKEN_VARIABLE = "MODEL_SERVER_TOKEN"
DEFAULT_PORT = 5056
# A Rasa server that asked within this many seconds counts as a current client.
CLIENT_MEMORY_SECONDS = 120
CHUNK = 1 << 20


def etag_matches(header: Optional[str], etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (quoted or not, as Rasa sends it back)."""
    if not header:
        return False
    names = [n.strip() for n in header.split(",")]
    return "*" in names or any(n.removeprefix("W/").strip('"') == etag.strip('"') for n in names)


class ModelHandler(BaseHTTPRequestHandler):
    server: "ModelServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # the query string may hold the token
        logger.debug("%s %s", self.command, urlsplit(self.path).path)

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _send(self, status: int, body: bytes = b"", headers: Optional[Dict[str, str]] = None,
              with_body: bool = True) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), "Cache-Control": "no-cache",
                            "X-Content-Type-Options": "nosniff", **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)

    def _json(self, status: int, value, with_body: bool) -> None:
        self._send(status, json.dumps(value).encode(), {"Content-Type": "application/json"}, with_body)

    def _respond(self, with_body: bool) -> None:
        url = urlsplit(self.path)
        if not self.server.allows(parse_qs(url.query).get("token", [""])[0], self.headers.get("Authorization", "")):
            self._json(401, {"error": "a valid token is required"}, with_body)
            return
        if url.path == "/model":
            self._model(with_body)
        elif url.path == "/status":
            self._json(200, self.server.status(), with_body)
        elif url.path == "/health":
            self._json(200, {"status": "ok"}, with_body)
        else:
            self._json(404, {"error": "not found"}, with_body)

    def _model(self, with_body: bool) -> None:
        model = publishing.published_model(self.server.models_dir)
        if model is None:
            self._json(404, {"error": "no model is published"}, with_body)
            return
        etag = publishing.file_digest(model)
        has_it = etag_matches(self.headers.get("If-None-Match"), etag)
        self.server.saw(self.client_address[0], self.headers.get("If-None-Match") or "", etag)
        if has_it:
            self._send(304, headers={"ETag": f'"{etag}"'}, with_body=False)
            return
        size = model.stat().st_size
        self.send_response(200)
        for name, value in {"Content-Type": "application/gzip", "Content-Length": str(size), "ETag": f'"{etag}"',
                            "filename": model.name, "Cache-Control": "no-cache"}.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            with open(model, "rb") as handle:
                for block in iter(lambda: handle.read(CHUNK), b""):
                    self.wfile.write(block)
        logger.info("Sent the published model %s to %s", model.name, self.client_address[0])


class ModelServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, host: str = "127.0.0.1", models_dir: Path = MODELS_DIR,
                 token: Optional[str] = None):
        if host not in ("127.0.0.1", "localhost", "::1") and not token:
            raise SystemExit(f"The model server listens on {host}, beyond this machine: set {TOKEN_VARIABLE} "
                             "(and `token: ${" + TOKEN_VARIABLE + "}` under `models` in endpoints.yml).")
        self.models_dir, self.token = Path(models_dir), token or ""
        self.clients: Dict[str, Dict] = {}
        self._lock = threading.Lock()
        super().__init__((host, port), ModelHandler)

    def allows(self, token: str, authorization: str) -> bool:
        if not self.token:
            return True
        given = token or authorization.removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), self.token.encode())

    def saw(self, client: str, has: str, published_etag: str) -> None:
        with self._lock:
            self.clients[client] = {"last_pull": time.time(), "has_published": etag_matches(has, published_etag)}

    def status(self) -> Dict:
        record = publishing.published(self.models_dir) or {}
        now = time.time()
        with self._lock:
            recent = {c: dict(v) for c, v in self.clients.items() if now - v["last_pull"] < CLIENT_MEMORY_SECONDS}
        return {
            "published": {k: record.get(k) for k in ("model", "published_at", "by", "sha256")} if record else None,
            "servers": [{"address": c, "seconds_since_pull": round(now - v["last_pull"], 1),
                         "has_published": v["has_published"]} for c, v in sorted(recent.items())],
        }


def url_in(endpoints: Path) -> Optional[str]:
    """The model server named in endpoints.yml (`models: url: .../model`), as its base URL; or None."""
    import yaml

    try:
        models = (yaml.safe_load(Path(endpoints).read_text(encoding="utf-8")) or {}).get("models") or {}
        url = str(models.get("url") or "")
    except (OSError, yaml.YAMLError, AttributeError):
        return None
    return (url[: -len("/model")] if url.endswith("/model") else url) or None


def wait_until_serving(url: str, timeout: float = 60) -> bool:
    """Waits until the model server at `url` answers (Rasa takes its first model from it)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, help=f"default: the port of the `models` url in --endpoints, else "
                                                 f"MODEL_SERVER_PORT, else {DEFAULT_PORT}")
    parser.add_argument("--host", default=os.environ.get("MODEL_SERVER_HOST", "127.0.0.1"))
    parser.add_argument("--models", type=Path, default=MODELS_DIR, help="the models folder (default models/)")
    parser.add_argument("--endpoints", type=Path, help="endpoints.yml, whose `models` url gives the port")
    parser.add_argument("--wait", action="store_true", help="don't serve: wait until the model server named in "
                                                            "--endpoints answers (scripts/run), then exit")
    args = parser.parse_args(argv)
    named = url_in(args.endpoints) if args.endpoints else None
    if args.wait:
        if named and not wait_until_serving(named):
            raise SystemExit(f"The model server at {named} did not answer: see logs/model_server.log.")
        return
    args.port = args.port or (urlsplit(named).port if named else None) or \
        int(os.environ.get("MODEL_SERVER_PORT", DEFAULT_PORT))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = ModelServer(args.port, args.host, args.models, os.environ.get(TOKEN_VARIABLE))
    record = publishing.published(args.models)
    logger.info("Model server on %s:%d serving %s%s", args.host, args.port,
                record["model"] if record else "nothing yet (no model is published)",
                " (token required)" if server.token else "")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

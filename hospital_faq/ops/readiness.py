"""Waits until the assistant really answers, or says why not.

    python -m hospital_faq.ops.readiness RASA_URL ACTIONS_URL [TIMEOUT_SECONDS]

Ready means: the action server is healthy, and a greeting sent through the REST
channel gets its real reply (so the model is loaded and can call actions).
"""
import sys
import time

import requests

from hospital_faq.knowledge import replies

READINESS_SENDER = "readiness-check"


def _answers(rasa_url: str, actions_url: str) -> bool:
    try:
        if not requests.get(f"{actions_url}/health", timeout=2).ok:
            return False
        reply = requests.post(
            f"{rasa_url}/webhooks/rest/webhook",
            json={"sender": READINESS_SENDER, "message": "/greet"},
            timeout=30,
        )
        texts = [m.get("text") for m in reply.json()] if reply.ok else []
        return bool(texts) and replies.unavailable() not in texts
    except (requests.RequestException, ValueError):
        return False


def wait_until_ready(rasa_url: str, actions_url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(rasa_url, actions_url):
        if time.monotonic() > deadline:
            raise SystemExit(f"The assistant did not answer within {timeout:.0f} s: see logs/.")
        time.sleep(0.5)


if __name__ == "__main__":
    wait_until_ready(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 300)

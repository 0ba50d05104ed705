"""The model server and publishing (ops/model_server.py, ops/publishing.py): what Rasa's
model pull sees (ETag, 304, 404, the token) and when a model may be published."""
import json
import threading
from pathlib import Path

import pytest
import requests

from hospital_faq.ops import publishing
from hospital_faq.ops.launcher import free_port
from hospital_faq.ops.model_server import ModelServer, etag_matches, url_in

GOOD = {"topic_accuracy": 0.969, "out_of_scope_answered_with_fact": 0.0, "emergency_recall": 1.0,
        "training_emergency_recall": 1.0, "in_scope_wrong_topic": 0.006, "messages": 481}


@pytest.fixture
def models(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    for name, content in (("faq-aaa.tar.gz", b"first model" * 1000), ("faq-bbb.tar.gz", b"second model" * 1000)):
        (folder / name).write_bytes(content)
    return folder


def serve(models: Path, token: str = ""):
    server = ModelServer(free_port(), "127.0.0.1", models, token or None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_it_serves_the_published_model_with_an_etag_and_304_while_it_is_unchanged(models):
    server, url = serve(models)
    try:
        assert requests.get(f"{url}/model", timeout=5).status_code == 404  # nothing published yet
        publishing.publish(models / "faq-aaa.tar.gz", "erin", directory=models)
        first = requests.get(f"{url}/model", timeout=5)
        assert first.status_code == 200 and first.content == (models / "faq-aaa.tar.gz").read_bytes()
        assert first.headers["filename"] == "faq-aaa.tar.gz"
        etag = first.headers["ETag"]
        # Rasa sends back the ETag it got (quoted or not) as If-None-Match.
        for sent in (etag, etag.strip('"')):
            assert requests.get(f"{url}/model", headers={"If-None-Match": sent}, timeout=5).status_code == 304
        assert server.status()["servers"][0]["has_published"]
        publishing.publish(models / "faq-bbb.tar.gz", "rita", directory=models)
        changed = requests.get(f"{url}/model", headers={"If-None-Match": etag}, timeout=5)
        assert changed.status_code == 200 and changed.headers["ETag"] != etag
        assert changed.content == (models / "faq-bbb.tar.gz").read_bytes()
        status = requests.get(f"{url}/status", timeout=5).json()
        assert status["published"]["model"] == "faq-bbb.tar.gz" and status["published"]["by"] == "rita"
        assert not status["servers"][0]["has_published"]  # it asked with the old one: loading the new one now
        assert requests.get(f"{url}/../models/faq-aaa.tar.gz", timeout=5).status_code == 404
    finally:
        server.shutdown()
        server.server_close()


def test_with_a_token_nothing_is_served_without_it(models):
    publishing.publish(models / "faq-aaa.tar.gz", "erin", directory=models)
    server, url = serve(models, token="s3cret-token-from-the-environment")
    try:
        assert requests.get(f"{url}/model", timeout=5).status_code == 401
        assert requests.get(f"{url}/model", params={"token": "wrong"}, timeout=5).status_code == 401
        assert requests.get(f"{url}/status", timeout=5).status_code == 401
        assert requests.get(f"{url}/model", params={"token": "s3cret-token-from-the-environment"}, timeout=5).ok
        assert requests.get(f"{url}/model", headers={"Authorization": "Bearer s3cret-token-from-the-environment"},
                            timeout=5).ok
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(SystemExit, match="MODEL_SERVER_TOKEN"):
        ModelServer(free_port(), "0.0.0.0", models)


def test_etags_match_as_rasa_and_browsers_send_them():
    assert etag_matches('"abc"', "abc") and etag_matches("abc", "abc") and etag_matches('W/"abc"', "abc")
    assert etag_matches('"x", "abc"', "abc") and etag_matches("*", "abc")
    assert not etag_matches(None, "abc") and not etag_matches("0f1e2d", "abc")


def test_publishing_replaces_the_pointer_in_one_step_and_keeps_a_log(models):
    assert publishing.published(models) is None and publishing.published_model(models) is None
    assert "Published faq-aaa" in publishing.first_start(models / "faq-aaa.tar.gz", models)
    assert "Serving the published model faq-aaa" in publishing.first_start(models / "faq-aaa.tar.gz", models)
    said = publishing.first_start(models / "faq-bbb.tar.gz", models)
    assert "faq-bbb.tar.gz is trained for it but not published" in said  # a restart never publishes by itself
    publishing.publish(models / "faq-bbb.tar.gz", "adam", scores=GOOD, confirmed="adam: drill", directory=models)
    record = json.loads((models / "published.json").read_text())
    assert record["model"] == "faq-bbb.tar.gz" and record["confirmed"] == "adam: drill"
    assert [r["model"] for r in publishing.publish_log(models)] == ["faq-bbb.tar.gz", "faq-aaa.tar.gz"]
    assert not list(models.glob(".published.json-*"))  # no temporary file left behind
    with pytest.raises(ValueError):
        publishing.publish(models.parent / "elsewhere.tar.gz", "erin", directory=models)
    (models / "faq-bbb.tar.gz").unlink()
    assert publishing.published_model(models) is None  # a pointer to a missing file is no model


def test_a_model_that_misses_an_emergency_or_scores_lower_needs_a_confirmation():
    assert publishing.refusals(GOOD, GOOD) == []
    assert publishing.refusals(GOOD, None) == []  # nothing live yet: only the emergencies count
    missed = publishing.refusals({**GOOD, "emergency_recall": 29 / 30}, GOOD)
    assert len(missed) == 1 and "misses emergencies" in missed[0]
    assert "misses emergencies" in publishing.refusals({**GOOD, "training_emergency_recall": 0.99}, None)[0]
    lower = publishing.refusals({**GOOD, "topic_accuracy": 0.95}, GOOD)
    assert len(lower) == 1 and "scores lower than the live model" in lower[0] and "95.0%" in lower[0]
    assert publishing.refusals({**GOOD, "out_of_scope_answered_with_fact": 0.015}, GOOD)
    assert publishing.refusals({**GOOD, "topic_accuracy": GOOD["topic_accuracy"] - 0.0001}, GOOD) == []  # noise
    assert publishing.refusals({**GOOD, "topic_accuracy": 0.99}, GOOD) == []  # better is fine


def test_the_model_server_is_found_in_endpoints_yml(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text('models:\n  url: "http://127.0.0.1:5056/model"\n  wait_time_between_pulls: 3\n')
    assert url_in(endpoints) == "http://127.0.0.1:5056"
    endpoints.write_text("action_endpoint:\n  url: http://localhost:5055/webhook\n")
    assert url_in(endpoints) is None
    assert url_in(Path(__file__).parent.parent / "endpoints.yml") == "http://127.0.0.1:5056"

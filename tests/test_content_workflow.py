"""The content team's whole job, in a copy of the project: add a topic with
`scripts/content add` (answers typed on its standard input), retrain, start the
assistant on the copy and ask the new question over REST; then edit the answer in
topics.yml and see the running assistant use the new wording without retraining."""
import os
import subprocess
import sys
import time

import pytest

from hospital_faq.ops.launcher import RunningAssistant
from tests.support import copy_project

# Starts the Rasa and action servers (or trains): `scripts/test -m "not integration"` skips it.
pytestmark = pytest.mark.integration

ANSWER = ("Our Knowledge Center has news and information about spine tumors: blog posts, articles, "
          "videos and more. Your care team can tell you which ones fit your situation.")
EXAMPLES = [
    "are there videos about spinal tumors",
    "where can I find articles about spine tumors",
    "do you have a blog about spine tumors",
    "I want to read more about spinal tumors, any articles?",
    "where can I watch videos on spine tumor treatment",
    "is there a knowledge center for spine tumors",
    "any news about spinal tumors I can read",
    "reading material about spine tumors",
    "can you recommend videos explaining spinal tumors",
    "where do I find news releases about spine tumors",
    "blog posts about spinal cord tumors",
    "educational videos on spine tumors for my family",
]
TYPED = [
    "Articles and videos",  # title
    "",  # id: the one suggested, articles_and_videos
    "5",  # theme: Support and next steps
    ANSWER, "",
    "",  # how it is given: none
    "2",  # source: spinal_tumor_treatment
    "Find the latest news and information about spine tumors in our Knowledge Center, including blog "
    "posts, articles, videos, news releases and more.", "",
    "",  # note: none
    "support_services, clinical_trials",
    *EXAMPLES, "",
    "A. Educator, RN (patient education)",
    "2026-11-20",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("project"))


def run_in(project, *args, **kwargs):
    env = {k: v for k, v in os.environ.items() if k not in ("FACTS_DIR", "MODELS_DIR", "HOSPITAL_CONFIG")}
    return subprocess.run([sys.executable, "-m", *args], cwd=project, env=env, capture_output=True, text=True,
                          **kwargs)


@pytest.fixture(scope="module")
def running_copy(project, tmp_path_factory):
    added = run_in(project, "hospital_faq.content", "add", input="\n".join(TYPED) + "\n")
    assert added.returncode == 0, added.stdout + added.stderr
    assert "Saved topic 'articles_and_videos'" in added.stdout
    trained = run_in(project, "hospital_faq.content", "train", timeout=1200)
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    assert "Trained faq-" in trained.stdout
    [model] = (project / "models").glob("faq-*.tar.gz")
    assistant = RunningAssistant(model, tmp_path_factory.mktemp("copy-run"), project=project)
    try:
        yield assistant.start()
    finally:
        assistant.stop()


def test_a_topic_added_with_the_command_is_answered_after_retraining(running_copy):
    reply = running_copy.ask("are there videos about spinal tumors", "content-1")
    assert reply[0]["text"].startswith(ANSWER), reply
    assert reply[-1]["buttons"] == [{"title": "Make an appointment", "payload": "/ask_appointment"}]


def test_an_edited_answer_is_live_within_seconds_without_retraining(running_copy, project):
    models = sorted((project / "models").iterdir())
    topics = project / "facts" / "topics.yml"
    text = topics.read_text(encoding="utf-8")
    assert text.count("Our Knowledge Center has news") == 1
    topics.write_text(text.replace("Our Knowledge Center has news", "Our Knowledge Center (EDITED) has news"),
                      encoding="utf-8")
    deadline = time.monotonic() + 10
    while True:
        reply = running_copy.ask("where can I find articles about spine tumors", "content-2")
        if reply[0]["text"].startswith("Our Knowledge Center (EDITED) has news") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert reply[0]["text"].startswith("Our Knowledge Center (EDITED) has news"), reply
    assert sorted((project / "models").iterdir()) == models  # nothing was retrained

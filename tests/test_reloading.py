"""Edits that can't take the assistant down: messages.yml and hospital.yml are re-read when
they change, like the fact store, and a broken edit keeps the last good version in use."""
import os

import pytest

from hospital_faq.knowledge import replies
from hospital_faq.paths import FACTS_DIR, PROJECT_ROOT


@pytest.fixture
def copies(tmp_path, monkeypatch):
    """messages.yml and hospital.yml in a folder of their own, used by the replies."""
    from hospital_faq.knowledge import messages

    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "messages.yml").write_text((FACTS_DIR / "messages.yml").read_text())
    (tmp_path / "hospital.yml").write_text((PROJECT_ROOT / "hospital.yml").read_text())
    monkeypatch.setattr(messages, "FACTS_DIR", facts)
    monkeypatch.setenv("HOSPITAL_CONFIG", str(tmp_path / "hospital.yml"))
    return facts / "messages.yml", tmp_path / "hospital.yml"


def edit(path, text, stamp):
    path.write_text(text)
    os.utime(path, ns=(stamp, stamp))  # a new modification time, however coarse the file system's clock


def test_an_edited_message_is_used_at_once_and_a_broken_edit_keeps_the_last_good_one(copies, caplog):
    messages_file, _ = copies
    original = messages_file.read_text()
    edit(messages_file, original.replace("thanks: You're welcome!", "thanks: Glad to help!"), 10**18)
    assert replies.text("thanks").startswith("Glad to help!")
    edit(messages_file, original.replace("thanks: You're welcome!", "thanks: [unclosed"), 2 * 10**18)
    assert replies.text("thanks").startswith("Glad to help!")
    assert "last good version stays in use" in caplog.text and "messages.yml" in caplog.text
    edit(messages_file, original.replace("greeting: >-", "greetings: >-"), 3 * 10**18)  # a text gone
    assert replies.text("thanks").startswith("Glad to help!")


def test_a_broken_hospital_file_keeps_the_last_good_details(copies):
    _, hospital_file = copies
    number = replies.text("human")
    edit(hospital_file, "name: Example Hospital\nphone: [\n", 10**18)
    assert replies.text("human") == number


def test_with_no_good_version_at_all_the_apology_still_gets_out(copies):
    messages_file, _ = copies
    edit(messages_file, "unavailable: {oops\n", 5 * 10**18)
    with pytest.raises(Exception):
        replies.text("unavailable")
    assert replies.unavailable() == replies.LAST_RESORT

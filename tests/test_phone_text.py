"""Replies written for a phone, and the words a phone can send: no server needed."""
import pytest

from hospital_faq.channels.twilio import phone_text
from hospital_faq.channels.twilio.keywords import keyword

HINT = "Reply with a number."


def test_links_become_plain_urls_and_markup_goes():
    text = 'See [our page](https://a.example/x), <a href="https://b.example">this</a> and <b>**that**</b><br>ok'
    assert phone_text.plain(text) == "See our page: https://a.example/x, this: https://b.example and that\nok"


def test_typographic_characters_become_plain_so_sms_stay_gsm7():
    text = phone_text.plain("It\u2019s \u201cfine\u201d \u2014 really\u2026")
    assert text == 'It\'s "fine" - really...'
    assert phone_text.segments(text) == 1


def test_buttons_become_numbered_options_across_messages_with_one_hint():
    messages = [
        {"text": "Did you mean:", "buttons": [{"title": "Surgery", "payload": "/ask_surgery"}]},
        {"text": "Or:", "buttons": [{"title": "Proton therapy", "payload": "/ask_proton_therapy"},
                                    {"title": "Our site", "url": "https://a.example"}]},
        {"text": "To make an appointment, call us."},
    ]
    assert phone_text.compose(messages, HINT) == [
        "Did you mean:\n1. Surgery\n\nOr:\n2. Proton therapy\nOur site: https://a.example\n"
        f"{HINT}\n\nTo make an appointment, call us."
    ]
    assert [b["payload"] for b in phone_text.options(messages)] == ["/ask_surgery", "/ask_proton_therapy"]


def test_a_reply_without_options_has_no_hint():
    assert phone_text.compose([{"text": "Hello"}], HINT) == ["Hello"]


def test_a_long_reply_is_split_between_paragraphs_and_labelled():
    paragraphs = [f"Paragraph {i}. " + "A sentence of the answer. " * 35 for i in range(4)]  # ~900 characters
    parts = phone_text.split(paragraphs)
    assert [p[:len("(1/4) Paragraph 0.")] for p in parts] == [f"({i + 1}/4) Paragraph {i}." for i in range(4)]
    assert all(phone_text.length(p) <= phone_text.MAX_MESSAGE_LENGTH for p in parts)


def test_short_paragraphs_share_a_message():
    parts = phone_text.split(["Answer. " * 60, "Source.", "To make an appointment, call us."])
    assert len(parts) == 1 and parts[0].endswith("Source.\n\nTo make an appointment, call us.")


def test_an_overlong_paragraph_is_split_between_sentences_not_words():
    paragraph = " ".join(f"Sentence number {i} is here." for i in range(200))
    parts = phone_text.split([paragraph])
    assert len(parts) > 1
    for part in parts:
        assert phone_text.length(part) <= phone_text.MAX_MESSAGE_LENGTH
        assert part.endswith("here.")


def test_one_unbroken_run_is_still_cut_to_size():
    parts = phone_text.split(["x" * 5000])
    assert all(phone_text.length(p) <= phone_text.MAX_MESSAGE_LENGTH for p in parts)
    assert sum(p.count("x") for p in parts) == 5000


@pytest.mark.parametrize("text, count", [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("{" * 80, 1), ("{" * 81, 2),
    ("\u00e9" * 160, 1), ("\u4e2d" * 70, 1), ("\u4e2d" * 71, 2), ("\U0001F600" * 35, 1), ("\U0001F600" * 36, 2),
])
def test_sms_segments_are_counted_as_carriers_count_them(text, count):
    assert phone_text.segments(text) == count


@pytest.mark.parametrize("text, number", [
    ("2", 2), (" 12 ", 12), ("3.", 3), ("#1", 1), ("4)", 4),
    ("2 pills", None), ("two", None), ("", None), ("1.5", None), ("10000", None),
])
def test_a_numbered_reply_is_recognised(text, number):
    assert phone_text.chosen_number(text) == number


@pytest.mark.parametrize("text, word", [
    ("STOP", "STOP"), ("stop", "STOP"), (" Stop. ", "STOP"), ("QUIT!", "QUIT"), ("help", "HELP"),
    ("stop chemo?", None), ("should I stop", None), ("", None), ("\U0001F600", None),
])
def test_carrier_keywords_are_whole_messages(text, word):
    assert keyword(text) == word

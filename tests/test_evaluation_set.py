"""The evaluation sets are big enough and independent of the training data."""
import re
from collections import Counter

import pytest
import yaml

from rasa.shared.nlu.training_data.loading import load_data

from hospital_faq.ops.evaluate import TEST_SET
from hospital_faq.knowledge.fact_store import FactStore

# Multi-turn conversations (issue 13): their own format, not Rasa NLU data.
CONVERSATIONS = TEST_SET.parent / "conversations.yml"
NLU_SETS = [path for path in sorted(TEST_SET.parent.glob("*.yml")) if path != CONVERSATIONS]
REPLY_KINDS = {"emergency", "urgent", "medical_advice", "out_of_scope", "booking", "clarify",
               "greeting", "thanks", "goodbye", "feedback", "other_language", "help"}


def normalise(text):
    return re.sub(r"\s+", " ", text.lower()).strip(" ?!.")


def training_messages():
    training = {normalise(e) for t in FactStore.load().topics for e in t.examples}
    return training | {normalise(m.get("text")) for m in load_data("data/nlu.yml").intent_examples}


def conversations():
    return yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]


@pytest.mark.parametrize("evaluation_set", NLU_SETS, ids=lambda p: p.name)
def test_no_evaluation_message_is_a_training_example(evaluation_set):
    training = training_messages()
    copied = [m.get("text") for m in load_data(str(evaluation_set)).intent_examples
              if normalise(m.get("text")) in training]
    assert not copied


def test_no_conversation_message_is_a_training_example():
    training = training_messages()
    copied = [turn["user"] for conversation in conversations() for turn in conversation["turns"]
              if normalise(turn["user"]) in training]
    assert not copied


def test_the_conversations_are_multi_turn_with_one_known_expectation_per_turn():
    topic_ids = {topic.id for topic in FactStore.load().topics}
    ids = [conversation["id"] for conversation in conversations()]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    for conversation in conversations():
        assert 3 <= len(conversation["turns"]) <= 6, conversation["id"]
        for turn in conversation["turns"]:
            assert isinstance(turn["user"], str) and turn["user"].strip(), conversation["id"]
            [(kind, expected)] = turn["expect"].items()
            if kind == "reply":
                assert expected in REPLY_KINDS, (conversation["id"], turn["user"])
            else:
                assert kind in ("topic", "not_covered"), (conversation["id"], turn["user"])
                expected_ids = expected if isinstance(expected, list) else [expected]
                assert expected_ids and set(expected_ids) <= topic_ids, (conversation["id"], turn["user"])


def test_the_test_set_covers_every_topic_and_the_safety_paths():
    counts = Counter(m.get("intent") for m in load_data(str(TEST_SET)).intent_examples)
    for topic in FactStore.load().topics:
        assert counts[topic.intent] >= 8, topic.id
    assert counts["out_of_scope"] >= 40 and counts["emergency"] >= 15 and counts["medical_advice"] >= 15

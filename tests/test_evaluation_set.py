"""The held-out evaluation set is big enough and independent of the training data."""
import re
from collections import Counter

import pytest

from rasa.shared.nlu.training_data.loading import load_data

from hospital_faq.ops.evaluate import TEST_SET
from hospital_faq.knowledge.fact_store import FactStore


def normalise(text):
    return re.sub(r"\s+", " ", text.lower()).strip(" ?!.")


@pytest.mark.parametrize("evaluation_set", sorted(TEST_SET.parent.glob("*.yml")), ids=lambda p: p.name)
def test_no_evaluation_message_is_a_training_example(evaluation_set):
    training = {normalise(e) for t in FactStore.load().topics for e in t.examples}
    training |= {normalise(m.get("text")) for m in load_data("data/nlu.yml").intent_examples}
    copied = [m.get("text") for m in load_data(str(evaluation_set)).intent_examples
              if normalise(m.get("text")) in training]
    assert not copied


def test_the_test_set_covers_every_topic_and_the_safety_paths():
    counts = Counter(m.get("intent") for m in load_data(str(TEST_SET)).intent_examples)
    for topic in FactStore.load().topics:
        assert counts[topic.intent] >= 8, topic.id
    assert counts["out_of_scope"] >= 40 and counts["emergency"] >= 15 and counts["medical_advice"] >= 15

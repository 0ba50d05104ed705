"""The intent classifier on its own: trained on a few intents, saved, loaded and asked."""
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from hospital_faq.nlu.linear_classifier import LinearIntentClassifier
from hospital_faq.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer

EXAMPLES = {
    "ask_intrathecal_chemo": ["what is intrathecal chemotherapy", "intrathecal chemo for spinal tumors",
                              "how is intrathecal chemo given", "IT chemo through a lumbar puncture"],
    "ask_corticosteroids": ["why do they give dexamethasone", "what is decadron for",
                            "steroids to reduce swelling around the spinal cord", "corticosteroids for a spine tumor"],
    "out_of_scope": ["where do I park", "what are your visiting hours", "tell me a joke", "how do I pay my bill"],
}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    context = ExecutionContext(GraphSchema({}), "test")
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(), storage, Resource("sentence"), context)
    config = LinearIntentClassifier.get_default_config()
    classifier = LinearIntentClassifier.create(config, storage, Resource("classifier"), context)
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in EXAMPLES.items() for text in texts])
    featurizer.process_training_data(tokenizer.process_training_data(data))
    classifier.train(data)
    loaded = LinearIntentClassifier.load(config, storage, Resource("classifier"), context)

    def classify(text, model=loaded):
        [message] = model.process(featurizer.process(tokenizer.process([Message(data={"text": text})])))
        return message

    return classify, classifier


def test_meaning_finds_the_intent_without_shared_words(pipeline):
    classify, _ = pipeline
    # Its words lean to the steroid examples ("spinal", "medicine"-like); without the
    # sentence embedding (sentence_weight 0) it is classified as ask_corticosteroids.
    message = classify("a needle in the lower back to deliver cancer medicine into the spinal fluid")
    assert message.get("intent")["name"] == "ask_intrathecal_chemo"


def test_a_misspelt_drug_name_is_recognised(pipeline):
    classify, _ = pipeline
    assert classify("dexamethazone?").get("intent")["name"] == "ask_corticosteroids"


def test_the_saved_model_ranks_like_the_trained_one(pipeline):
    classify, trained = pipeline
    loaded = classify("is there parking for patients").get("intent_ranking")
    fresh = classify("is there parking for patients", model=trained).get("intent_ranking")
    assert [r["name"] for r in loaded] == [r["name"] for r in fresh]
    assert loaded[0]["name"] == "out_of_scope"
    assert sum(r["confidence"] for r in loaded) == pytest.approx(1.0)


def test_an_empty_message_still_gets_a_ranking(pipeline):
    classify, _ = pipeline
    ranking = classify("").get("intent_ranking")
    assert len(ranking) == len(EXAMPLES) and ranking[0]["confidence"] < 0.9

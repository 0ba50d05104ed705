"""The numpy sentence encoder reproduces all-MiniLM-L6-v2 and places paraphrases together."""
import numpy as np
import pytest

from hospital_faq.nlu.sentence_encoder import load_encoder


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


def test_matches_the_published_model(encoder):
    # sentence-transformers' documentation gives 0.8939 for this pair with all-MiniLM-L6-v2.
    similarity = encoder.encode("The new movie is awesome") @ encoder.encode("The new movie is so great")
    assert similarity == pytest.approx(0.8939, abs=0.001)


def test_a_lay_paraphrase_is_nearer_than_another_topic(encoder):
    question = encoder.encode("can they put chemo straight into the spine fluid?")
    same = encoder.encode("what is intrathecal chemotherapy into the cerebrospinal fluid")
    other = encoder.encode("how do I make an appointment")
    assert question @ same > question @ other + 0.2


def test_tokenizer_is_bert_uncased(encoder):
    assert encoder.tokenizer.basic_tokens("Is Keytruda chemo?? Ara-C, héllo") == [
        "is", "keytruda", "chemo", "?", "?", "ara", "-", "c", ",", "hello"]


def test_one_vector_per_word_even_for_emoji_and_batches(encoder):
    texts = [["what", "is", "proton", "therapy"], ["🙂"], ["chemo"] * 400]
    batched = encoder.encode_words(texts)
    for words, (sentence, per_word) in zip(texts, batched):
        assert sentence.shape == (384,) and per_word.shape == (len(words), 384)
        assert np.linalg.norm(sentence) == pytest.approx(1.0, abs=1e-4)
    alone = encoder.encode_words([texts[0]])[0]
    assert np.allclose(alone[0], batched[0][0], atol=1e-5)


def test_other_weights_change_rasas_training_fingerprint_of_the_featurizer(tmp_path):
    """Rasa caches each trained component by a fingerprint of its class's code and settings.
    The encoder's weights and code are not in it by themselves: the featurizer adds them, so
    other weights recompute the features and retrain the classifier instead of reusing it."""
    import shutil

    from rasa.engine.training.fingerprinting import calculate_fingerprint_key

    from hospital_faq.nlu.sentence_encoder import DEFAULT_MODEL_DIR
    from hospital_faq.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer

    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(DEFAULT_MODEL_DIR / name, copy / name)
    (copy / "model.safetensors").write_bytes(b"weights, version 1")

    def key():
        config = {**SentenceEmbeddingFeaturizer.get_default_config(), "model_dir": str(copy)}
        return calculate_fingerprint_key(SentenceEmbeddingFeaturizer, config, {})

    before = key()
    assert key() == before
    (copy / "model.safetensors").write_bytes(b"weights, version 2")
    assert key() != before

"""A Rasa intent classifier: logistic regression over words, character n-grams and meaning.

Each message becomes one long vector: TF-IDF weights of its words and word pairs
("spinal tap", "side effects"), TF-IDF weights of its character n-grams (so
"dexamethazone" lands near "dexamethasone"), and its sentence embedding from
SentenceEmbeddingFeaturizer (so "chemo into the spine fluid" lands near
"intrathecal chemotherapy"). A multinomial logistic regression turns that vector into
one probability per intent, which the FallbackClassifier then thresholds.

Why not DIET: on the same training data this classifier answered more topic
questions right on every evaluation set (config.yml gives the figures) and trains in
seconds instead of minutes. Rasa's own LogisticRegressionClassifier takes raw counts
and balances the classes, which weakens the large out-of-scope class; here the
counts are TF-IDF weighted and the regularisation strength is a setting.
"""
import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent_classifier.skops"
# What the saved model may contain besides scikit-learn's own classes (skops refuses
# anything it has not been told to trust).
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 50.0,  # inverse regularisation strength of the logistic regression
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 4],
            "sentence_weight": 2.0,  # scale of the sentence embedding against the TF-IDF blocks
            "ranking_length": 10,
            "random_seed": 42,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model  # {"words": TfidfVectorizer, "chars": TfidfVectorizer, "classifier": LogisticRegression}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def _features(self, messages: List[Message]) -> csr_matrix:
        texts = [m.get(TEXT) or "" for m in messages]
        blocks = [self.model["words"].transform(texts), self.model["chars"].transform(texts)]
        sentences = [self._sentence_vector(m) for m in messages]
        if all(s is not None for s in sentences) and sentences:
            blocks.append(csr_matrix(np.vstack(sentences) * self.config["sentence_weight"]))
        return hstack(blocks).tocsr()

    @staticmethod
    def _sentence_vector(message: Message) -> Optional[np.ndarray]:
        _, sentence = message.get_dense_features(TEXT)
        return None if sentence is None else np.asarray(sentence.features).reshape(-1)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("No intent examples: nothing to train.")
            return self._resource
        texts = [e.get(TEXT) for e in examples]
        low, high = self.config["word_ngrams"]
        words = TfidfVectorizer(ngram_range=(low, high), sublinear_tf=True, strip_accents="unicode")
        low, high = self.config["char_ngrams"]
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), sublinear_tf=True,
                                strip_accents="unicode")
        words.fit(texts)
        chars.fit(texts)
        self.model = {"words": words, "chars": chars,
                      "classifier": LogisticRegression(C=self.config["C"], max_iter=5000,
                                                       random_state=self.config["random_seed"])}
        self.model["classifier"].fit(self._features(examples), [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None or not messages:
            return messages
        probabilities = self.model["classifier"].predict_proba(self._features(messages))
        intents = self.model["classifier"].classes_
        for message, row in zip(messages, probabilities):
            ranking = [{INTENT_NAME_KEY: str(intents[i]), PREDICTED_CONFIDENCE_KEY: float(row[i])}
                       for i in np.argsort(-row)[: self.config["ranking_length"]]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # nothing later in the pipeline learns from its predictions

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                model = sio.load(directory / MODEL_FILE, trusted=TRUSTED_TYPES)
        except ValueError:  # trained without examples: nothing was saved
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, model)

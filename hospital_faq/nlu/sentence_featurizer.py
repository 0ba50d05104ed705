"""A Rasa NLU featurizer that adds sentence-embedding features (see sentence_encoder.py).

The intent classifier (linear_classifier.py) uses them beside its own word and
character n-grams: the n-grams catch exact drug names and typos, the embedding
what the question means.
"""
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.nlu.constants import TOKENS_NAMES

from hospital_faq.nlu.sentence_encoder import DEFAULT_MODEL_DIR, encoder_fingerprint, load_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_dir": str(DEFAULT_MODEL_DIR)}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass  # the only setting is the model's folder, checked when the model loads

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """Rasa's training cache knows this class's code and settings, not the encoder's
        code or weights: without this, a cached classifier would be reused with other features."""
        return encoder_fingerprint(config.get("model_dir") or str(DEFAULT_MODEL_DIR))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.encoder = load_encoder(config["model_dir"])

    def _featurize(self, messages: List[Message]) -> None:
        # Every message with a text, even an empty one: the classifier needs the same
        # kinds of features for every message it classifies.
        messages = [m for m in messages if m.get(TEXT) is not None]
        token_lists = [[t.text for t in m.get(TOKENS_NAMES[TEXT]) or []] for m in messages]
        for message, (sentence, per_word) in zip(messages, self.encoder.encode_words(token_lists)):
            self.add_features_to_message(
                sequence=per_word, sentence=sentence[np.newaxis, :], attribute=TEXT, message=message
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

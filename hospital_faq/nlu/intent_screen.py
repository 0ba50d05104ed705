"""Base of the deterministic NLU screens that run after the classifier (emergency, scope).

A screen looks at each classified message and may replace its intent with a sure
one: full confidence and a lone ranking entry, so the FallbackClassifier after it
(whose ambiguity check needs two entries) leaves it alone.
"""
from abc import abstractmethod
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


class IntentScreen(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentScreen":
        return cls()

    @abstractmethod
    def replacement(self, predicted: str, text: str) -> Optional[str]:
        """The intent this message must have instead of `predicted`, or None to keep it."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
            intent_name = self.replacement(predicted, message.get(TEXT) or "")
            if intent_name:
                intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages

"""A Rasa NLU component that makes sure emergency messages are never missed.

It runs after the intent classifier and before the FallbackClassifier. When a
message describes emergency symptoms (see safety.py), or the classifier's best
guess is already "emergency", it sets the intent to "emergency" with full
confidence, so low confidence can't turn it into a "did you mean...?" question.
"""
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from hospital_faq.safety import describes_emergency

EMERGENCY_INTENT = "emergency"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyScreen(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyScreen":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if predicted == EMERGENCY_INTENT or describes_emergency(message.get(TEXT) or ""):
                intent = {INTENT_NAME_KEY: EMERGENCY_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                # A lone ranking entry: the FallbackClassifier's ambiguity check needs two.
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages

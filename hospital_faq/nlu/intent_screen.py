"""Base of the deterministic NLU screens that run after the classifier (scope, urgent, emergency).

A screen looks at each classified message and may replace its intent with a sure
one: full confidence and a lone ranking entry, so the FallbackClassifier after it
(whose ambiguity check needs two entries) leaves it alone. The classifier's own
ranking is kept aside (CLASSIFIER_RANKING) for the screens after the first, so each
can still see what the classifier was unsure between.
"""
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Sequence

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

CLASSIFIER_RANKING = "classifier_ranking"
# Two intents this close in the classifier's ranking are a guess between them (the
# FallbackClassifier's ambiguity_threshold in config.yml is the same). Between two
# levels of safety, a guess goes to the higher one.
DOUBT_MARGIN = 0.1

Ranking = Sequence[Dict[str, Any]]


# A guess between two needs both to be plausible: in a flat ranking ("the doctor mentioned
# something": every intent a little likely) the second is no real candidate.
DOUBT_FLOOR = 0.25


def in_doubt_about(intent: str, ranking: Ranking) -> bool:
    """Whether `intent` was one of the classifier's two first choices, plausible (at least
    DOUBT_FLOOR) and within DOUBT_MARGIN of the first."""
    if not ranking:
        return False
    best = ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0
    return any(r.get(INTENT_NAME_KEY) == intent
               and (r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= max(best - DOUBT_MARGIN, DOUBT_FLOOR)
               for r in ranking[:2])


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
    def replacement(self, predicted: str, text: str, ranking: Ranking = ()) -> Optional[str]:
        """The intent this message must have instead of `predicted`, or None to keep it.
        `ranking` is the classifier's own ranking, likeliest first."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
            ranking = message.get(CLASSIFIER_RANKING) or message.get(INTENT_RANKING_KEY) or []
            intent_name = self.replacement(predicted, message.get(TEXT) or "", ranking)
            if intent_name:
                message.set(CLASSIFIER_RANKING, ranking)
                intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages

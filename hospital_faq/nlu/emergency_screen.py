"""A Rasa NLU component that makes sure emergency messages are never missed.

It runs after the intent classifier and the other screens, before the FallbackClassifier.
When a message describes emergency symptoms (see emergency_patterns.py), or the
classifier's best guess is already "emergency", or it was unsure between "emergency" and
"urgent" (the higher level wins a doubt), it sets the intent to "emergency" with full
confidence, so low confidence can't turn it into a "did you mean...?" question.
"""
from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from hospital_faq.nlu.intent_screen import IntentScreen, Ranking, in_doubt_about
from hospital_faq.nlu.emergency_patterns import describes_emergency

EMERGENCY_INTENT = "emergency"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyScreen(IntentScreen):
    def replacement(self, predicted: str, text: str, ranking: Ranking = ()) -> Optional[str]:
        if predicted == EMERGENCY_INTENT or describes_emergency(text):
            return EMERGENCY_INTENT
        if predicted == "urgent" and (in_doubt_about(EMERGENCY_INTENT, ranking)
                                      or _confidence(EMERGENCY_INTENT, ranking) >= max(_confidence("urgent", ranking), 0.05)):
            # urgent (by the patterns or the classifier), but the classifier thought an emergency
            # at least as likely: the higher level
            return EMERGENCY_INTENT
        return None


def _confidence(intent: str, ranking: Ranking) -> float:
    return next((r.get("confidence") or 0.0 for r in ranking if r.get("name") == intent), 0.0)

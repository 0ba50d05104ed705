"""A Rasa NLU component for the middle level of safety: symptoms that are getting worse.

It runs after the classifier and the scope screen, and before the emergency screen
(which has the last word: sudden or severe stays an emergency). When a message
describes new or worsening symptoms (urgent_patterns.py), or the classifier thought it
urgent, or was unsure between urgent and something less, the intent becomes "urgent"
with full confidence: the person is told to call the care team's after-hours line
today, and nothing else competes with that.
"""
from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from hospital_faq.nlu.emergency_screen import EMERGENCY_INTENT
from hospital_faq.nlu.intent_screen import IntentScreen, Ranking, in_doubt_about
from hospital_faq.nlu.urgent_patterns import describes_worsening_symptoms

URGENT_INTENT = "urgent"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UrgentScreen(IntentScreen):
    def replacement(self, predicted: str, text: str, ranking: Ranking = ()) -> Optional[str]:
        if predicted in (EMERGENCY_INTENT, URGENT_INTENT):
            return predicted  # sure, whatever the classifier's confidence
        if describes_worsening_symptoms(text) or in_doubt_about(URGENT_INTENT, ranking):
            return URGENT_INTENT
        return None

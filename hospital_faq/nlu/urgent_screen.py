"""A Rasa NLU component for the middle level of safety: symptoms that are getting worse.

It runs after the classifier and the scope screen, and before the emergency screen
(which has the last word: sudden or severe stays an emergency). When a message
describes new or worsening symptoms (urgent_patterns.py), or the classifier thought it
urgent, or was unsure between urgent and something less (then only if the message tells
of a symptom or the body at all), the intent becomes "urgent"
with full confidence: the person is told to call the care team's after-hours line
today, and nothing else competes with that.
"""
import re
from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from hospital_faq.nlu.emergency_screen import EMERGENCY_INTENT
from hospital_faq.nlu.intent_screen import IntentScreen, Ranking, in_doubt_about
from hospital_faq.nlu.urgent_patterns import describes_worsening_symptoms

URGENT_INTENT = "urgent"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UrgentScreen(IntentScreen):
    def replacement(self, predicted: str, text: str, ranking: Ranking = ()) -> Optional[str]:
        if predicted == EMERGENCY_INTENT:
            return predicted  # sure, whatever the classifier's confidence
        if describes_worsening_symptoms(text):
            return URGENT_INTENT
        # The classifier's own guess: urgent when it was its first choice, or a close second, as long
        # as the message tells of the body at all ("the doctor mentioned something" is no symptom).
        sure = predicted == URGENT_INTENT and _confidence(URGENT_INTENT, ranking) >= SURE
        if sure or (predicted == URGENT_INTENT or in_doubt_about(URGENT_INTENT, ranking)) and _BODY.search(text):
            return URGENT_INTENT
        return None


SURE = 0.5  # the fallback threshold in config.yml
# Words that tell of a symptom or of the body: an unsure guess at "urgent" needs one.
_BODY = re.compile(
    r"\b(?:numb\w*|tingl\w*|weak\w*|pain\w*|hurt\w*|ache\w*|aching|sore|walk\w*|legs?|arms?|hands?|fingers?|feet|foot"
    r"|knees?|back|neck|spine|spinal|balance|stumbl\w*|trip\w*|fall\w*|fell|bladder|bowels?|pee|grip|stairs|clums\w*"
    r"|heavy|wobbly|unsteady|symptoms?|worse|feel\w*|felt)\b",
    re.IGNORECASE,
)


def _confidence(intent: str, ranking: Ranking) -> float:
    return next((r.get("confidence") or 0.0 for r in ranking if r.get("name") == intent), 0.0)

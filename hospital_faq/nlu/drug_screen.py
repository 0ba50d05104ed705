"""A Rasa NLU component that keeps a question about a named drug on its class's topic.

The pages name only a few drugs per class, so the classifier has seen only those; a
question about another ("what is tucatinib?") may land on a neighbouring drug class
(BRAF instead of HER2) or nowhere. facts/drugs.yml says which topic every listed drug
belongs to. When a message names drugs of one topic, and the classifier chose another
drug-class topic, or was unsure (below `unsure_below`, the fallback threshold) of a
topic or of "out of scope", the intent becomes that drug's topic. Anything else the
classifier decided (a personal question, a symptom, a follow-up, a confident "out of
scope", a topic such as "how targeted drugs are given", or an unsure guess that may be a
personal question) is left alone, and the scope, urgent and emergency screens after it
still have their say.
"""
from typing import Any, Dict, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY

from hospital_faq.knowledge.drugs import current_drugs
from hospital_faq.knowledge.fact_store import intent_for, topic_id_of
from hospital_faq.nlu.intent_screen import IntentScreen, Ranking, in_doubt_about
from hospital_faq.nlu.personal_questions import asks_for_personal_advice

OUT_OF_SCOPE_INTENT = "out_of_scope"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DrugScreen(IntentScreen):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"unsure_below": 0.5}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "DrugScreen":
        return cls(float(config.get("unsure_below", 0.5)))

    def __init__(self, unsure_below: float = 0.5) -> None:
        self.unsure_below = unsure_below

    def replacement(self, predicted: str, text: str, ranking: Ranking = ()) -> Optional[str]:
        drugs = current_drugs()
        named = drugs.topics_named(text)
        if len(named) != 1:
            return None  # none, or drugs of several classes: the classifier's choice stands
        topic = named[0]
        confidence = next((r.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for r in ranking
                           if r.get(INTENT_NAME_KEY) == predicted), 0.0)
        predicted_topic = topic_id_of(predicted)
        if predicted_topic == topic:
            return None
        if predicted_topic in drugs.topics:
            return intent_for(topic)  # a neighbouring drug class, however sure
        unsure = (predicted_topic or predicted == OUT_OF_SCOPE_INTENT) and confidence < self.unsure_below
        if not unsure or asks_for_personal_advice(text) or in_doubt_about("medical_advice", ranking):
            return None  # sure of something else, or maybe a personal question: the later screens decide
        return intent_for(topic)

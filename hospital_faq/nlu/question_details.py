"""A Rasa NLU component that notes what a message asks beyond its topic, for the actions.

- the `aspect` entity: the part of a topic the question asks about when the answers
  don't cover it ("side effects", "cost", "success rate", "how long"; question_aspects.py),
  so the answer can say so first;
- the `drug` entity: each drug of facts/drugs.yml the message names, by any of its names
  or a near spelling; its value is the generic name ("Lorbrena" -> lorlatinib), so the
  answer can say which class it belongs to ("Lorlatinib is an ALK inhibitor.");
- `language` in the parse result: "en", or "other" for a message not written in English
  (language.py), so the out-of-scope reply can say where to get help in that language.

The actions read these from the tracker; they never run the patterns themselves.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from hospital_faq.knowledge.drugs import current_drugs
from hospital_faq.nlu.language import is_english
from hospital_faq.nlu.question_aspects import find_aspect

ASPECT_ENTITY = "aspect"
DRUG_ENTITY = "drug"
LANGUAGE_KEY = "language"


def question_details(text: str) -> Dict[str, Any]:
    """The entities and language of a message, as they appear in Rasa's parse result."""
    entities = []
    found = find_aspect(text)
    if found:
        name, start, end = found
        entities.append({"entity": ASPECT_ENTITY, "value": name, "start": start, "end": end,
                         "extractor": QuestionDetailsExtractor.__name__})
    for mention in current_drugs().find(text):
        entities.append({"entity": DRUG_ENTITY, "value": mention.drug.generic, "start": mention.start,
                         "end": mention.end, "extractor": QuestionDetailsExtractor.__name__})
    return {ENTITIES: entities, LANGUAGE_KEY: "en" if is_english(text) else "other"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class QuestionDetailsExtractor(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "QuestionDetailsExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            details = question_details(message.get(TEXT) or "")
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), *details[ENTITIES]], add_to_output=True)
            message.set(LANGUAGE_KEY, details[LANGUAGE_KEY], add_to_output=True)
        return messages

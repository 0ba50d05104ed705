"""Feeds the fact store to Rasa, so each topic is written once, in facts/topics.yml.

For every topic Rasa gets an intent (ask_<id>), the topic's example questions as
its NLU training data, and the rule "ask_<id> -> action_answer_topic". Everything
else comes from the usual files (domain.yml, data/*.yml) as with Rasa's default
importer. Used by `rasa train`, `rasa test` and `rasa data validate` alike.
"""
from typing import Optional, Text

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from hospital_faq.knowledge.fact_store import FactStore

ANSWER_ACTION = "action_answer_topic"


class FactStoreImporter(RasaFileImporter):
    def _topics(self):
        return FactStore.load().topics

    def get_domain(self) -> Domain:
        topic_intents = Domain.from_dict({"intents": [t.intent for t in self._topics()]})
        return super().get_domain().merge(topic_intents)

    def get_nlu_data(self, language: Optional[Text] = "en") -> TrainingData:
        examples = [
            Message.build(text=example, intent=topic.intent)
            for topic in self._topics()
            for example in topic.examples
        ]
        return super().get_nlu_data(language).merge(TrainingData(training_examples=examples))

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        rules = [
            {
                "rule": f"answer the topic '{topic.id}'",
                "steps": [{"intent": topic.intent}, {"action": ANSWER_ACTION}],
            }
            for topic in self._topics()
        ]
        topic_rules = YAMLStoryReader(self.get_domain()).read_from_parsed_yaml({"version": "3.1", "rules": rules})
        return super().get_stories(exclusion_percentage).merge(StoryGraph(topic_rules))

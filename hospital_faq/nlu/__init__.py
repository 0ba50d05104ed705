"""NLU: Rasa components that understand a message (encoder, featurizer, classifier, screens, the importer).
May import hospital_faq.knowledge (the fact store's topics and rules); never channels, content, ops or actions."""

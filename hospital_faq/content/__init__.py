"""The content team's tools: validation, topics.yml editing, spreadsheets, the unanswered-questions report.
May import knowledge, nlu, channels and ops (training, the conversation store); nothing imports it back."""

"""The content team's tools: validation, review and history, the inbox, spreadsheets, the report, the content designer.
May import knowledge, nlu, channels and ops (training, publishing, the conversation store); nothing imports it back."""

"""The content designer: the content team's browser app (topics, review, inbox, training, spreadsheets, accounts).
Part of content: may import knowledge, nlu, channels and ops; nothing imports it back."""

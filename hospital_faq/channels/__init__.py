"""Channels: where a patient's message enters the Rasa server and the reply leaves (REST, website chat, Twilio).
May import hospital_faq.knowledge (the texts they send themselves); never nlu, content, ops or actions."""

"""The spinal tumor FAQ assistant, in the order a message travels:

    channels/   where a message enters and the reply leaves (REST, website chat, Twilio SMS/WhatsApp)
    nlu/        how it is understood (Rasa components: sentence encoder, classifier, screens, importer)
    (Rasa's dialogue, data/ and domain.yml, picks the action; the actions are in actions/)
    knowledge/  what the actions answer from (fact store, messages, hospital details) and the reply composer
beside it:
    content/    the content team's tools (validation, review, spreadsheets, the report, the content designer)
    ops/        running and measuring it (training, publishing, model server, launcher, readiness, evaluation,
                benchmark, demo site)

Imports point one way: channels, nlu and actions use knowledge, never each other;
content and ops may use all of them; knowledge uses none (tests/test_architecture.py).
"""
import os

# Rasa sends usage telemetry and crash reports (to sentry.io) unless told not to.
# Conversations are health information, and this machine may be offline: off.
# scripts/run and scripts/test export the same for the Rasa processes they start.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

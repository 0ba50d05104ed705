"""Plain-Python logic of the spinal tumor FAQ assistant.

channel (channels.py) -> NLU (emergency_screen.py, safety.py) -> dialogue (data/)
-> actions/ -> fact store (fact_store.py) -> reply (replies.py)
Only importer.py, emergency_screen.py and channels.py plug into Rasa itself.

The content team's commands (content.py, `scripts/content`): validation.py (the
content rules), topics_file.py (editing topics.yml, comments kept), spreadsheet.py
(CSV export/import), conversations.py (stored conversations: retention, report).
"""
import os

# Rasa sends usage telemetry and crash reports (to sentry.io) unless told not to.
# Conversations are health information, and this machine may be offline: off.
# scripts/run and scripts/test export the same for the Rasa processes they start.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

"""Plain-Python logic of the spinal tumor FAQ assistant.

channel (channels.py) -> NLU (emergency_screen.py, safety.py) -> dialogue (data/)
-> actions/ -> fact store (fact_store.py) -> reply (replies.py)
Only importer.py, emergency_screen.py and channels.py plug into Rasa itself.
"""

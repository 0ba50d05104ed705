"""Plain-Python logic of the spinal tumor FAQ assistant.

channel -> NLU (safety_screen) -> dialogue (data/) -> actions/ -> fact_store -> replies
Nothing here imports Rasa except the two Rasa plug-ins (importer, safety_screen).
"""

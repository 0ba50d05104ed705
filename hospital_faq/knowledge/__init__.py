"""What the actions answer from: the fact store, the messages, the hospital's details, and the reply composer.
Imports nothing else of hospital_faq (only hospital_faq.paths): everything else builds on it."""

"""SMS and WhatsApp through Twilio: the webhook (channel.py), carrier keywords, opt-outs, phone text, sending.
Part of channels: may import hospital_faq.knowledge and the channels' shared pieces."""

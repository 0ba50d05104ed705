"""Never silence: every channel passes a message to the assistant through here, and if
nothing came back (say, the action server is down) the person gets the apology that
says how to reach the hospital.
"""
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

from hospital_faq.knowledge import replies


async def answer_or_apologise(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage, nothing_sent: Callable[[], bool]
) -> None:
    """Passes the message to the assistant; if it sent nothing back (say, the action
    server is down), sends the apology that says how to reach the hospital. Every
    channel answers through this, so nobody is left with silence."""
    try:
        await on_new_message(message)
    finally:
        if nothing_sent():
            await message.output_channel.send_text_message(message.sender_id, replies.unavailable())

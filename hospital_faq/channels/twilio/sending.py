"""Sending text messages with Twilio's REST API (POST .../Messages.json).

A send is retried only when Twilio certainly did not take the message (no
connection, 429, 503), so a retry never texts the person twice. Failures are
logged with Twilio's error code, never with the number or the text.
"""
import asyncio
import logging
from typing import Dict, List, Optional

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.twilio.com"


class TwilioApi:
    """Sends messages with Twilio's REST API (POST .../Messages.json)."""

    ATTEMPTS = 3  # only when Twilio certainly did not take the message (no connection, 429, 503)

    def __init__(self, account_sid: str, auth_token: str, api_url: str = DEFAULT_API_URL):
        self.url = f"{api_url}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)

    async def send(self, sender: str, recipient: str, bodies: List[str]) -> int:
        """Sends the bodies in order; returns how many Twilio accepted."""
        sent = 0
        timeout = aiohttp.ClientTimeout(total=20)
        async with aiohttp.ClientSession(auth=self.auth, timeout=timeout) as session:
            for body in bodies:
                sent += await self._send_one(session, {"From": sender, "To": recipient, "Body": body})
        return sent

    async def _send_one(self, session: aiohttp.ClientSession, form: Dict[str, str]) -> bool:
        for attempt in range(1, self.ATTEMPTS + 1):
            try:
                async with session.post(self.url, data=form) as answer:
                    if answer.status in (200, 201):
                        return True
                    code = await _error_code(answer)
                    logger.warning("Twilio API answered %s (error %s): a message was not sent", answer.status, code)
                    if answer.status not in (429, 503):
                        return False
            except aiohttp.ClientConnectorError as error:
                logger.warning("Twilio API unreachable (%s): a message was not sent", type(error).__name__)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                logger.warning("Twilio API call failed (%s): a message may not have been sent", type(error).__name__)
                return False
            if attempt < self.ATTEMPTS:
                await asyncio.sleep(attempt)
        return False


async def _error_code(answer: aiohttp.ClientResponse) -> Optional[int]:
    """Twilio's error code (e.g. 21610: the recipient has unsubscribed with Twilio itself)."""
    try:
        details = await answer.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return None
    return details.get("code") if isinstance(details, dict) else None

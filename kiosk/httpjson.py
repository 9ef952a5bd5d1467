"""Reading a JSON reply from the hub over HTTP, under the protocol's rules.

A hostile or broken hub could send a reply nested deep enough to crash ``json.loads``, NaN, or
a body of any size. :func:`json_reply` reads at most ``limit`` bytes and parses them with
:func:`kiosk.protocol.loads_untrusted`; anything else is ``None``, which every caller already
treats as "the hub did not answer properly".
"""

from __future__ import annotations

from typing import Any, Final

import aiohttp

from kiosk import protocol

#: The largest reply the kiosk reads from the hub (a day's appointments fit many times over).
MAX_REPLY_BYTES: Final = 1024 * 1024


async def json_reply(response: aiohttp.ClientResponse, limit: int = MAX_REPLY_BYTES) -> Any:
    """The reply's JSON value, or None when it is too large or not standard JSON."""
    data = await response.content.read(limit + 1)
    if len(data) > limit:
        return None
    try:
        return protocol.loads_untrusted(data, limit)
    except protocol.ProtocolError:
        return None

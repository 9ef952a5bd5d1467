"""The kiosk reads the hub's HTTP replies under the protocol's rules (kiosk/httpjson.py): a
hostile or broken hub's deep nesting, NaN or endless body is "no proper answer", never a crash.
A real aiohttp server on 127.0.0.1 sends them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from kiosk.checks.hub import check_hub
from kiosk.httpjson import MAX_REPLY_BYTES, json_reply

BODIES = {
    "/nested": "[" * 100_000 + "]" * 100_000,
    "/nan": '{"status": NaN}',
    "/huge": '{"x": "' + "y" * (MAX_REPLY_BYTES + 10) + '"}',
    "/fine": '{"status": "ok", "n": 1}',
}


@pytest.fixture
async def hostile() -> AsyncIterator[str]:
    async def reply(request: web.Request) -> web.Response:
        return web.Response(text=BODIES[request.path], content_type="application/json")

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="[" * 50_000 + "]" * 50_000, content_type="application/json")

    app = web.Application()
    for path in BODIES:
        app.router.add_get(path, reply)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_hostile_replies_are_no_answer(hostile: str) -> None:
    async with aiohttp.ClientSession() as session:
        for path in ("/nested", "/nan", "/huge"):
            async with session.get(hostile + path) as resp:
                assert await json_reply(resp) is None, path
        async with session.get(hostile + "/fine") as resp:
            assert await json_reply(resp) == {"status": "ok", "n": 1}


async def test_a_hostile_healthz_fails_the_hub_check_with_advice(hostile: str) -> None:
    probe = await check_hub(hostile)
    assert probe.result.status == "fail"
    assert "not the hub's health report" in probe.result.advice_staff

"""The hub's HTTP side over a real socket: health, sign-in, lockout, rate limits, CSRF,
pairing, and security headers on every response."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kiosk.hub.clock import ManualClock
from kiosk.hub.config import RateLimits

pytestmark = pytest.mark.integration


def assert_security_headers(headers: Any) -> None:
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "connect-src 'self' ws://" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert "microphone=(self)" in headers["Permissions-Policy"]


async def test_healthz_and_headers(hub: Any) -> None:
    session = hub.client_session()
    async with session.get(f"{hub.url}/healthz") as resp:
        assert resp.status == 200
        assert (await resp.json())["status"] == "ok"
        assert_security_headers(resp.headers)
        assert resp.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in resp.headers
    async with session.get(f"{hub.url}/api/nothing-here") as resp:
        assert resp.status == 404
        assert (await resp.json())["error"] == "not_found"
        assert_security_headers(resp.headers)
        assert resp.headers["Cache-Control"] == "no-store"
    async with session.get(f"{hub.url}/") as resp:  # no console configured
        assert resp.status == 404
        assert_security_headers(resp.headers)


async def test_websocket_upgrade_has_security_headers(hub: Any) -> None:
    peer = await hub.connect()
    assert_security_headers(peer.ws._response.headers)


async def test_static_console_is_served_when_present(hub_factory: Any, tmp_path: Path) -> None:
    web_root = tmp_path / "web"
    web_root.mkdir()
    (web_root / "index.html").write_text("<!doctype html><title>Console</title>")
    (web_root / "app.js").write_text("export const x = 1;")
    hub = await hub_factory(web_root=web_root)
    session = hub.client_session()
    async with session.get(f"{hub.url}/") as resp:
        assert resp.status == 200
        assert "Console" in await resp.text()
        assert_security_headers(resp.headers)
    async with session.get(f"{hub.url}/app.js") as resp:
        assert resp.status == 200
        assert_security_headers(resp.headers)
    async with session.get(f"{hub.url}/healthz") as resp:  # routes still win over static
        assert resp.status == 200


@pytest.mark.expect_log(
    r"logout refused: missing or wrong CSRF token \(specialist",
    logger="kiosk.hub.api")
async def test_login_me_logout_with_csrf(hub: Any) -> None:
    session = hub.client_session()
    async with session.post(f"{hub.url}/api/login", json={
            "username": hub.specialist_username, "password": hub.specialist_password}) as resp:
        assert resp.status == 200
        body = await resp.json()
        cookie = resp.headers["Set-Cookie"]
        assert_security_headers(resp.headers)
        assert resp.headers["Cache-Control"] == "no-store"
    assert body["specialist"]["name"] == hub.seed.specialist_name
    assert "password_hash" not in body["specialist"]
    assert cookie.startswith("clinic_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback
    csrf = body["csrf_token"]

    async with session.get(f"{hub.url}/api/me") as resp:
        assert resp.status == 200
        me = await resp.json()
        assert me["specialist"]["id"] == hub.seed.specialist_id
        assert me["csrf_token"] == csrf

    async with session.post(f"{hub.url}/api/logout") as resp:
        assert resp.status == 403
        assert (await resp.json())["error"] == "csrf"
    async with session.post(f"{hub.url}/api/logout", headers={"X-CSRF-Token": "wrong"}) as resp:
        assert resp.status == 403
    async with session.post(f"{hub.url}/api/logout", headers={"X-CSRF-Token": csrf}) as resp:
        assert resp.status == 200
    async with session.get(f"{hub.url}/api/me") as resp:
        assert resp.status == 401
        assert set(await resp.json()) >= {"error", "message"}


async def test_logout_closes_the_specialists_socket(hub: Any) -> None:
    specialist = await hub.specialist()
    async with specialist.session.get(f"{hub.url}/api/me") as resp:
        csrf = (await resp.json())["csrf_token"]
    async with specialist.session.post(f"{hub.url}/api/logout",
                                       headers={"X-CSRF-Token": csrf}) as resp:
        assert resp.status == 200
    await specialist.error("auth_failed")
    assert await specialist.closed() == 4001


@pytest.mark.expect_log(
    r"login failed: wrong password for specialist",
    r"login refused: specialist",
    logger="kiosk.hub.api")
async def test_wrong_password_lockout_grows(hub_factory: Any) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock, rate_limits=RateLimits(
        lockout_after=5, lockout_base=60, login_failures_per_address=100))
    session = hub.client_session()
    url = f"{hub.url}/api/login"
    wrong = {"username": hub.specialist_username, "password": "wrong password!"}
    right = {"username": hub.specialist_username, "password": hub.specialist_password}
    for _ in range(4):
        async with session.post(url, json=wrong) as resp:
            assert resp.status == 401
            body = await resp.json()
            assert body["error"] == "auth_failed"
            assert "wrong password!" not in str(body)
    async with session.post(url, json=wrong) as resp:
        assert resp.status == 423
        assert (await resp.json())["retry_after"] == 60
    async with session.post(url, json=right) as resp:  # locked: even the right password
        assert resp.status == 423
        assert int(resp.headers["Retry-After"]) > 0
    clock.advance(61)
    async with session.post(url, json=wrong) as resp:  # the next lock is longer
        assert resp.status == 423
        assert (await resp.json())["retry_after"] == 120
    clock.advance(121)
    async with session.post(url, json=right) as resp:
        assert resp.status == 200
    async with session.post(url, json=wrong) as resp:  # success reset the counter
        assert resp.status == 401


@pytest.mark.expect_log(
    r"login failed: unknown username",
    r"login failed: wrong password for specialist",
    r"login refused: address rate\-limited",
    logger="kiosk.hub.api")
async def test_unknown_user_and_address_rate_limit(hub_factory: Any) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock, rate_limits=RateLimits(
        login_failures_per_address=3, login_window=600))
    session = hub.client_session()
    url = f"{hub.url}/api/login"
    for name in ("nobody", "nobody.else", hub.specialist_username):
        async with session.post(url, json={"username": name, "password": "nope nope"}) as resp:
            assert resp.status == 401
    async with session.post(url, json={"username": hub.specialist_username,
                                       "password": hub.specialist_password}) as resp:
        assert resp.status == 429
        body = await resp.json()
        assert body["error"] == "rate_limited"
        assert 0 < body["retry_after"] <= 600
    clock.advance(601)
    async with session.post(url, json={"username": hub.specialist_username,
                                       "password": hub.specialist_password}) as resp:
        assert resp.status == 200


async def test_login_accepts_only_json_within_a_size_cap_from_allowed_origins(hub: Any) -> None:
    session = hub.client_session()
    url = f"{hub.url}/api/login"
    async with session.post(url, data="username=a&password=b",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}) as r:
        assert r.status == 415
        assert (await r.json())["error"] == "bad_request"
    async with session.post(url, json={"username": "a", "password": "x" * 20_000}) as r:
        assert r.status == 413
    async with session.post(url, data="{oops", headers={"Content-Type": "application/json"}) as r:
        assert r.status == 400
    async with session.post(url, json=["a", "b"]) as r:
        assert r.status == 400
    async with session.post(url, json={"username": 5, "password": "x"}) as r:
        assert r.status == 400
    async with session.post(url, json={"username": hub.specialist_username,
                                       "password": hub.specialist_password},
                            headers={"Origin": "https://evil.example"}) as r:
        assert r.status == 403
    async with session.post(url, json={"username": hub.specialist_username,
                                       "password": hub.specialist_password},
                            headers={"Origin": hub.url}) as r:
        assert r.status == 200


@pytest.mark.expect_log(r"pairing failed: code_used", logger="kiosk.hub.api")
async def test_kiosk_pairing_single_use(hub: Any) -> None:
    code = hub.new_pairing_code(room="Room 3")
    session = hub.client_session()
    url = f"{hub.url}/api/kiosk/pair"
    async with session.post(url, json={"pairing_code": code.lower().replace("-", " "),
                                       "name": "Front desk kiosk"}) as resp:
        assert resp.status == 200
        body = await resp.json()
        assert resp.headers["Cache-Control"] == "no-store"
    assert body["room"] == "Room 3"
    assert body["clinic"] == {"id": hub.seed.clinic_id, "name": "Demo Community Clinic"}
    assert len(body["token"]) >= 40
    async with session.post(url, json={"pairing_code": code}) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"] == "code_used"
    kiosk = await hub.kiosk(body["token"])
    assert kiosk.welcome["kiosk"]["id"] == body["kiosk_id"]
    assert kiosk.welcome["kiosk"]["room"] == "Room 3"


@pytest.mark.expect_log(
    r"pairing failed: bad_code",
    r"pairing failed: code_expired",
    r"pairing refused: address rate\-limited",
    logger="kiosk.hub.api")
async def test_pairing_code_expiry_and_rate_limit(hub_factory: Any) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock, rate_limits=RateLimits(pair_failures_per_address=3))
    session = hub.client_session()
    url = f"{hub.url}/api/kiosk/pair"
    code = hub.new_pairing_code()
    clock.advance(15 * 60 + 1)
    async with session.post(url, json={"pairing_code": code}) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"] == "code_expired"
    async with session.post(url, json={"pairing_code": "AAAA-AAAA"}) as resp:
        assert (await resp.json())["error"] == "bad_code"
    async with session.post(url, json={"pairing_code": "not a code at all"}) as resp:
        assert (await resp.json())["error"] == "bad_code"
    fresh = hub.new_pairing_code()
    async with session.post(url, json={"pairing_code": fresh}) as resp:
        assert resp.status == 429
        assert (await resp.json())["retry_after"] > 0
    async with session.post(url, data="x", headers={"Content-Type": "text/plain"}) as resp:
        assert resp.status == 429  # limited before the body is even read


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


async def test_tls_sets_hsts_and_secure_cookie(hub_factory: Any, tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    hub = await hub_factory(tls_cert=cert, tls_key=key)
    assert hub.url.startswith("https://")
    ctx = ssl.create_default_context(cafile=str(cert))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ctx),
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(f"{hub.url}/healthz") as resp:
            assert resp.status == 200
            assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
        async with session.post(f"{hub.url}/api/login", json={
                "username": hub.specialist_username,
                "password": hub.specialist_password}) as resp:
            assert resp.status == 200
            assert "Secure" in resp.headers["Set-Cookie"]
        ws = await session.ws_connect(hub.ws_url)
        await ws.send_json({"v": 1, "type": "hello", "role": "specialist"})
        welcome = await ws.receive_json(timeout=5)
        assert welcome["type"] == "welcome"
        await ws.close()


@pytest.mark.parametrize("path", ["/api/login", "/api/kiosk/pair", "/api/feedback"])
@pytest.mark.parametrize("body", [
    b"[" * 1000 + b"]" * 1000,  # ~2 KB that made json.loads raise RecursionError (500)
    b'{"answers": [{"value": NaN}], "username": NaN}',
    b'{"username": 1e999}',
    b"\xff\xfe not UTF-8",
], ids=["nested", "nan", "infinity", "bad-utf8"])
async def test_hostile_json_bodies_get_400_not_500(hub: Any, path: str, body: bytes) -> None:
    token = hub.new_kiosk_token()
    session = hub.client_session()
    async with session.post(f"{hub.url}{path}", data=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"] == "bad_request"


@pytest.mark.expect_log(r"login failed", r"login refused", logger="kiosk.hub.api")
async def test_concurrent_logins_cannot_beat_the_lockout(hub_factory: Any) -> None:
    """100 sign-ins at once, 99 wrong then the right one: counted before the password check,
    so the right one is refused with the rest once five have failed or are being checked."""
    hub = await hub_factory(rate_limits=RateLimits(
        lockout_after=5, lockout_base=60, login_failures_per_address=1000))
    session = hub.client_session()
    url = f"{hub.url}/api/login"

    async def attempt(password: str) -> int:
        async with session.post(url, json={"username": hub.specialist_username,
                                           "password": password}) as resp:
            return int(resp.status)

    tries = [attempt("wrong password!") for _ in range(99)] + [attempt(hub.specialist_password)]
    statuses = await asyncio.gather(*tries)
    assert statuses[-1] == 423
    assert statuses.count(401) + statuses.count(423) == 100
    assert statuses.count(401) <= 5  # at most lockout_after passwords were ever checked


@pytest.mark.expect_log(r"login failed", r"login refused", logger="kiosk.hub.api")
async def test_unknown_usernames_answer_like_real_ones(hub_factory: Any) -> None:
    hub = await hub_factory(rate_limits=RateLimits(
        lockout_after=5, lockout_base=60, login_failures_per_address=1000))
    session = hub.client_session()

    async def answers(username: str) -> list[tuple[int, str, int | None]]:
        out = []
        for _ in range(7):
            async with session.post(f"{hub.url}/api/login", json={
                    "username": username, "password": "wrong password!"}) as resp:
                body = await resp.json()
                out.append((resp.status, body["error"], body.get("retry_after")))
        return out

    real, unknown = await answers(hub.specialist_username), await answers("no.such.person")
    assert real == unknown
    assert [status for status, _, _ in real] == [401] * 4 + [423] * 3


@pytest.mark.expect_log(r"pairing failed: bad_code", r"pairing refused: address rate\-limited",
                        logger="kiosk.hub.api")
async def test_forwarded_addresses_count_only_from_trusted_proxies(hub_factory: Any) -> None:
    """Behind a proxy every client has the proxy's address: with it trusted, one patient's
    mistakes lock only that patient; without, a spoofed header changes nothing."""
    limits = RateLimits(pair_failures_per_address=2)
    spoofed = await hub_factory(rate_limits=limits, trusted_proxies=("10.9.9.9",))
    behind = await hub_factory(rate_limits=limits, trusted_proxies=("127.0.0.1",))

    async def pair(hub: Any, client: str) -> int:
        async with hub.client_session().post(
                f"{hub.url}/api/kiosk/pair", json={"pairing_code": "AAAA-AAAA"},
                headers={"X-Forwarded-For": client}) as resp:
            return int(resp.status)

    # Not from a trusted proxy: every "different client" is the same peer, and is limited.
    assert [await pair(spoofed, f"198.51.100.{n}") for n in range(3)] == [400, 400, 429]
    # From the trusted proxy: one client is limited, the next one is not.
    assert [await pair(behind, "198.51.100.1") for _ in range(3)] == [400, 400, 429]
    assert await pair(behind, "198.51.100.2") == 400

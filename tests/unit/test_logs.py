"""Logging set-up: JSON lines, and redaction proven with real logging calls."""

from __future__ import annotations

import json
import logging
import secrets
import stat
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk import protocol
from kiosk.logs import REDACTED, RedactingFilter, redact_text, setup_logging

TOKEN = secrets.token_urlsafe(32)
SDP = ("v=0\r\no=- 3913 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
       "a=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZgQ\r\n"
       "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24\r\n")

Read = Callable[[], list[dict[str, Any]]]
log = logging.getLogger("kiosk.test")


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, put back as it was (handlers and level) after the test."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        yield root
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)


@pytest.fixture
def log_file(tmp_path: Path, root_logger: logging.Logger) -> Path:
    """A JSON log file set up by setup_logging, at level DEBUG."""
    path = tmp_path / "logs" / "kiosk.jsonl"
    setup_logging("DEBUG", json_path=path, stderr=False)
    return path


@pytest.fixture
def read_log(log_file: Path) -> Read:
    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in log_file.read_text("utf-8").splitlines()]
    return read


def test_one_json_object_per_line(read_log: Read) -> None:
    log.info("kiosk %s started\nsecond line", "K1", extra={"visit_id": "v-42", "attempt": 2})
    log.debug("debug is on")
    first, second = read_log()
    assert first["level"] == "INFO"
    assert first["logger"] == "kiosk.test"
    assert first["msg"] == "kiosk K1 started\nsecond line"
    assert (first["visit_id"], first["attempt"]) == ("v-42", 2)
    assert first["ts"].endswith("Z")
    assert datetime.fromisoformat(first["ts"]).utcoffset() is not None
    assert second["msg"] == "debug is on"


def test_log_file_is_private(log_file: Path) -> None:
    log.info("hello")
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


def test_stderr_gets_json_lines(capsys: pytest.CaptureFixture[str],
                                root_logger: logging.Logger) -> None:
    setup_logging("info")
    log.info("to stderr", extra={"token": TOKEN})
    log.debug("below the level")
    (line,) = capsys.readouterr().err.splitlines()
    assert json.loads(line)["msg"] == "to stderr"
    assert json.loads(line)["token"] == REDACTED


@pytest.mark.expect_log(r"kiosk paired with token=", logger="kiosk.test")  # before redaction too
def test_stderr_can_be_plain_text_and_is_still_redacted(
        capsys: pytest.CaptureFixture[str], root_logger: logging.Logger) -> None:
    setup_logging(logging.INFO, stderr_json=False)
    log.warning("kiosk paired with token=%s", TOKEN)
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(" WARNING kiosk.test: kiosk paired with token=<redacted>")


def test_setting_up_again_replaces_only_our_handlers(log_file: Path,
                                                    root_logger: logging.Logger) -> None:
    other = logging.NullHandler()
    root_logger.addHandler(other)
    count = len(root_logger.handlers)
    setup_logging("WARNING", json_path=log_file, stderr=False)
    assert len(root_logger.handlers) == count
    assert other in root_logger.handlers
    assert root_logger.level == logging.WARNING


def test_unknown_level_is_refused(root_logger: logging.Logger) -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        setup_logging("LOUD", stderr=False)


@pytest.mark.expect_log(r"offer for v\-", logger="kiosk.test")
def test_secret_extras_and_arguments_are_redacted(log_file: Path, read_log: Read) -> None:
    check_in = protocol.make("check_in", code="123456", checks={"camera": "ok"})
    log.info("received %s", check_in, extra={
        "token": TOKEN, "resume_token": "r-1", "password": "hunter2",
        "headers": {"Authorization": "Bearer abc.def", "Cookie": "clinic_session=s3ss10n"},
        "servers": [{"urls": "turn:turn.example:3478", "credential": "cr3d"}],
        "code": "bad_code",  # a protocol error code is not a secret
    })
    log.warning("offer for %s: %s", "v-1", {"type": "offer", "sdp": SDP, "attempt": 1})
    text = log_file.read_text("utf-8")
    for secret in (TOKEN, "123456", "r-1", "hunter2", "abc.def", "s3ss10n", "cr3d",
                   "asd88fgpdd777uzjYhagZgQ", "D2:FA:0E"):
        assert secret not in text
    first, second = read_log()
    assert first["token"] == first["resume_token"] == first["password"] == REDACTED
    assert first["headers"] == {"Authorization": REDACTED, "Cookie": REDACTED}
    assert first["servers"] == [{"urls": "turn:turn.example:3478", "credential": REDACTED}]
    assert first["code"] == "bad_code"
    assert "'camera': 'ok'" in first["msg"]
    assert second["msg"].startswith("offer for v-1: {'type': 'offer', 'sdp': '<redacted>'")


@pytest.mark.parametrize(("message", "secret"), [
    ("check-in with code=123456 refused", "123456"),
    ('{"type":"check_in","code":"654321"}', "654321"),
    ("patient typed appointment code 123 456", "123 456"),
    ("pairing code: 998-877", "998-877"),
    (f"GET /ws?token={TOKEN}&x=1", TOKEN),
    (f"kiosk paired, device token {TOKEN}", TOKEN),
    ("device_token: 'kt-1'", "kt-1"),
    ("Authorization: Bearer eyJhbGciOi.abc", "eyJhbGciOi.abc"),
    ("sent Bearer eyJhbGciOi.abc", "eyJhbGciOi.abc"),
    ("Cookie: clinic_session=s3ss10n; theme=dark", "s3ss10n"),
    ("Set-Cookie: clinic_session=s3ss10n; HttpOnly", "s3ss10n"),
    (SDP, "asd88fgpdd777uzjYhagZgQ"),
    (SDP, "D2:FA:0E:C3"),
    (json.dumps({"sdp": SDP}), "asd88fgpdd777uzjYhagZgQ"),
])
def test_secrets_in_text_are_redacted(message: str, secret: str, log_file: Path) -> None:
    log.info(message)  # the text as the message itself
    log.info("got %s", message)  # and as an argument
    log.info("event", extra={"detail": message})  # and inside an extra field
    text = log_file.read_text("utf-8")
    assert secret not in text
    assert text.count(REDACTED) >= 3


@pytest.mark.parametrize("message", [
    f"visit {uuid.uuid4()} joined",
    "error code=bad_code from hub",
    "websocket closed with code 4000",
    "listening on 127.0.0.1:8443, pid 123456",
    'File "/work/main/.venv/lib/python3.11/site-packages/aiohttp/web_protocol.py", line 452',
    "a=ice-ufrag:8hhY",
    "test_the_kiosk_reports_a_camera_that_is_unplugged_while_waiting",
])
def test_ordinary_text_is_kept(message: str) -> None:
    assert redact_text(message) == message


@pytest.mark.expect_log(r"pairing failed", logger="kiosk.test")
def test_tracebacks_are_redacted(read_log: Read) -> None:
    try:
        raise ValueError(f"hub refused token={TOKEN}")
    except ValueError:
        log.exception("pairing failed", extra={"kiosk_id": "K1"})
    (entry,) = read_log()
    assert entry["msg"] == "pairing failed"
    assert "ValueError: hub refused token=<redacted>" in entry["exc"]
    assert TOKEN not in json.dumps(entry)
    assert entry["kiosk_id"] == "K1"


def test_stack_info_is_redacted(read_log: Read) -> None:
    def where_is_the_token_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6() -> None:
        log.info("trace", stack_info=True)

    where_is_the_token_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6()
    (entry,) = read_log()
    assert "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6" not in entry["stack"]


def test_values_that_are_not_json_are_logged_as_redacted_text(read_log: Read) -> None:
    class Peer:
        def __str__(self) -> str:
            return f"Peer(token={TOKEN})"

    log.info("peer", extra={"peer": Peer()})
    (entry,) = read_log()
    assert entry["peer"] == "Peer(token=<redacted>)"


def test_a_broken_record_is_logged_safely_and_never_raises(read_log: Read) -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError(f"leaks {TOKEN}")

    log.info("count %d", "not a number")
    log.info("value %s", Hostile())
    entries = read_log()
    assert [e["msg"] for e in entries] == [
        "<log record dropped: TypeError while redacting>",
        "<log record dropped: RuntimeError while redacting>",
    ]


def test_filter_keeps_every_record() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "code=%s", ("123456",), None)
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "code=<redacted>"


def test_a_sentence_about_a_token_is_not_a_secret() -> None:
    """The kiosk's own message about a missing token survives; real tokens still do not."""
    assert redact_text("no device token: This kiosk is not paired") \
        == "no device token: This kiosk is not paired"
    token = "Zx4" + "a" * 40
    assert redact_text(f"device token: {token}") == "device token: <redacted>"
    assert redact_text("token: hunter2") == "token: <redacted>"
    assert redact_text("token=abcdef") == "token=<redacted>"
    assert redact_text("password: Correct horse") == "password: <redacted> horse"

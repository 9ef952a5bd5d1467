"""The wire format: validation of every kind of bad input, and redaction for logs."""

from __future__ import annotations

import json

import pytest

from kiosk import protocol
from kiosk.protocol import MAX_MESSAGE_BYTES, ProtocolError, decode, encode, make


def roundtrip(msg: dict[str, object]) -> dict[str, object]:
    return decode(encode(msg))


def test_make_and_roundtrip() -> None:
    msg = make("check_in", code="123456", checks={"camera": "pass"}, ref="r1")
    assert msg["v"] == protocol.PROTOCOL_VERSION
    assert roundtrip(msg) == msg


def test_make_leaves_out_none() -> None:
    assert "token" not in make("hello", role="patient", token=None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "bad_message"),
        ("[1, 2]", "bad_message"),
        ('"hello"', "bad_message"),
        ('{"type": "hello", "role": "kiosk"}', "bad_message"),  # no version
        ('{"v": "1", "type": "hello", "role": "kiosk"}', "bad_message"),
        ('{"v": true, "type": "hello", "role": "kiosk"}', "bad_message"),
        ('{"v": 1, "role": "kiosk"}', "bad_message"),  # no type
        ('{"v": 1, "type": "teleport"}', "unknown_type"),
        ('{"v": 1, "type": "hello"}', "bad_message"),  # missing role
        ('{"v": 1, "type": "hello", "role": 5}', "bad_message"),
        ('{"v": 1, "type": "hello", "role": "kiosk", "extra": 1}', "bad_message"),
        ('{"v": 1, "type": "offer", "sdp": "x", "attempt": "1"}', "bad_message"),
        ('{"v": 1, "type": "offer", "sdp": "x", "attempt": true}', "bad_message"),
        ('{"v": 1, "type": "ping", "sent_at": NaN}', "bad_message"),
        ('{"v": 1, "type": "check_in", "code": "1234567890123456789"}', "bad_message"),
        ('{"v": 1, "type": "ping", "ref": 5}', "bad_message"),
    ],
)
def test_bad_messages_are_refused(text: str, code: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(text)
    assert info.value.code == code
    assert not info.value.fatal


@pytest.mark.parametrize("version", [0, 2, 99])
def test_other_versions_are_refused_with_reason(version: int) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps({"v": version, "type": "hello", "role": "kiosk"}))
    assert info.value.code == "unsupported_version"
    assert info.value.fatal
    assert f"version {version}" in info.value.reason
    assert "speaks 1" in info.value.reason


def test_oversized_is_refused_before_parsing() -> None:
    text = json.dumps({"v": 1, "type": "ping", "pad": "x" * MAX_MESSAGE_BYTES})
    with pytest.raises(ProtocolError) as info:
        decode(text)
    assert info.value.code == "too_large"


def test_size_counts_utf8_bytes() -> None:
    text = '{"v":1,"type":"ping","x":"' + "é" * (MAX_MESSAGE_BYTES // 2) + '"}'
    assert len(text) < MAX_MESSAGE_BYTES
    with pytest.raises(ProtocolError) as info:
        decode(text)
    assert info.value.code == "too_large"


def test_big_object_field_is_refused() -> None:
    msg = make("checks", checks={"k": "x" * 5000})
    with pytest.raises(ProtocolError, match="checks"):
        encode(msg)


def test_error_message_never_echoes_the_value() -> None:
    with pytest.raises(ProtocolError) as info:
        decode(json.dumps({"v": 1, "type": "check_in", "code": 123456}))
    assert "123456" not in str(info.value)


def test_every_type_has_senders_and_schemas_match() -> None:
    assert set(protocol.SENDERS) == set(protocol.SCHEMAS)
    for senders in protocol.SENDERS.values():
        assert senders <= {*protocol.ROLES, "hub"}


def test_error_builder() -> None:
    msg = protocol.error("rate_limited", "Too many tries", retry_after=30.0, ref="a")
    assert roundtrip(msg)["retry_after"] == 30.0


def test_redacted_hides_secrets() -> None:
    msg = make("hello", role="kiosk", token="s3cret-token")
    assert "s3cret-token" not in json.dumps(protocol.redacted(msg))
    msg = make("check_in", code="654321")
    assert "654321" not in json.dumps(protocol.redacted(msg))
    msg = make("message", visit_id="v", text="Your results are fine")
    assert "results" not in json.dumps(protocol.redacted(msg))
    msg = make("offer", sdp="v=0\r\na=ice-pwd:abc", attempt=1)
    assert "ice-pwd" not in json.dumps(protocol.redacted(msg))

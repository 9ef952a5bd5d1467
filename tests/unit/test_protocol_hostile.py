"""The wire format against hostile input: deep nesting, NaN and Infinity anywhere, invalid UTF-8,
binary junk, huge strings and numbers, lone surrogates and bidi text; plus property tests that
``decode`` raises nothing but :class:`ProtocolError` for any input and that valid messages of
every type round-trip."""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.protocol import (
    MAX_DEPTH,
    MAX_MESSAGE_BYTES,
    SCHEMAS,
    Field,
    ProtocolError,
    decode,
    encode,
    loads_untrusted,
    make,
)

#: Property tests: few examples, same ones every run (CI time, and no flaky failures).
FUZZ = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def refused(text: str | bytes, code: str = "bad_message") -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        decode(text)
    assert info.value.code == code, info.value.reason
    return info.value


def nested(depth: int, inner: str = "1", kind: str = "list") -> str:
    if kind == "list":
        return "[" * depth + inner + "]" * depth
    return '{"a":' * depth + inner + "}" * depth


# --- nesting ---

@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("kind", ["list", "obj"])
def test_deep_nesting_is_a_protocol_error_not_a_recursion_error(depth: int, kind: str) -> None:
    text = '{"v":1,"type":"checks","checks":{"x":' + nested(depth, kind=kind) + "}}"
    # 1,000 levels is about 2 KB (refused for depth); 100,000 is over the size limit.
    error = refused(text, "bad_message" if len(text) <= MAX_MESSAGE_BYTES else "too_large")
    assert "Recursion" not in error.reason


def test_depth_limit_applies_while_the_message_is_still_small() -> None:
    text = nested(40_000)  # 80 KB of brackets: refused, with a size or depth reason
    with pytest.raises(ProtocolError):
        decode(text)
    with pytest.raises(ProtocolError) as info:
        loads_untrusted(text, max_bytes=10**6)  # HTTP bodies may be larger: depth still holds
    assert "nested deeper" in info.value.reason


def test_depth_up_to_the_limit_is_accepted_and_one_more_is_not() -> None:
    def checks(depth: int) -> str:
        return '{"v":1,"type":"checks","checks":' + nested(depth - 1, kind="obj") + "}"

    assert decode(checks(MAX_DEPTH))["type"] == "checks"
    assert "nested deeper" in refused(checks(MAX_DEPTH + 1)).reason
    deep: dict[str, Any] = {"a": 1}
    for _ in range(MAX_DEPTH):
        deep = {"a": deep}
    with pytest.raises(ProtocolError):  # and we never send what the other side would refuse
        encode(make("checks", checks=deep))


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    msg = make("message", visit_id="v", text="[{" * 200 + ' \\" "[ ' + "]}" * 40)
    assert decode(encode(msg)) == msg


def test_unterminated_string_after_deep_brackets_is_refused_quickly() -> None:
    refused("[" * 5_000 + '"' + "[" * 5_000)
    refused('"' + '\\"' * 30_000)  # a regex that backtracks here would take minutes
    refused('{"v":1,"type":"ping","ref":"' + "\\" * 60_000)


# --- NaN and Infinity ---

NON_STANDARD = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1E400"]
POSITIONS = [
    '{"v":1,"type":"ping","sent_at":%s}',
    '{"v":1,"type":"offer","sdp":"x","attempt":%s}',
    '{"v":%s,"type":"ping"}',
    '{"v":1,"type":"check_in","code":"123456","checks":{"camera":%s}}',
    '{"v":1,"type":"checks","checks":{"network":{"rtt_ms":[1,2,%s]}}}',
    '{"v":1,"type":"readiness","report":{"fit":true,"checks":[{"figures":{"x":%s}}]}}',
    '{"v":1,"type":"ice_servers","ice_servers":[%s]}',
    '{"v":1,"type":"waiting_list","patients":[{"visit_id":"a","checks":{"camera":%s}}]}',
    '{"v":1,"type":"error","code":"internal","message":"m","retry_after":%s}',
    '{"v":1,"type":"ping","ref":%s}',
    '[%s]',
    '%s',
]


@pytest.mark.parametrize("number", NON_STANDARD)
@pytest.mark.parametrize("template", POSITIONS)
def test_nan_and_infinity_are_refused_in_every_position(template: str, number: str) -> None:
    error = refused(template % number)
    assert not error.fatal
    with pytest.raises(ProtocolError):
        loads_untrusted(template % number)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("build", [
    lambda x: make("ping", sent_at=x),
    lambda x: make("check_in", code="123456", checks={"camera": x}),
    lambda x: make("checks", checks={"network": {"rtt_ms": [1.0, x]}}),
    lambda x: make("call_stats", stats={"loss_pct": x}),
    lambda x: make("error", code="internal", message="m", retry_after=x),
    lambda x: make("waiting_list", patients=[{"visit_id": "a", "checks": {"camera": x}}]),
    lambda x: make("welcome", role="patient", hub="h", ice_servers=[{"ttl": x}]),
])
def test_nan_and_infinity_are_never_sent(build: Any, value: float) -> None:
    with pytest.raises(ProtocolError) as info:
        encode(build(value))
    assert info.value.code == "bad_message"
    assert "NaN" in info.value.reason or "finite" in info.value.reason


def test_finite_numbers_in_check_results_are_fine() -> None:
    msg = make("check_in", code="123456", checks={"camera": "pass", "rtt_ms": 12.5,
                                                   "throughput": 1e300, "loss": -0.0})
    assert decode(encode(msg)) == msg


# --- bytes, UTF-8 and Unicode ---

@pytest.mark.parametrize("data", [
    b"\xff\xfe\x00\x00",
    b'{"v":1,"type":"help","reason":"\xc3\x28"}',  # invalid UTF-8 sequence in a string
    b'{"v":1,"type":"help","reason":"\xed\xa0\x80"}',  # an encoded surrogate: not UTF-8
    '{"v":1,"type":"ping"}'.encode("utf-16"),  # json.loads would guess UTF-16 and accept it
    '{"v":1,"type":"ping"}'.encode("utf-32"),
    bytes(range(256)),
    b"\x00" * 100,
    b"",
])
def test_invalid_utf8_and_binary_junk_are_refused(data: bytes) -> None:
    refused(data)


def test_bytes_bytearray_and_memoryview_are_read_as_utf8() -> None:
    text = encode(make("help", reason="Cześć, Dwŷ"))
    for data in (text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        assert loads_untrusted(data)["reason"] == "Cześć, Dwŷ"


@pytest.mark.parametrize("value", [None, 5, 1.5, ["x"], object()])
def test_not_text_at_all(value: Any) -> None:
    refused(value)


@pytest.mark.parametrize("text", [
    '{"v":1,"type":"help","reason":"\\ud800"}',
    '{"v":1,"type":"help","reason":"a\\uDFFFb"}',
    '{"v":1,"type":"help","reason":"\\ude00\\ud83d"}',  # the pair in the wrong order
    '{"v":1,"type":"checks","checks":{"\\udbff":1}}',  # in a key
    '{"v":1,"type":"help","reason":"' + "\ud800" + '"}',  # a raw surrogate in a str
])
def test_lone_surrogates_are_refused(text: str) -> None:
    refused(text)


def test_surrogate_pairs_and_escaped_backslashes_are_fine() -> None:
    assert decode('{"v":1,"type":"help","reason":"\\ud83d\\ude00"}')["reason"] == "😀"
    assert decode('{"v":1,"type":"help","reason":"\\\\ud800"}')["reason"] == "\\ud800"
    with pytest.raises(ProtocolError):
        encode(make("help", reason="\udfff"))


def test_bidi_and_control_characters_pass_the_protocol_unchanged() -> None:
    # The protocol carries text as sent; kiosk.text strips it where it is shown.
    text = "Call \u202e0987\u202c \u2066x\u2069 \x00\x1b[31m \u200b\ufeff"
    msg = make("message", visit_id="v", text=text)
    assert decode(encode(msg))["text"] == text


# --- sizes ---

def test_huge_strings_are_refused_before_parsing() -> None:
    assert refused("x" * (50 * MAX_MESSAGE_BYTES), "too_large").code == "too_large"
    refused(b"{" * (MAX_MESSAGE_BYTES + 1), "too_large")
    refused('{"v":1,"type":"help","reason":"' + "€" * 30_000 + '"}', "too_large")
    refused(json.dumps(make("help", reason="x" * 201)))  # within size, over the field's limit


@pytest.mark.parametrize("digits", [4_301, 50_000])
def test_huge_integer_literals_are_refused(digits: int) -> None:
    refused('{"v":1,"type":"ping","sent_at":' + "9" * digits + "}",
            "bad_message" if digits < MAX_MESSAGE_BYTES else "too_large")


@pytest.mark.parametrize("literal", ["9" * 309, "-" + "9" * 400, "2" + "0" * 308])
def test_integers_a_browser_would_read_as_infinity_are_refused_both_ways(literal: str) -> None:
    refused('{"v":1,"type":"checks","checks":{"x":[' + literal + "]}}")
    with pytest.raises(ProtocolError) as info:
        encode(make("checks", checks={"x": [int(literal)]}))
    assert "double" in info.value.reason
    just_finite = int("9" * 308)
    assert decode(encode(make("checks", checks={"x": just_finite})))["checks"]["x"] == just_finite
    text = "1" * 400  # a long run of digits inside a string is just text
    assert decode(encode(make("message", text=text)))["text"] == text


def test_big_but_finite_numbers_are_judged_by_the_schema() -> None:
    refused('{"v":1,"type":"ping","sent_at":1e300}')  # over the field's limit
    assert decode('{"v":1,"type":"checks","checks":{"x":1e300}}')["checks"]["x"] == 1e300


def test_loads_untrusted_takes_its_own_size_limit() -> None:
    assert loads_untrusted("[1, 2]", max_bytes=6) == [1, 2]
    with pytest.raises(ProtocolError) as info:
        loads_untrusted("[1, 2] ", max_bytes=6)
    assert info.value.code == "too_large"
    with pytest.raises(ProtocolError) as info:
        loads_untrusted('{"password": NaN}', max_bytes=1000)
    assert info.value.code == "bad_message"
    assert "NaN" not in repr(info.value.ref)


def test_a_refused_message_keeps_its_ref_when_it_can_be_read() -> None:
    assert refused('{"v":1,"type":"ping","ref":"r-1","extra":1}').ref == "r-1"
    assert refused('{"v":1,"type":"ping","ref":"' + "r" * 65 + '","extra":1}').ref is None
    assert refused('{"v":1,"type":"ping","ref":"r-1",').ref is None  # not JSON: not read
    assert refused('{"v":1,"type":"ping","ref":"r","sent_at":NaN}').ref is None


# --- properties ---

JSON_LEAVES = (st.none() | st.booleans() | st.integers(-(2**60), 2**60)
               | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20))
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_decode_raises_only_protocol_errors_for_any_input(data: bytes | str) -> None:
    try:
        msg = decode(data)
    except ProtocolError:
        return
    assert isinstance(msg, dict)


@FUZZ
@given(JSON_VALUES, st.sampled_from(sorted(SCHEMAS)), st.integers(0, 200))
def test_decode_survives_mangled_json(value: Any, mtype: str, cut: int) -> None:
    text = json.dumps({"v": 1, "type": mtype, "x": value})  # NaN and Infinity as Python writes
    for candidate in (text, text[:cut], text[cut:], text.replace(",", "[", 3)):
        with contextlib.suppress(ProtocolError):  # any other exception fails the test
            decode(candidate)


@FUZZ
@given(JSON_VALUES)
def test_encode_sends_only_what_decode_accepts(value: Any) -> None:
    msg = make("checks", checks={"value": value})
    try:
        text = encode(msg)
    except ProtocolError:
        return
    assert decode(text) == json.loads(text)


def _field_values(name: str, spec: Field) -> st.SearchStrategy[Any]:
    limit = spec.limit
    if spec.kind == "str":
        return st.text(max_size=min(limit, 40))
    if spec.kind == "int":
        return st.integers(-limit, limit)
    if spec.kind == "num":
        return st.floats(-limit, limit, allow_nan=False, allow_infinity=False)
    if spec.kind == "bool":
        return st.booleans()
    leaves = (st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=10)
              | st.floats(allow_nan=False, allow_infinity=False))
    if spec.kind == "obj":
        return st.dictionaries(st.text(max_size=8), leaves, max_size=5)
    return st.lists(st.dictionaries(st.text(max_size=8), leaves, max_size=3), max_size=3)


@st.composite
def valid_messages(draw: st.DrawFn) -> dict[str, Any]:
    mtype = draw(st.sampled_from(sorted(SCHEMAS)))
    fields: dict[str, Any] = {}
    for name, spec in SCHEMAS[mtype].items():
        if spec.required or draw(st.booleans()):
            fields[name] = draw(_field_values(name, spec))
    if draw(st.booleans()):
        fields["ref"] = draw(st.text(max_size=64))
    return make(mtype, **fields)


@FUZZ
@given(valid_messages())
def test_every_valid_message_round_trips(msg: dict[str, Any]) -> None:
    assert decode(encode(msg)) == msg
    assert decode(encode(msg).encode("utf-8")) == msg

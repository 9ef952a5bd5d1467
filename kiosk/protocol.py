"""The signalling protocol shared by the hub, the kiosk, the demo specialist and the web console.

Rules that matter:

- Every message is one JSON object in one WebSocket text frame, with the protocol version in
  ``"v"`` and the message type in ``"type"``. This module is the only definition of the wire
  format; the web console mirrors it in ``resources/web/protocol.js`` and ``docs/protocol.md``
  documents it. Change all three together and bump :data:`PROTOCOL_VERSION` for incompatible
  changes.
- Nothing received from the network is trusted: :func:`decode` checks size, UTF-8, nesting depth,
  JSON, version, type, field names, field types and field sizes before anything else looks at a
  message, and raises :class:`ProtocolError` with a machine code and a plain reason. For *any*
  input it raises nothing else (no ``RecursionError``, ``UnicodeError``, ``OverflowError``…). The
  reason never echoes the offending value (it may be a secret, such as an appointment code).
- Only standard JSON crosses the wire, in both directions: ``NaN``, ``Infinity`` and numbers
  that overflow to them are refused by :func:`decode` and by :func:`encode` (which refuses to
  send rather than send ``NaN`` or silently turn it into something else); so are integers
  beyond a double's range (the console would read ``Infinity``), lone UTF-16 surrogates and
  nesting deeper than :data:`MAX_DEPTH`. JSON bodies of HTTP requests are parsed
  by :func:`loads_untrusted`, with the same rules.
- Which side may send which type is part of the protocol (:data:`SENDERS`); the hub enforces it.
- Secrets (tokens, codes, passwords) travel only inside message bodies over the WebSocket, never
  in URLs, and are never logged: use :func:`redacted` before logging a message.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Final, NoReturn

PROTOCOL_VERSION: Final = 1
#: Versions this build understands. A peer announcing anything else is refused with a reason.
SUPPORTED_VERSIONS: Final = frozenset({1})
#: Largest message accepted, in bytes of UTF-8 text (an SDP with many candidates is ~10 KiB).
MAX_MESSAGE_BYTES: Final = 64 * 1024
#: Deepest nesting of objects and arrays accepted (the deepest real message is about 5 levels).
#: Far below Python's recursion limit, and checked before parsing without recursion.
MAX_DEPTH: Final = 32

ROLES: Final = ("kiosk", "patient", "specialist")

#: The ``hello`` feature by which a console asks for ``waiting_changes`` after one full list.
LIST_DELTA: Final = "list_delta"

#: Where a kiosk is in the patient journey, as it reports in ``status`` (the reception
#: console's words for them live in the console).
KIOSK_STEPS: Final = ("idle", "checking_in", "device_checks", "waiting", "in_call", "feedback",
                      "out_of_service", "admin")

# Field kinds: a Python type, or one of these markers for structured values.
_STR, _INT, _NUM, _BOOL, _OBJ, _LIST = "str", "int", "num", "bool", "obj", "list"


@dataclass(frozen=True)
class Field:
    """One field of a message: its kind, whether it must be present, and its size limit.

    ``limit`` is the maximum length for strings and lists, the maximum absolute value for
    numbers, and the maximum JSON size in bytes for objects.
    """

    kind: str
    required: bool = True
    limit: int = 256


def _f(kind: str, limit: int = 256) -> Field:
    return Field(kind, True, limit)


def _o(kind: str, limit: int = 256) -> Field:
    return Field(kind, False, limit)


_SDP = _f(_STR, 60_000)
_REF = _o(_STR, 64)
_VISIT = _f(_STR, 64)
_TEXT = 500

#: Every message type and its fields. ``v``, ``type`` and the optional ``ref`` (a client-chosen
#: correlation id echoed in the reply or error) are implicit in every message.
SCHEMAS: Final[Mapping[str, Mapping[str, Field]]] = {
    # --- session set-up (any client -> hub, then hub -> client) ---
    "hello": {
        "role": _f(_STR, 16),
        "token": _o(_STR, 128),  # kiosk device token (role kiosk)
        "client": _o(_STR, 128),  # free text: program and version, for logs
        "resume": _o(_OBJ, 512),  # {"visit_id", "resume_token"} after a dropped socket
        # Optional behaviours the client understands: "list_delta" (a console: one full
        # waiting_list, then waiting_changes). Unknown names are ignored.
        "features": _o(_LIST, 16),
    },
    "welcome": {
        "role": _f(_STR, 16),
        "hub": _f(_STR, 128),
        "ice_servers": _f(_LIST, 8),
        "ice_expires_at": _o(_NUM, 2**53),
        "kiosk": _o(_OBJ, 1024),  # kiosk id, clinic, room (role kiosk)
        "specialist": _o(_OBJ, 1024),  # id, display name, clinic (role specialist)
        "resumed": _o(_OBJ, 4096),  # the visit that was resumed, same shape as checked_in
    },
    "ice_request": {},  # ask for fresh TURN credentials
    "ice_servers": {"ice_servers": _f(_LIST, 8), "ice_expires_at": _o(_NUM, 2**53)},
    "ping": {"sent_at": _o(_NUM, 2**53)},
    "pong": {"sent_at": _o(_NUM, 2**53)},
    "error": {
        "code": _f(_STR, 64),
        "message": _f(_STR, 500),
        "retry_after": _o(_NUM, 86_400),
        "fatal": _o(_BOOL),
    },
    # --- patient side (kiosk or patient -> hub) ---
    "check_in": {  # exactly one of code / appointment_id (the latter: a paired kiosk only)
        "code": _o(_STR, 16),
        "appointment_id": _o(_INT, 2**31),  # staff prepared this kiosk for the appointment
        "checks": _o(_OBJ, 4096),  # device and network check summary
    },
    "checked_in": {
        "visit_id": _VISIT,
        "resume_token": _f(_STR, 128),
        "appointment": _f(_OBJ, 2048),  # time, specialist_name, waiting_area, clinic
        # A patient's own device gets its TURN credentials with this reply, not before.
        "ice_servers": _o(_LIST, 8),
        "ice_expires_at": _o(_NUM, 2**53),
    },
    "checks": {"checks": _f(_OBJ, 4096)},  # updated check summary while waiting
    "readiness": {"report": _f(_OBJ, 16 * 1024)},  # kiosk self-test: {fit, finished_at, checks}
    "help": {"reason": _o(_STR, 200)},
    "help_ack": {"message": _f(_STR, _TEXT)},
    # A kiosk's place in the patient journey, sent on every change, with or without a visit
    # (the reception console shows it). ``step`` is one of KIOSK_STEPS; ``detail`` is a plain
    # reason for staff when the step is ``out_of_service`` (never a secret).
    "status": {"step": _f(_STR, 32), "detail": _o(_STR, 200)},
    # Staff (a signed-in console) answer a help request: exactly one of kiosk_id (a kiosk's
    # request before check-in) or visit_id (a checked-in patient's).
    "help_acknowledge": {"kiosk_id": _o(_INT, 2**31), "visit_id": _o(_STR, 64)},
    # hub -> kiosk or patient: a person has answered the help request and is coming.
    "help_coming": {"by": _o(_STR, 128)},
    # hub -> a console whose account has sites: those sites' kiosks, a full snapshot.
    "kiosks": {"kiosks": _f(_LIST, 1000)},
    "leave": {"reason": _o(_STR, 64)},
    "call_state": {  # patient -> specialist (relayed): connecting / connected / reconnecting
        "state": _f(_STR, 32),
        "attempt": _o(_INT, 1000),
        "visit_id": _o(_STR, 64),
    },
    "call_stats": {"visit_id": _o(_STR, 64), "stats": _f(_OBJ, 4096)},
    # --- specialist side (specialist -> hub) ---
    # hub -> specialist, full snapshot. To a "list_delta" console one too large for a message
    # goes in parts 1..parts (apply the list when part == parts); others get it shortened.
    "waiting_list": {"patients": _f(_LIST, 5000), "part": _o(_INT, 1000),
                     "parts": _o(_INT, 1000)},
    # hub -> a "list_delta" console after its waiting_list: entries new or changed (whole
    # entries, by visit_id) and visit_ids gone.
    "waiting_changes": {"upsert": _f(_LIST, 5000), "remove": _f(_LIST, 5000)},
    "join": {"visit_id": _VISIT},
    "joined": {"visit_id": _VISIT, "specialist": _f(_OBJ, 1024)},  # hub -> both sides
    "message": {"visit_id": _o(_STR, 64), "text": _f(_STR, _TEXT), "from": _o(_STR, 128)},
    "restart": {"visit_id": _o(_STR, 64), "reason": _o(_STR, 64)},  # specialist asks re-offer
    # --- relayed call set-up (either side; the hub routes by visit) ---
    "offer": {"visit_id": _o(_STR, 64), "sdp": _SDP, "attempt": _f(_INT, 1000)},
    "answer": {"visit_id": _o(_STR, 64), "sdp": _SDP, "attempt": _f(_INT, 1000)},
    "candidate": {
        "visit_id": _o(_STR, 64),
        "attempt": _f(_INT, 1000),
        "candidate": _f(_STR, 1024),
        "sdp_mid": _o(_STR, 64),
        "sdp_mline_index": _o(_INT, 64),
    },
    "hangup": {"visit_id": _o(_STR, 64), "reason": _o(_STR, 64)},
    "call_ended": {"visit_id": _VISIT, "reason": _f(_STR, 64)},  # hub -> both sides
}

#: Who may send each type to the hub ("hub" means only the hub sends it).
SENDERS: Final[Mapping[str, frozenset[str]]] = {
    "hello": frozenset({"kiosk", "patient", "specialist"}),
    "ice_request": frozenset({"kiosk", "patient", "specialist"}),
    "ping": frozenset({"kiosk", "patient", "specialist"}),
    "pong": frozenset({"kiosk", "patient", "specialist"}),
    "check_in": frozenset({"kiosk", "patient"}),
    "checks": frozenset({"kiosk", "patient"}),
    "readiness": frozenset({"kiosk"}),
    "status": frozenset({"kiosk"}),
    "help_acknowledge": frozenset({"specialist"}),
    "help": frozenset({"kiosk", "patient"}),
    "leave": frozenset({"kiosk", "patient"}),
    "call_state": frozenset({"kiosk", "patient"}),
    "call_stats": frozenset({"kiosk", "patient", "specialist"}),
    "join": frozenset({"specialist"}),
    "message": frozenset({"specialist"}),
    "restart": frozenset({"specialist"}),
    "offer": frozenset({"kiosk", "patient"}),
    "answer": frozenset({"specialist"}),
    "candidate": frozenset({"kiosk", "patient", "specialist"}),
    "hangup": frozenset({"kiosk", "patient", "specialist"}),
    **{t: frozenset({"hub"}) for t in (
        "welcome", "ice_servers", "error", "checked_in", "help_ack", "waiting_list",
        "joined", "call_ended", "help_coming", "kiosks", "waiting_changes",
    )},
}

#: Error codes the hub sends. Clients key their plain-language messages on these.
ERROR_CODES: Final = frozenset({
    "bad_message",          # not JSON, not an object, wrong field types or sizes
    "too_large",            # over MAX_MESSAGE_BYTES
    "unsupported_version",  # fatal: the peer speaks a version this hub does not
    "unknown_type",
    "not_allowed",          # this role may not send this type, or not now
    "hello_required",
    "auth_failed",          # fatal: wrong kiosk token or no specialist session
    "bad_code",             # appointment code not found (deliberately vague)
    "code_used",
    "code_expired",
    "rate_limited",         # too many attempts; retry_after says when
    "not_found",            # visit no longer exists
    "forbidden",            # e.g. another clinic's patient
    "busy",                 # another specialist is already in this call
    "internal",
})

#: Fields whose values are secrets and must never reach a log line.
SECRET_FIELDS: Final = frozenset({"token", "code", "resume_token", "credential", "password", "sdp",
                                  "candidate", "resume"})


class ProtocolError(ValueError):
    """A message broke the protocol. ``code`` is one of :data:`ERROR_CODES`.

    ``ref`` is the bad message's own ``ref`` when :func:`decode` could read it safely (a parsed
    object with a short string ``ref``), so an error reply can carry it; otherwise ``None``.
    """

    def __init__(self, code: str, reason: str, *, fatal: bool = False,
                 ref: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.fatal = fatal
        self.ref = ref


class _NonStandardNumber(Exception):
    """Raised inside the JSON parser for NaN, Infinity or a number that overflows to it."""


def _refuse_constant(_name: str) -> NoReturn:
    raise _NonStandardNumber


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e999 parses to inf
        raise _NonStandardNumber
    return value


#: Largest integer a peer that reads JSON numbers as doubles (the console) sees as finite.
_MAX_JSON_INT: Final = int(sys.float_info.max)


def _bounded_int(literal: str) -> int:
    value = int(literal)
    if len(literal) > 308 and abs(value) > _MAX_JSON_INT:  # would be Infinity in JavaScript
        raise _NonStandardNumber
    return value


# A JSON string, or an unterminated one up to the end of the text (the parser stops there, so
# brackets after it are never entered). The unrolled loop is linear: no backtracking.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}
# A \uD800-\uDFFF escape; only when one appears is the parsed value checked for lone surrogates.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# 309 digits in a row: only then can an outgoing integer be beyond a double's range.
_LONG_DIGITS = re.compile(r"\d{309}")


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, without recursion and before parsing."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:  # the common case, at C speed
        return
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH:
        raise ProtocolError("bad_message", f"message is nested deeper than {MAX_DEPTH} levels")


def _as_text(data: str | bytes | bytearray | memoryview, max_bytes: int) -> str:
    """The text of ``data``, refused if over ``max_bytes`` of UTF-8 or not valid UTF-8."""
    if isinstance(data, str):
        if len(data) > max_bytes:  # every character is at least one byte: no need to encode
            raise ProtocolError("too_large", f"message of over {max_bytes} bytes")
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError:  # a lone surrogate in a str handed to us
            raise ProtocolError("bad_message", "message is not valid Unicode text") from None
        if size > max_bytes:
            raise ProtocolError("too_large", f"message of {size} bytes is over {max_bytes}")
        return data
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError("bad_message", "message must be text")
    if len(data) > max_bytes:
        raise ProtocolError("too_large", f"message of {len(data)} bytes is over {max_bytes}")
    try:
        return bytes(data).decode("utf-8")  # never UTF-16/32 guessing, as json.loads would
    except UnicodeDecodeError:
        raise ProtocolError("bad_message", "message is not valid UTF-8") from None


def loads_untrusted(data: str | bytes | bytearray | memoryview,
                    max_bytes: int = MAX_MESSAGE_BYTES) -> Any:
    """Parse JSON from the network under this module's rules, or raise :class:`ProtocolError`.

    ``too_large`` over ``max_bytes``; ``bad_message`` for anything that is not standard JSON in
    UTF-8 nested at most :data:`MAX_DEPTH` deep (NaN, Infinity, 1e999, lone surrogates included).
    Raises nothing else, for any input. Use it for HTTP request bodies; :func:`decode` uses it.
    """
    text = _as_text(data, max_bytes)
    _check_depth(text)
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                           parse_int=_bounded_int)
    except _NonStandardNumber:
        raise ProtocolError("bad_message", "NaN, Infinity and numbers beyond the range of a "
                            "double are not allowed") from None
    except (ValueError, RecursionError):  # incl. integer literals over 4,300 digits
        raise ProtocolError("bad_message", "message is not valid JSON") from None
    if _SURROGATE_ESCAPE.search(text):
        _check_unicode(value)
    return value


def _check_unicode(value: Any) -> None:
    try:  # depth is bounded, so this cannot recurse too far
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ProtocolError("bad_message", "message holds a lone UTF-16 surrogate") from None


def _check_ints(value: Any) -> None:
    """Refuse integers a JavaScript peer would read as Infinity (iterative: any depth)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, int) and abs(item) > _MAX_JSON_INT:
            raise ProtocolError("bad_message", "an outgoing integer is beyond the range of a "
                                "double; it was not sent")
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _dumps(value: Any) -> str:
    """Standard JSON text of ``value`` (ValueError for NaN or Infinity anywhere in it)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _obj_size(name: str, value: dict[str, Any]) -> int:
    """JSON size of an object field, refused if it holds NaN or Infinity anywhere."""
    try:
        return len(_dumps(value))
    except ValueError:
        raise ProtocolError("bad_message", f"field {name!r} holds NaN or Infinity; only "
                            "finite numbers are allowed") from None
    except RecursionError:  # only an object built in this process can be this deep
        raise ProtocolError("bad_message", f"field {name!r} is nested too deep") from None


def _check_field(name: str, spec: Field, value: Any) -> None:
    kind = spec.kind
    ok: bool
    if kind == _STR:
        ok = isinstance(value, str) and len(value) <= spec.limit
    elif kind == _INT:
        ok = (isinstance(value, int) and not isinstance(value, bool)
              and abs(value) <= spec.limit)
    elif kind == _NUM:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and not math.isfinite(value):
            raise ProtocolError("bad_message", f"field {name!r} must be a finite number")
        ok = ok and abs(value) <= spec.limit
    elif kind == _BOOL:
        ok = isinstance(value, bool)
    elif kind == _OBJ:
        ok = isinstance(value, dict) and _obj_size(name, value) <= spec.limit
    elif kind == _LIST:
        ok = isinstance(value, list) and len(value) <= spec.limit
    else:  # pragma: no cover - a programming error in SCHEMAS
        raise AssertionError(kind)
    if not ok:
        raise ProtocolError("bad_message", f"field {name!r} must be {kind} within {spec.limit}")


def validate(msg: Mapping[str, Any]) -> None:
    """Check a decoded message against its schema; raise :class:`ProtocolError` if it is bad."""
    version = msg.get("v")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProtocolError("bad_message", "message has no protocol version 'v'")
    if version not in SUPPORTED_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS))
        raise ProtocolError(
            "unsupported_version",
            f"protocol version {version} is not supported; this side speaks {supported}",
            fatal=True,
        )
    mtype = msg.get("type")
    if not isinstance(mtype, str):
        raise ProtocolError("bad_message", "message has no 'type'")
    schema = SCHEMAS.get(mtype)
    if schema is None:
        raise ProtocolError("unknown_type", f"unknown message type {mtype[:40]!r}")
    for name, value in msg.items():
        if name in ("v", "type"):
            continue
        if name == "ref":
            _check_field(name, _o(_STR, 64), value)
            continue
        spec = schema.get(name)
        if spec is None:
            raise ProtocolError("bad_message", f"unexpected field {name[:40]!r} in {mtype}")
        _check_field(name, spec, value)
    for name, spec in schema.items():
        if spec.required and name not in msg:
            raise ProtocolError("bad_message", f"{mtype} needs the field {name!r}")


def decode(text: str | bytes | bytearray) -> dict[str, Any]:
    """Parse and validate one message from the wire; :class:`ProtocolError` for any bad input."""
    msg = loads_untrusted(text, MAX_MESSAGE_BYTES)
    if not isinstance(msg, dict):
        raise ProtocolError("bad_message", "message must be a JSON object")
    try:
        validate(msg)
    except ProtocolError as exc:
        ref = msg.get("ref")
        exc.ref = ref if isinstance(ref, str) and len(ref) <= 64 else None
        raise
    return msg


def make(mtype: str, **fields: Any) -> dict[str, Any]:
    """Build a message of the current version, leaving out fields whose value is None."""
    msg: dict[str, Any] = {"v": PROTOCOL_VERSION, "type": mtype}
    msg.update({k: v for k, v in fields.items() if v is not None})
    return msg


def encode(msg: Mapping[str, Any]) -> str:
    """Validate an outgoing message and serialise it (our own bugs fail loudly here).

    Refuses, rather than sends, what :func:`decode` would refuse at the other end: NaN or
    Infinity anywhere, integers beyond a double's range, nesting deeper than :data:`MAX_DEPTH`
    and lone surrogates (``bad_message``), and more than :data:`MAX_MESSAGE_BYTES`
    (``too_large``).
    """
    validate(msg)
    mtype = msg.get("type")
    try:
        text = _dumps(msg)
    except ValueError:
        raise ProtocolError("bad_message", f"outgoing {mtype} holds NaN or Infinity, which "
                            "JSON does not allow; it was not sent") from None
    except RecursionError:
        raise ProtocolError("bad_message", f"outgoing {mtype} is nested too deep") from None
    if len(text) > MAX_MESSAGE_BYTES:  # ensure_ascii: one byte per character
        raise ProtocolError("too_large", f"outgoing {mtype} is over the size limit")
    _check_depth(text)
    if _SURROGATE_ESCAPE.search(text):
        _check_unicode(msg)
    if _LONG_DIGITS.search(text):
        _check_ints(msg)
    return text


def error(code: str, message: str, *, ref: str | None = None, retry_after: float | None = None,
          fatal: bool | None = None) -> dict[str, Any]:
    """Build an ``error`` message."""
    if code not in ERROR_CODES:  # pragma: no cover - a programming error
        raise AssertionError(code)
    return make("error", code=code, message=message, ref=ref, retry_after=retry_after,
                fatal=fatal)


def redacted(msg: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a message that is safe to log: secret fields replaced, text shortened."""
    out: dict[str, Any] = {}
    for key, value in msg.items():
        if key in SECRET_FIELDS:
            out[key] = "<redacted>"
        elif key == "text" and isinstance(value, str):
            out[key] = f"<{len(value)} chars>"
        elif key == "ice_servers":
            out[key] = f"<{len(value) if isinstance(value, list) else '?'} servers>"
        else:
            out[key] = value
    return out

"""The signalling protocol shared by the hub, the kiosk, the demo specialist and the web console.

Rules that matter:

- Every message is one JSON object in one WebSocket text frame, with the protocol version in
  ``"v"`` and the message type in ``"type"``. This module is the only definition of the wire
  format; the web console mirrors it in ``resources/web/protocol.js`` and ``docs/protocol.md``
  documents it. Change all three together and bump :data:`PROTOCOL_VERSION` for incompatible
  changes.
- Nothing received from the network is trusted: :func:`decode` checks size, JSON, version, type,
  field names, field types and field sizes before anything else looks at a message, and raises
  :class:`ProtocolError` with a machine code and a plain reason. The reason never echoes the
  offending value (it may be a secret, such as an appointment code or a token).
- Which side may send which type is part of the protocol (:data:`SENDERS`); the hub enforces it.
- Secrets (tokens, codes, passwords) travel only inside message bodies over the WebSocket, never
  in URLs, and are never logged: use :func:`redacted` before logging a message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

PROTOCOL_VERSION: Final = 1
#: Versions this build understands. A peer announcing anything else is refused with a reason.
SUPPORTED_VERSIONS: Final = frozenset({1})
#: Largest message accepted, in bytes of UTF-8 text (an SDP with many candidates is ~10 KiB).
MAX_MESSAGE_BYTES: Final = 64 * 1024

ROLES: Final = ("kiosk", "patient", "specialist")

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
    },
    "checks": {"checks": _f(_OBJ, 4096)},  # updated check summary while waiting
    "readiness": {"report": _f(_OBJ, 16 * 1024)},  # kiosk self-test: {fit, finished_at, checks}
    "help": {"reason": _o(_STR, 200)},
    "help_ack": {"message": _f(_STR, _TEXT)},
    "leave": {"reason": _o(_STR, 64)},
    "call_state": {  # patient -> specialist (relayed): connecting / connected / reconnecting
        "state": _f(_STR, 32),
        "attempt": _o(_INT, 1000),
        "visit_id": _o(_STR, 64),
    },
    "call_stats": {"visit_id": _o(_STR, 64), "stats": _f(_OBJ, 4096)},
    # --- specialist side (specialist -> hub) ---
    "waiting_list": {"patients": _f(_LIST, 5000)},  # hub -> specialist, full snapshot
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
        "joined", "call_ended",
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
    """A message broke the protocol. ``code`` is one of :data:`ERROR_CODES`."""

    def __init__(self, code: str, reason: str, *, fatal: bool = False) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.fatal = fatal


def _check_field(name: str, spec: Field, value: Any) -> None:
    kind = spec.kind
    ok: bool
    if kind == _STR:
        ok = isinstance(value, str) and len(value) <= spec.limit
    elif kind == _INT:
        ok = (isinstance(value, int) and not isinstance(value, bool)
              and abs(value) <= spec.limit)
    elif kind == _NUM:
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and abs(value) <= spec.limit and value == value)  # NaN != NaN
    elif kind == _BOOL:
        ok = isinstance(value, bool)
    elif kind == _OBJ:
        ok = isinstance(value, dict) and len(json.dumps(value)) <= spec.limit
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


def decode(text: str | bytes) -> dict[str, Any]:
    """Parse and validate one message from the wire."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", f"message of {size} bytes is over {MAX_MESSAGE_BYTES}")
    try:
        msg = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError("bad_message", "message is not valid JSON") from None
    if not isinstance(msg, dict):
        raise ProtocolError("bad_message", "message must be a JSON object")
    validate(msg)
    return msg


def make(mtype: str, **fields: Any) -> dict[str, Any]:
    """Build a message of the current version, leaving out fields whose value is None."""
    msg: dict[str, Any] = {"v": PROTOCOL_VERSION, "type": mtype}
    msg.update({k: v for k, v in fields.items() if v is not None})
    return msg


def encode(msg: Mapping[str, Any]) -> str:
    """Validate an outgoing message and serialise it (our own bugs fail loudly here)."""
    validate(msg)
    text = json.dumps(msg, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", f"outgoing {msg.get('type')} is over the size limit")
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

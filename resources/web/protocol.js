// The signalling protocol, mirrored from kiosk/protocol.py (the only definition in code).
// Change both together; tests/integration/test_console_security.py compares them.
//
// Rules that matter (as in protocol.py):
// - One JSON object per WebSocket text frame, with "v" (protocol version) and "type".
// - Nothing from the network is trusted: decode() checks size, JSON, nesting depth, version,
//   type and fields.
// - Only standard JSON, both ways: JSON.stringify would silently send NaN and Infinity as null
//   (and drop undefined), so encode() refuses a message holding any of them, as the hub refuses
//   NaN, Infinity, lone surrogates and nesting deeper than MAX_DEPTH.
// - One bad entry in a waiting_list (or waiting_changes) is skipped (with a console warning),
//   never the whole list.
// - Secrets (codes, tokens, SDP) are never logged; redacted() before any console output.

export const PROTOCOL_VERSION = 1;
export const SUPPORTED_VERSIONS = Object.freeze([1]);
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_TEXT = 500;
export const MAX_DEPTH = 32; // deepest nesting of objects and arrays, as in protocol.py
export const ROLES = Object.freeze(["kiosk", "patient", "specialist"]);
/** The hello feature: one full waiting_list, then waiting_changes (see listsync.js). */
export const LIST_DELTA = "list_delta";

// Field kinds: [kind, required, limit] (limit: max length for strings/lists, max absolute value
// for numbers, max JSON bytes for objects).
const f = (kind, limit = 256) => Object.freeze([kind, true, limit]);
const o = (kind, limit = 256) => Object.freeze([kind, false, limit]);
const SDP = f("str", 60000);
const VISIT = f("str", 64);

export const SCHEMAS = Object.freeze({
  hello: {
    role: f("str", 16), token: o("str", 128), client: o("str", 128), resume: o("obj", 512),
    features: o("list", 16), // e.g. [LIST_DELTA]
  },
  welcome: {
    role: f("str", 16), hub: f("str", 128), ice_servers: f("list", 8),
    ice_expires_at: o("num", 2 ** 53), kiosk: o("obj", 1024), specialist: o("obj", 1024),
    resumed: o("obj", 4096),
  },
  ice_request: {},
  ice_servers: { ice_servers: f("list", 8), ice_expires_at: o("num", 2 ** 53) },
  ping: { sent_at: o("num", 2 ** 53) },
  pong: { sent_at: o("num", 2 ** 53) },
  error: { code: f("str", 64), message: f("str", 500), retry_after: o("num", 86400), fatal: o("bool") },
  check_in: { code: o("str", 16), appointment_id: o("int", 2 ** 31), checks: o("obj", 4096) },
  checked_in: {
    visit_id: VISIT, resume_token: f("str", 128), appointment: f("obj", 2048),
    ice_servers: o("list", 8), ice_expires_at: o("num", 2 ** 53),
  },
  checks: { checks: f("obj", 4096) },
  readiness: { report: f("obj", 16 * 1024) }, // kiosk self-test: {fit, finished_at, checks}
  help: { reason: o("str", 200) },
  help_ack: { message: f("str", MAX_TEXT) },
  status: { step: f("str", 32), detail: o("str", 200) }, // a kiosk's journey step
  help_acknowledge: { kiosk_id: o("int", 2 ** 31), visit_id: o("str", 64) }, // staff answer help
  help_coming: { by: o("str", 128) }, // hub -> patient side: someone is coming
  kiosks: { kiosks: f("list", 1000) }, // hub -> a console with sites: their kiosks
  leave: { reason: o("str", 64) },
  call_state: { state: f("str", 32), attempt: o("int", 1000), visit_id: o("str", 64) },
  call_stats: { visit_id: o("str", 64), stats: f("obj", 4096) },
  waiting_list: { patients: f("list", 5000), part: o("int", 1000), parts: o("int", 1000) },
  waiting_changes: { upsert: f("list", 5000), remove: f("list", 5000) }, // to a LIST_DELTA console
  join: { visit_id: VISIT },
  joined: { visit_id: VISIT, specialist: f("obj", 1024) },
  message: { visit_id: o("str", 64), text: f("str", MAX_TEXT), from: o("str", 128) },
  restart: { visit_id: o("str", 64), reason: o("str", 64) },
  offer: { visit_id: o("str", 64), sdp: SDP, attempt: f("int", 1000) },
  answer: { visit_id: o("str", 64), sdp: SDP, attempt: f("int", 1000) },
  candidate: {
    visit_id: o("str", 64), attempt: f("int", 1000), candidate: f("str", 1024),
    sdp_mid: o("str", 64), sdp_mline_index: o("int", 64),
  },
  hangup: { visit_id: o("str", 64), reason: o("str", 64) },
  call_ended: { visit_id: VISIT, reason: f("str", 64) },
});

export const ERROR_CODES = Object.freeze([
  "bad_message", "too_large", "unsupported_version", "unknown_type", "not_allowed",
  "hello_required", "auth_failed", "bad_code", "code_used", "code_expired", "rate_limited",
  "not_found", "forbidden", "busy", "internal",
]);

export const SECRET_FIELDS = Object.freeze([
  "token", "code", "resume_token", "credential", "password", "sdp", "candidate", "resume",
]);

// WebSocket close codes the hub uses (docs/protocol.md).
export const CLOSE = Object.freeze({
  UNSUPPORTED_VERSION: 4000, AUTH_FAILED: 4001, NO_HELLO: 4002, RESUMED_ELSEWHERE: 4003,
  GOING_AWAY: 1001,
});

export class ProtocolError extends Error {
  constructor(code, reason) {
    super(reason);
    this.code = code;
  }
}

const encoder = new TextEncoder();

const wellFormed = (s) => typeof s.isWellFormed !== "function" || s.isWellFormed();

/**
 * True when value is standard JSON data that survives JSON.stringify unchanged: finite numbers
 * only (no NaN or Infinity, which stringify turns into null), no undefined, functions or BigInt,
 * no lone surrogates, and objects and arrays nested at most MAX_DEPTH deep counting from
 * `depth`. Iterative, so no input can overflow the stack.
 */
export function isStandardJson(value, depth = 0) {
  const stack = [[value, depth]];
  while (stack.length > 0) {
    const [v, d] = stack.pop();
    if (v === null || typeof v === "boolean") continue;
    if (typeof v === "number") { if (!Number.isFinite(v)) return false; continue; }
    if (typeof v === "string") { if (!wellFormed(v)) return false; continue; }
    if (typeof v !== "object" || d >= MAX_DEPTH) return false;
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, d + 1]);
    } else {
      for (const [key, item] of Object.entries(v)) {
        if (!wellFormed(key)) return false;
        stack.push([item, d + 1]);
      }
    }
  }
  return true;
}

function checkField(name, [kind, , limit], value) {
  let ok;
  switch (kind) {
    case "str": ok = typeof value === "string" && value.length <= limit && wellFormed(value); break;
    case "int": ok = Number.isInteger(value) && Math.abs(value) <= limit; break;
    case "num": ok = typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= limit; break;
    case "bool": ok = typeof value === "boolean"; break;
    case "obj": ok = value !== null && typeof value === "object" && !Array.isArray(value)
      && isStandardJson(value, 1) && JSON.stringify(value).length <= limit; break;
    case "list": ok = Array.isArray(value) && value.length <= limit && isStandardJson(value, 1); break;
    default: ok = false;
  }
  if (!ok) {
    throw new ProtocolError("bad_message", `field '${name}' must be ${kind} within ${limit} `
      + `(standard JSON: finite numbers, nested at most ${MAX_DEPTH} deep)`);
  }
}

const OPTIONAL_TEXT = ["waiting_since", "appointment_time", "clinic", "room", "specialist_name",
  "patient_name", "call_state"];
const OPTIONAL_OBJECT = ["waiting_area", "checks", "joined_by"];

/**
 * Whether one entry of a waiting_list has the shape the console relies on: an object with a
 * string visit_id and status (never a name such as "constructor" that plain objects inherit),
 * and, where present, text or null, objects or null, and a boolean help_requested.
 */
export function isWaitingEntry(e) {
  if (e === null || typeof e !== "object" || Array.isArray(e)) return false;
  if (typeof e.visit_id !== "string" || e.visit_id.length === 0 || e.visit_id.length > 64) return false;
  if (typeof e.status !== "string" || e.status.length > 32 || e.status in Object.prototype) return false;
  for (const k of OPTIONAL_TEXT) {
    if (e[k] !== undefined && e[k] !== null && (typeof e[k] !== "string" || e[k].length > 500)) return false;
  }
  for (const k of OPTIONAL_OBJECT) {
    if (e[k] !== undefined && e[k] !== null && (typeof e[k] !== "object" || Array.isArray(e[k]))) return false;
  }
  return e.help_requested === undefined || typeof e.help_requested === "boolean";
}

/** Check a decoded message against its schema; throws ProtocolError if it is bad. */
export function validate(msg) {
  if (!Number.isInteger(msg.v)) throw new ProtocolError("bad_message", "message has no protocol version 'v'");
  if (!SUPPORTED_VERSIONS.includes(msg.v)) {
    throw new ProtocolError("unsupported_version", `protocol version ${msg.v} is not supported`);
  }
  if (typeof msg.type !== "string") throw new ProtocolError("bad_message", "message has no 'type'");
  const schema = Object.hasOwn(SCHEMAS, msg.type) ? SCHEMAS[msg.type] : null;
  if (schema === null) throw new ProtocolError("unknown_type", "unknown message type");
  for (const [name, value] of Object.entries(msg)) {
    if (name === "v" || name === "type") continue;
    if (name === "ref") { checkField(name, o("str", 64), value); continue; }
    if (!Object.hasOwn(schema, name)) {
      throw new ProtocolError("bad_message", `unexpected field '${name.slice(0, 40)}' in ${msg.type}`);
    }
    checkField(name, schema[name], value);
  }
  for (const [name, spec] of Object.entries(schema)) {
    if (spec[1] && !(name in msg)) throw new ProtocolError("bad_message", `${msg.type} needs '${name}'`);
  }
}

/** Parse and validate one message from the wire. */
export function decode(text) {
  if (typeof text !== "string") throw new ProtocolError("bad_message", "binary frames are not used");
  if (encoder.encode(text).length > MAX_MESSAGE_BYTES) throw new ProtocolError("too_large", "message too large");
  let msg;
  try { msg = JSON.parse(text); } catch { throw new ProtocolError("bad_message", "message is not valid JSON"); }
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
    throw new ProtocolError("bad_message", "message must be a JSON object");
  }
  if (!isStandardJson(msg)) { // as protocol.py: checked before the version, type and fields
    throw new ProtocolError("bad_message", `message is nested deeper than ${MAX_DEPTH} levels, `
      + "or holds a number beyond a double or a lone surrogate");
  }
  validate(msg);
  if (msg.type === "waiting_list") {
    const good = msg.patients.filter(isWaitingEntry);
    if (good.length !== msg.patients.length) {
      console.warn(`skipped ${msg.patients.length - good.length} bad waiting-list entries`);
      msg.patients = good;
    }
  } else if (msg.type === "waiting_changes") {
    const good = msg.upsert.filter(isWaitingEntry);
    const ids = msg.remove.filter((id) => typeof id === "string" && id.length > 0 && id.length <= 64);
    if (good.length !== msg.upsert.length || ids.length !== msg.remove.length) {
      console.warn(`skipped ${msg.upsert.length - good.length + msg.remove.length - ids.length} bad waiting-list changes`);
      msg.upsert = good;
      msg.remove = ids;
    }
  }
  return msg;
}

/** Build a message of the current version, leaving out fields that are null or undefined. */
export function make(type, fields = {}) {
  const msg = { v: PROTOCOL_VERSION, type };
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined) msg[k] = v;
  return msg;
}

/** Validate and serialise an outgoing message (our own bugs fail loudly here). */
export function encode(msg) {
  validate(msg);
  if (!isStandardJson(msg)) {
    throw new ProtocolError("bad_message", `outgoing ${msg.type} holds NaN, Infinity or another `
      + "value JSON cannot carry; it was not sent");
  }
  const text = JSON.stringify(msg);
  if (encoder.encode(text).length > MAX_MESSAGE_BYTES) throw new ProtocolError("too_large", "outgoing message too large");
  return text;
}

/** A copy of a message that is safe to log. */
export function redacted(msg) {
  const out = {};
  for (const [k, v] of Object.entries(msg)) {
    if (SECRET_FIELDS.includes(k)) out[k] = "<redacted>";
    else if (k === "text" && typeof v === "string") out[k] = `<${v.length} chars>`;
    else if (k === "ice_servers") out[k] = `<${Array.isArray(v) ? v.length : "?"} servers>`;
    else out[k] = v;
  }
  return out;
}

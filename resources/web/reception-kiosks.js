// The reception console's KIOSKS panel: each kiosk of the chosen site, where it is (name, room),
// its step in plain words, whether it is online, and this morning's self-test.
//
// Rules that matter:
// - Everything the hub sends is checked for its type and shown as text (textContent), never
//   HTML; an entry that is not an object with an integer id is skipped.
// - Nothing is shown by colour alone: every state has its words and a symbol.
// - The panel is rebuilt from the hub's latest `kiosks` list (a handful of kiosks per site), so
//   it never drifts from the hub.

import { clock } from "./format.js";

/** A kiosk's journey step (protocol.KIOSK_STEPS) in words for a busy front desk. */
export const STEP_WORDS = Object.freeze({
  idle: "Free – ready for the next patient",
  checking_in: "A patient is checking in",
  device_checks: "Checking the camera and sound",
  waiting: "Patient waiting for the clinician",
  in_call: "In a consultation",
  feedback: "Patient giving feedback",
  out_of_service: "Out of service",
  admin: "Staff settings are open",
});

const CHECK_WORDS = { camera: "camera", microphone: "microphone", speaker: "speaker", network: "network" };

const text = (v, limit = 200) => (typeof v === "string" && v.length > 0 ? v.slice(0, limit) : null);

/** True when `iso` is a time on the browser's today. */
export function isToday(iso, now = new Date()) {
  const d = new Date(iso);
  return !Number.isNaN(d.getTime()) && d.toDateString() === now.toDateString();
}

/** "09:12" today, "3 Dec 09:12" on another day, null for no usable time. */
export function when(iso, now = new Date()) {
  const at = clock(iso);
  if (!at) return null;
  if (isToday(iso, now)) return at;
  const day = new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short" });
  return `${day} ${at}`;
}

/** A kiosk entry from the hub, or null when it is not one. */
export function kioskEntry(k) {
  if (!k || typeof k !== "object" || Array.isArray(k) || !Number.isInteger(k.id)) return null;
  return k;
}

/** The kiosk's name for people: "Kiosk 3, Room 2" (its name and room, whichever it has). */
export function kioskName(k) {
  const name = text(k.name, 120);
  const room = text(k.room, 120);
  if (name && room && name !== room) return `${name}, ${room}`;
  return name || room || `Kiosk ${k.id}`;
}

/** {word, symbol, state, detail} for where the kiosk is now. */
export function kioskState(k, now = new Date()) {
  if (k.connected !== true) {
    const seen = when(k.last_seen, now);
    return { state: "offline", symbol: "✕", word: "Offline",
      detail: seen ? `Last seen ${seen}. Check that it is switched on and connected.` : "Never seen online." };
  }
  const step = text(k.step, 32);
  if (step === "out_of_service") {
    return { state: "out", symbol: "✕", word: STEP_WORDS.out_of_service,
      detail: text(k.detail) || "The kiosk gave no reason." };
  }
  const since = when(k.step_since, now);
  const word = step && Object.hasOwn(STEP_WORDS, step) ? STEP_WORDS[step] : "Online";
  const busy = step && step !== "idle" && step !== "admin";
  return { state: busy ? "busy" : "free", symbol: busy ? "●" : "✓", word,
    detail: since ? `Since ${since}` : "" };
}

/** This morning's self-test: {state, symbol, word}. */
export function selfTest(readiness, now = new Date()) {
  const r = readiness && typeof readiness === "object" ? readiness : null;
  const at = r ? text(r.finished_at, 64) || text(r.reported_at, 64) : null;
  if (!r || !at || !isToday(at, now)) {
    const last = at ? when(at, now) : null;
    return { state: "none", symbol: "–", word: `Self-test: not run today${last ? ` (last ${last})` : ""}` };
  }
  if (r.fit === true) return { state: "pass", symbol: "✓", word: `Self-test at ${clock(at)}: all fine` };
  const failing = Array.isArray(r.failing)
    ? r.failing.filter((c) => typeof c === "string").map((c) => CHECK_WORDS[c] || c.slice(0, 40)) : [];
  return { state: "fail", symbol: "✕",
    word: `Self-test at ${clock(at)}: failing${failing.length ? ` – ${failing.join(", ")}` : ""}` };
}

function span(cls, content) {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = content;
  return s;
}

function line(cls, symbol, words, state) {
  const p = document.createElement("p");
  p.className = cls;
  if (state) p.dataset.state = state;
  const icon = span("symbol", symbol);
  icon.setAttribute("aria-hidden", "true");
  p.append(icon, span("words", words));
  return p;
}

/** Fill `list` with one card per kiosk (already filtered to the site), by name. */
export function renderKiosks(list, empty, kiosks, now = new Date()) {
  const sorted = [...kiosks].sort((a, b) => kioskName(a).localeCompare(kioskName(b), "en-GB", { numeric: true }));
  list.replaceChildren(...sorted.map((k) => {
    const st = kioskState(k, now);
    const li = document.createElement("li");
    li.className = "kiosk";
    li.dataset.kioskId = String(k.id);
    li.dataset.state = st.state;
    li.dataset.step = text(k.step, 32) || "";
    const h = document.createElement("h3");
    h.textContent = kioskName(k);
    li.append(h, line("kiosk-step", st.symbol, st.word, st.state));
    if (st.detail) li.append(span("kiosk-detail", st.detail));
    const test = selfTest(k.readiness, now);
    li.append(line("kiosk-test", test.symbol, test.word, test.state));
    return li;
  }));
  empty.hidden = sorted.length > 0;
}

// Small formatting helpers shared by the views (plain English, UK style).

export function clock(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

export function waitingFor(iso, now = Date.now()) {
  const since = new Date(iso).getTime();
  if (Number.isNaN(since)) return "";
  const min = Math.max(0, Math.floor((now - since) / 60000));
  if (min < 1) return "waiting less than a minute";
  if (min < 60) return `waiting ${min} min`;
  return `waiting ${Math.floor(min / 60)} h ${min % 60} min`;
}

export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

export function durationWords(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

const CHECK_NAMES = { camera: "Camera", microphone: "Microphone", speaker: "Speaker", network: "Network" };
const RESULTS = {
  pass: ["pass", "✓", "OK"], ok: ["pass", "✓", "OK"], good: ["pass", "✓", "OK"],
  warn: ["warn", "!", "Warning"], fair: ["warn", "!", "Warning"],
  fail: ["fail", "✕", "Failed"], poor: ["fail", "✕", "Failed"],
};

// Why a check failed, as the kiosk measured it (checks.camera_detail; kiosk/checks/camera.py).
const DETAILS = {
  absent: "no camera found", no_frames: "no picture from the camera",
  black: "only a black picture", frozen: "the picture was frozen",
};

/** The four device checks as [{name, cls, icon, word, advice}] (unknown values say "not
 * checked"; a failed one says why when the kiosk measured it: "Failed (no camera found)";
 * advice: the kiosk's advice line for staff, shown as the line's tooltip). */
export function checkItems(checks) {
  const out = [];
  for (const [key, name] of Object.entries(CHECK_NAMES)) {
    const value = checks && typeof checks[key] === "string" ? checks[key].toLowerCase() : null;
    const [cls, icon, word] = RESULTS[value] || ["skip", "–", "Not checked"];
    const detail = cls === "fail" && checks ? DETAILS[checks[`${key}_detail`]] : undefined;
    const advice = checks && typeof checks[`${key}_advice`] === "string" ? checks[`${key}_advice`] : "";
    out.push({ name, cls, icon, advice,
      word: typeof detail === "string" ? `${word} (${detail})` : word });
  }
  return out;
}

export function renderChecks(ul, checks) {
  const items = checkItems(checks);
  ul.replaceChildren(...items.map(({ name, cls, icon, word, advice }) => {
    const li = document.createElement("li");
    li.className = `check check-${cls}`;
    if (advice) li.title = advice; // the kiosk's advice line for staff
    const i = document.createElement("span");
    i.className = "check-icon";
    i.setAttribute("aria-hidden", "true");
    i.textContent = icon;
    const t = document.createElement("span");
    t.textContent = `${name}: ${word}`;
    li.append(i, t);
    return li;
  }));
}

export const END_REASONS = {
  specialist_hangup: "You ended the call.",
  hangup: "The call was ended.",
  patient_hangup: "The patient ended the call.",
  left: "The patient left.",
  patient_disconnected: "The patient's kiosk lost its connection and did not come back.",
  specialist_disconnected: "Your connection to the hub was lost for too long.",
  network_failed: "The call could not be kept going on this network.",
  hub_stopped: "The hub was restarted.",
};

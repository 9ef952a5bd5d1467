// The reception console's HELP panel: every help request at the staff member's sites, with a
// loud banner and a repeating chime until someone presses "I'm going".
//
// Rules that matter:
// - A request comes from the hub's `kiosks` entries (`help`: a kiosk's request, before or after
//   check-in) and from waiting-list entries (`help_at`, the time of the LATEST request, so a new
//   request after an answer is news again). One request per visit, or per kiosk before check-in.
// - The banner and the sound stay on while any request has no acknowledgement; the hub clears
//   the acknowledgement when a patient asks again, so that alerts again. Nobody can silence the
//   alert except by answering it.
// - "I'm going" sends help_acknowledge{visit_id} (or {kiosk_id} before check-in) and waits for
//   the hub's word; the hub tells the kiosk "Someone from reception is coming" and sends the
//   lists again with who is going. A refusal is shown in words on the request.
// - Whatever the hub sends is shown as text; the sound's state is on the panel's data-sound and
//   data-chimes attributes (tests and screen readers do not depend on hearing it).

import { clock } from "./format.js";
import { kioskName } from "./reception-kiosks.js";

export const CHIME_EVERY_MS = 4000;

const text = (v, limit = 200) => (typeof v === "string" && v.length > 0 ? v.slice(0, limit) : null);

const REFUSED = {
  forbidden: "Not sent: this kiosk is not at your site.",
  not_found: "Not sent: that request has already ended.",
  offline: "Not sent: the connection to the hub is down. Try again.",
  timeout: "Not sent: the hub did not answer. Try again.",
  rate_limited: "Not sent: too many presses. Wait a moment and try again.",
};

/** The open help requests in `kiosks` and `patients` (waiting-list entries), oldest first. */
export function helpRequests(kiosks, patients) {
  const out = new Map();
  const byVisit = new Map(patients.map((p) => [p.visit_id, p]));
  for (const k of kiosks) {
    const h = k.help;
    if (!h || typeof h !== "object" || Array.isArray(h)) continue;
    const visitId = text(h.visit_id, 64);
    const patient = visitId ? byVisit.get(visitId) : undefined;
    const key = visitId ? `visit:${visitId}` : `kiosk:${k.id}`;
    out.set(key, {
      key, kioskId: k.id, visitId, since: text(h.since, 64),
      by: text(h.acknowledged_by, 128), at: text(h.acknowledged_at, 64),
      where: kioskName(k), site: k.site && typeof k.site === "object" ? text(k.site.name, 120) : null,
      patientName: patient ? text(patient.patient_name, 120) : null, checkedIn: Boolean(visitId),
    });
  }
  for (const p of patients) {
    const since = text(p.help_at, 64) || (p.help_requested === true ? text(p.waiting_since, 64) || "" : null);
    if (since === null) continue;
    const kioskId = Number.isInteger(p.kiosk_id) ? p.kiosk_id : null;
    const beforeCheckIn = p.status === "help";
    const key = beforeCheckIn && kioskId !== null ? `kiosk:${kioskId}` : `visit:${p.visit_id}`;
    if (out.has(key)) continue;
    out.set(key, {
      key, kioskId, visitId: beforeCheckIn && kioskId !== null ? null : p.visit_id, since,
      by: text(p.help_acknowledged_by, 128), at: text(p.help_acknowledged_at, 64),
      where: text(p.room, 120) || "A kiosk", site: text(p.site, 120),
      patientName: text(p.patient_name, 120), checkedIn: !beforeCheckIn,
    });
  }
  return [...out.values()].sort((a, b) => String(a.since).localeCompare(String(b.since)));
}

export class HelpDesk {
  /**
   * els: {panel, title, list, none}; chime: a sound.js Chime; announce(text) says it
   * assertively; acknowledge(fields) -> Promise<{ok, code, message}> (HubSocket.request).
   */
  constructor(els, chime, announce, acknowledge) {
    Object.assign(this, els);
    this.chime = chime;
    this.announce = announce;
    this.acknowledge = acknowledge;
    this.items = new Map(); // key -> li
    this.heard = new Set(); // key|since of every request already announced
    this.sending = new Set();
    this.timer = null;
    this.showSites = false;
    this.baseTitle = document.title;
  }

  /** Show the requests in the hub's latest `kiosks` and waiting list. */
  update(kiosks, patients) {
    const requests = helpRequests(kiosks, patients);
    const keep = new Set();
    requests.forEach((r, index) => {
      keep.add(r.key);
      let li = this.items.get(r.key);
      if (!li) {
        li = this.build(r);
        this.items.set(r.key, li);
      }
      this.fill(li, r);
      if (this.list.children[index] !== li) this.list.insertBefore(li, this.list.children[index] || null);
      const heardKey = `${r.key}|${r.since}`;
      if (!r.by && !this.heard.has(heardKey)) {
        this.heard.add(heardKey);
        this.announce(`Help needed at ${r.where}${r.site && this.showSites ? `, ${r.site}` : ""}.`);
        this.chime.play();
        this.countChime();
      }
    });
    for (const [key, li] of this.items) {
      if (keep.has(key)) continue;
      li.remove();
      this.items.delete(key);
      this.sending.delete(key);
    }
    const open = requests.filter((r) => !r.by).length;
    this.none.hidden = requests.length > 0;
    this.panel.dataset.alert = open > 0 ? "on" : "off";
    this.title.textContent = open === 0 ? "Help requests"
      : open === 1 ? "Help needed: 1 person is waiting for someone" : `Help needed: ${open} people are waiting for someone`;
    this.sound(open > 0);
    // The browser tab and the taskbar say it too, for a desk whose page is behind another.
    document.title = open > 0 ? `(${open}) Help needed – ${this.baseTitle}` : this.baseTitle;
  }

  /** Repeat the chime every CHIME_EVERY_MS while a request is unanswered. */
  sound(on) {
    if (on && this.timer === null) {
      this.timer = setInterval(() => { this.chime.play(); this.countChime(); }, CHIME_EVERY_MS);
    } else if (!on && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.panel.dataset.sound = on ? "playing" : "off";
  }

  countChime() {
    this.panel.dataset.chimes = String(Number(this.panel.dataset.chimes || 0) + 1);
  }

  clear() {
    this.sound(false);
    document.title = this.baseTitle;
    this.list.replaceChildren();
    this.items.clear();
    this.sending.clear();
    this.panel.dataset.alert = "off";
  }

  build(r) {
    const li = document.createElement("li");
    li.className = "help-item";
    li.dataset.key = r.key;
    const where = document.createElement("p");
    where.className = "help-where";
    const who = document.createElement("p");
    who.className = "help-who";
    const going = document.createElement("p");
    going.className = "help-going";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-going";
    button.textContent = "I'm going";
    button.addEventListener("click", () => this.going(li.dataset.key, li));
    const note = document.createElement("p");
    note.className = "help-note";
    note.setAttribute("role", "status");
    const body = document.createElement("div");
    body.className = "help-body";
    body.append(where, who);
    const act = document.createElement("div");
    act.className = "help-act";
    act.append(button, going, note);
    li.append(body, act);
    li.parts = { where, who, going, button, note };
    return li;
  }

  fill(li, r) {
    const { where, who, going, button } = li.parts;
    li.request = r;
    li.dataset.state = r.by ? "going" : "open";
    where.textContent = `${r.by ? "" : "Help needed at "}${r.where}${r.site && this.showSites ? ` – ${r.site}` : ""}`;
    const asked = clock(r.since);
    const person = r.patientName || (r.checkedIn ? "A patient (no name given)" : "Someone before checking in");
    who.textContent = `${person}${asked ? `, asked at ${asked}` : ""}`;
    going.hidden = !r.by;
    const at = clock(r.at);
    going.textContent = r.by ? `✓ ${r.by} is going${at ? ` (since ${at})` : ""}` : "";
    // The button goes once the hub says who is going: keep the keyboard's place on the panel.
    if (r.by && document.activeElement === button) this.title.parentElement.focus();
    button.hidden = Boolean(r.by);
    const busy = this.sending.has(r.key);
    button.setAttribute("aria-disabled", String(busy)); // not `disabled`: that would drop focus
    button.textContent = busy ? "Telling the kiosk…" : "I'm going";
    button.setAttribute("aria-label", `I'm going to ${r.where}`);
    if (r.by) li.parts.note.textContent = "";
  }

  async going(key, li) {
    const r = li.request;
    if (!r || this.sending.has(key)) return;
    this.chime.unlock();
    this.sending.add(key);
    this.fill(li, r);
    li.parts.note.textContent = "";
    const fields = r.visitId ? { visit_id: r.visitId } : { kiosk_id: r.kioskId };
    const result = await this.acknowledge(fields);
    this.sending.delete(key);
    if (li.request) this.fill(li, li.request);
    if (!result.ok) li.parts.note.textContent = REFUSED[result.code] || `Not sent. ${result.message || "The hub refused it."}`;
  }
}

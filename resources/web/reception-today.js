// The reception console's TODAY panel: who is at the site's kiosks now (from the hub's waiting
// list) and the day's appointments at the site (GET /api/reception/appointments).
//
// Rules that matter:
// - Reception sees what it needs and no more: time, name if given, service, clinician, where
//   the patient is in the journey. Never a code (the hub never lists one).
// - Everything from the hub is checked for its type and shown as text, never HTML.
// - States are words with a symbol, never colour alone.

import { clock } from "./format.js";

const text = (v, limit = 200) => (typeof v === "string" && v.length > 0 ? v.slice(0, limit) : null);
const named = (o) => (o && typeof o === "object" && !Array.isArray(o) ? text(o.name, 120) : null);

/** An appointment's state in words for reception: [symbol, words]. */
export const APPOINTMENT_STATES = Object.freeze({
  booked: ["○", "Not arrived yet"],
  checked_in: ["●", "Arrived – waiting"],
  in_call: ["●", "In the consultation"],
  done: ["✓", "Visit finished"],
  missed: ["✕", "Did not arrive"],
});

/** A waiting-list status in words: what the patient at the kiosk is doing. */
export const PATIENT_STATUS = Object.freeze({
  waiting: "Waiting for the clinician",
  in_call: "In the consultation",
  disconnected: "Kiosk reconnecting",
  help: "Asked for help",
});

function cell(content, cls) {
  const td = document.createElement("td");
  if (cls) td.className = cls;
  td.textContent = content;
  return td;
}

/** Fill the appointments table (or say there are none). */
export function renderAppointments(els, reply) {
  const list = reply && Array.isArray(reply.appointments) ? reply.appointments : [];
  const rows = list.filter((a) => a && typeof a === "object" && !Array.isArray(a));
  els.body.replaceChildren(...rows.map((a) => {
    const tr = document.createElement("tr");
    const state = Object.hasOwn(APPOINTMENT_STATES, a.state) ? a.state : "booked";
    tr.dataset.state = state;
    if (Number.isInteger(a.id)) tr.dataset.appointmentId = String(a.id);
    const service = [named(a.service), named(a.waiting_area)].filter(Boolean);
    const name = text(a.patient_name, 120);
    const [symbol, words] = APPOINTMENT_STATES[state];
    const st = cell("", "a-state");
    const icon = document.createElement("span");
    icon.className = "symbol";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = symbol;
    st.append(icon, ` ${words}`);
    tr.append(
      cell(clock(a.time) || "–", "a-time"),
      cell(name || "Name not given", name ? "a-name" : "a-name a-none"),
      cell(service.length ? service.join(" – ") : "–"),
      cell(named(a.clinician) || "Any clinician"),
      st,
    );
    return tr;
  }));
  els.table.hidden = rows.length === 0;
  els.empty.hidden = rows.length > 0;
  els.empty.textContent = "No appointments at this site today.";
}

/** Fill "At the kiosks now" from the waiting-list entries at this site. */
export function renderHere(list, empty, patients) {
  list.replaceChildren(...patients.map((p) => {
    const li = document.createElement("li");
    li.className = "here-item";
    li.dataset.visitId = p.visit_id;
    li.dataset.status = typeof p.status === "string" ? p.status : "";
    const h = document.createElement("h3");
    h.textContent = text(p.patient_name, 120) || (p.status === "help" ? "Not checked in yet" : "Name not given");
    const where = document.createElement("p");
    where.className = "here-where";
    const appt = clock(p.appointment_time);
    const service = text(p.service, 120) || named(p.waiting_area);
    where.textContent = [text(p.room, 120), service, appt ? `appointment ${appt}` : null].filter(Boolean).join(" · ");
    const status = document.createElement("p");
    status.className = "here-status";
    const since = text(p.waiting_since, 64);
    const words = Object.hasOwn(PATIENT_STATUS, p.status) ? PATIENT_STATUS[p.status] : "At a kiosk";
    const at = clock(since);
    status.textContent = at ? `${words} ${p.status === "help" ? "at" : "since"} ${at}` : words;
    li.append(h, where, status);
    return li;
  }));
  empty.hidden = patients.length > 0;
}

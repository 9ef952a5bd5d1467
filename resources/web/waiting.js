// The waiting list: one card per visit, updated in place (so focus, open message boxes and
// screen readers are not disturbed when the hub sends a new snapshot), oldest first.
//
// Rules that matter:
// - update(patients) takes the whole list, as the hub's waiting_list snapshot gives it.
// - Every help request is news (keyed on its time, help.js), not only a visit's first; the card
//   says so in words ("Help requested at 10:42"), not by colour alone, and says who from
//   reception is on the way once site staff answer.
// - The filter (app.js's AreaFilter) only hides cards; they stay in place, so choosing another
//   area keeps focus, open message boxes and the order.

import { MAX_TEXT } from "./protocol.js";
import { areaOf } from "./areas.js";
import { clock, renderChecks, waitingFor } from "./format.js";
import { HelpWatch, acknowledgement, helpKey, helpTime, onTheWay } from "./help.js";

const STATUS = {
  waiting: ["waiting", "Waiting"],
  in_call: ["in-call", "In a call"],
  disconnected: ["reconnecting", "Kiosk reconnecting"],
  help: ["help", "Help needed"],
};

/**
 * Send what is typed in `box` and say in `note` (a role="status" element, so a screen reader
 * hears it) what happened: "Sending…" while the hub is asked, then sentText() or, in words, why
 * it was not sent. The box is cleared only once the hub has taken the message (and only if it
 * was not changed meanwhile); on failure the text stays there to send again and takes focus.
 * send() resolves to {ok, text}. Resolves to ok.
 */
export async function sendTyped(form, box, note, send, sentText) {
  const text = box.value;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  note.textContent = "Sending…";
  note.dataset.state = "sending";
  let sent;
  try {
    sent = await send();
  } catch (err) {
    console.error("sending a message failed:", err.name); // never the text
    sent = { ok: false, text: "Not sent: something went wrong. Try again." };
  } finally {
    button.disabled = false;
  }
  note.textContent = sent.ok ? sentText() : sent.text;
  note.dataset.state = sent.ok ? "sent" : "failed";
  if (sent.ok && box.value === text) box.value = "";
  if (!sent.ok || document.activeElement === document.body) box.focus();
  return sent.ok;
}

export class WaitingList {
  /**
   * actions: join(visitId), message(visitId, text) -> Promise<{ok, text}>, announce(text),
   * help(entry, {request, acknowledged}) for each new help request or acknowledgement (after
   * the cards are updated).
   */
  constructor(root, template, actions, me) {
    this.root = root;
    this.template = template;
    this.actions = actions;
    this.me = me;
    this.cards = new Map();
    this.entries = new Map();
    this.help = new HelpWatch();
    this.shows = () => true;
    this.first = true;
    this.ticker = setInterval(() => this.tick(), 15000);
  }

  /** Show only the entries `shows(entry)` accepts (the rest stay, hidden). */
  setFilter(shows) {
    this.shows = shows;
    for (const [id, card] of this.cards) card.hidden = !this.shows(this.entries.get(id));
  }

  /** How many cards the filter shows. */
  get shown() {
    let n = 0;
    for (const card of this.cards.values()) if (!card.hidden) n += 1;
    return n;
  }

  /** Entries whose help request nobody has answered yet, hidden by the filter. */
  get hiddenHelp() {
    const found = [];
    for (const [id, card] of this.cards) {
      const e = this.entries.get(id);
      if (card.hidden && e && helpKey(e) !== null && !acknowledgement(e)) found.push(e);
    }
    return found;
  }

  /** Patients (not kiosks asking for help before check-in): {total, shown} under the filter. */
  get patients() {
    let total = 0;
    let shown = 0;
    for (const [id, card] of this.cards) {
      if (this.entries.get(id)?.status === "help") continue;
      total += 1;
      if (!card.hidden) shown += 1;
    }
    return { total, shown };
  }

  update(patients) {
    const seen = new Set();
    const helpNews = [];
    let arrived = 0;
    patients.forEach((entry, index) => {
      if (!entry || typeof entry.visit_id !== "string") return;
      const id = entry.visit_id;
      seen.add(id);
      let card = this.cards.get(id);
      if (!card) {
        card = this.build(id, index);
        this.cards.set(id, card);
        if (!this.first) arrived += 1;
      }
      const same = this.entries.get(id) === entry; // unchanged (listsync.js keeps it): no redraw
      this.entries.set(id, entry);
      if (!same) this.fill(card, entry);
      if (this.root.children[index] !== card) this.root.insertBefore(card, this.root.children[index] || null);
      const news = this.help.see(entry);
      // A request already answered when the page opened is not news; a new one always is.
      if (this.first && acknowledgement(entry)) news.request = news.acknowledged = false;
      if (this.first) news.acknowledged = false;
      if (news.request || news.acknowledged) helpNews.push([entry, news]);
    });
    let left = 0;
    for (const [id, card] of this.cards) {
      if (seen.has(id)) continue;
      if (card.contains(document.activeElement)) this.root.closest("section").querySelector("h1").focus?.();
      card.remove();
      this.cards.delete(id);
      this.entries.delete(id);
      this.help.forget(id);
      left += 1;
    }
    this.first = false;
    if (arrived) this.actions.announce(arrived === 1 ? "A patient has checked in." : `${arrived} patients have checked in.`);
    if (left) this.actions.announce(left === 1 ? "A patient has left the waiting list." : `${left} patients have left the waiting list.`);
    for (const [entry, news] of helpNews) this.actions.help(entry, news);
    return this.cards.size;
  }

  tick() {
    for (const [id, card] of this.cards) {
      const entry = this.entries.get(id);
      if (entry) card.querySelector(".p-waiting").textContent = waitingFor(entry.waiting_since);
    }
  }

  build(id, index) {
    const li = this.template.content.firstElementChild.cloneNode(true);
    li.dataset.visitId = id;
    const titleId = `p-title-${index}-${Math.random().toString(36).slice(2, 8)}`;
    li.querySelector(".p-title").id = titleId;
    li.querySelector("article").setAttribute("aria-labelledby", titleId);
    const form = li.querySelector(".p-message");
    const toggle = li.querySelector(".p-message-toggle");
    const box = form.querySelector("textarea");
    const boxId = `${titleId}-msg`;
    box.id = boxId;
    form.querySelector(".message-row label").setAttribute("for", boxId);
    toggle.setAttribute("aria-controls", `${titleId}-form`);
    form.id = `${titleId}-form`;
    toggle.addEventListener("click", () => {
      const open = form.hidden;
      form.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) box.focus();
    });
    form.querySelectorAll(".chip").forEach((chip) => chip.addEventListener("click", () => {
      box.value = chip.dataset.text;
      box.focus();
    }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = box.value.trim().slice(0, MAX_TEXT);
      const note = form.querySelector(".sent-note");
      if (!text) { note.textContent = "Type a message first."; box.focus(); return; }
      await sendTyped(form, box, note, () => this.actions.message(id, text),
        () => `Sent at ${clock(new Date().toISOString())}: “${text}”`);
    });
    li.querySelector(".p-join").addEventListener("click", () => this.actions.join(id));
    return li;
  }

  fill(card, e) {
    const [cls, word] = STATUS[e.status] || ["waiting", e.status];
    const isHelpOnly = e.status === "help";
    const name = e.patient_name ? e.patient_name : isHelpOnly ? "Kiosk needs help" : "Patient";
    const appt = clock(e.appointment_time);
    const needsHelp = helpKey(e) !== null;
    const ack = acknowledgement(e);
    card.className = `patient status-${cls}${needsHelp ? " needs-help" : ""}${ack ? " help-answered" : ""}`;
    card.hidden = !this.shows(e);
    card.querySelector(".p-title").textContent = appt ? `${name} · ${appt} appointment` : name;
    const area = areaOf(e);
    const withWhom = e.specialist_name ? `With ${e.specialist_name}` : "";
    card.querySelector(".p-appt").textContent = isHelpOnly ? "No patient checked in"
      : [area ? area.name : "", withWhom].filter(Boolean).join(" · ");
    card.querySelector(".p-waiting").textContent = waitingFor(e.waiting_since);
    card.querySelector(".p-place").textContent = place(e);
    renderChecks(card.querySelector(".checks"), e.checks);
    card.querySelector(".checks").hidden = isHelpOnly;
    const pill = card.querySelector(".status-pill");
    pill.className = `status-pill pill-${cls}`;
    let status = word;
    if (e.status === "in_call" && e.joined_by) status = e.joined_by.id === this.me.id ? "In a call with you" : `In a call with ${e.joined_by.name}`;
    if (e.call_state === "reconnecting" && e.status === "in_call") status = "In a call · reconnecting";
    pill.textContent = status;
    const flag = card.querySelector(".help-flag");
    flag.hidden = !needsHelp;
    flag.querySelector(".help-text").textContent = needsHelp ? `Help requested ${helpTime(e)}`.trim() : "";
    const coming = card.querySelector(".help-coming");
    coming.hidden = !ack;
    coming.textContent = ack ? onTheWay(ack) : "";
    const join = card.querySelector(".p-join");
    const mine = e.joined_by && e.joined_by.id === this.me.id;
    const someoneElse = e.joined_by && !mine;
    join.hidden = isHelpOnly;
    join.disabled = Boolean(someoneElse) || e.status === "disconnected";
    join.textContent = mine ? "Rejoin call" : "Join call";
    card.querySelector(".p-message-toggle").hidden = isHelpOnly || Boolean(someoneElse);
  }

  clear() {
    clearInterval(this.ticker);
    this.root.replaceChildren();
    this.cards.clear();
    this.entries.clear();
    this.help.clear();
    this.first = true;
  }

  entry(id) { return this.entries.get(id); }
}

// Where the patient is: "Site — room" (the hub sends the kiosk's site; older hubs only "clinic").
export function place(e) {
  if (!e.room) return "patient's own device";
  const site = e.site || e.clinic;
  return site ? `${site} — ${e.room}` : e.room;
}

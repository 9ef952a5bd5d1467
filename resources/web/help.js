// Help requests as the specialist's console sees them in the hub's waiting_list entries, and the
// call view's help banner.
//
// Rules that matter:
// - A request is known by its time, `help_at`, which the hub changes on EVERY request, so every
//   request alerts, not only the first (a patient who asked while waiting and asks again in the
//   call is heard again). A hub that sends no `help_at` (before schema 8) alerts once per visit,
//   on `help_requested` turning true.
// - An acknowledgement (site staff answering: "Reception is on the way") is known by
//   `help_acknowledged_at`; a new request clears it at the hub, and a new acknowledgement is
//   news again.
// - Whatever the hub sends is text: shown with textContent only, and checked for its type.
// - The banner is not a live region: app.js announces each request (assertively, with the
//   chime) and each acknowledgement (politely) once, so a screen reader hears it once.

import { clock } from "./format.js";

function text(value) {
  return typeof value === "string" && value.length > 0 ? value.slice(0, 128) : null;
}

/** What identifies an entry's latest help request (null: none). */
export function helpKey(e) {
  if (!e || typeof e !== "object") return null;
  const at = text(e.help_at);
  if (at) return at;
  return e.help_requested === true ? "requested" : null;
}

/** Who acknowledged the latest request and when ({by, at}), or null. */
export function acknowledgement(e) {
  if (!e || typeof e !== "object" || !helpKey(e)) return null;
  const by = text(e.help_acknowledged_by);
  const at = text(e.help_acknowledged_at);
  return by || at ? { by, at } : null;
}

/** "at 10:42" for the entry's latest request ("" without a usable time). */
export function helpTime(e) {
  const at = clock(text(e && e.help_at));
  return at ? `at ${at}` : "";
}

/** "Reception is on the way: Ann" (or without a name when the hub gave none). */
export function onTheWay(ack) {
  return ack && ack.by ? `Reception is on the way: ${ack.by}` : "Reception is on the way";
}

/**
 * What is new about each visit's help since the last snapshot. see(entry) returns
 * {request, acknowledged}: request is true for a request not seen before (on the first
 * snapshot too: a request made before the page opened still needs an answer); acknowledged is
 * true when the latest request has an acknowledgement not seen before.
 */
export class HelpWatch {
  constructor() { this.seen = new Map(); }

  see(entry) {
    const id = entry.visit_id;
    const key = helpKey(entry);
    const ack = acknowledgement(entry);
    const ackKey = ack ? `${ack.by}|${ack.at}` : null;
    const before = this.seen.get(id) || { key: null, ackKey: null };
    this.seen.set(id, { key, ackKey });
    return {
      request: key !== null && key !== before.key,
      acknowledged: ackKey !== null && ackKey !== before.ackKey,
    };
  }

  forget(id) { this.seen.delete(id); }

  clear() { this.seen.clear(); }
}

/**
 * The call view's banner: "The patient asked for help at 10:42", and under it "Reception is on
 * the way: Ann" once site staff answer. Shown on every new request (even after it was
 * dismissed); Dismiss hides it until the next one.
 */
export class HelpBanner {
  /** onDismiss(hadFocus): after Dismiss hid the banner (to move focus on when it had it). */
  constructor(root, onDismiss = () => {}) {
    this.root = root;
    this.onDismiss = onDismiss;
    this.title = root.querySelector(".help-banner-title");
    this.coming = root.querySelector(".help-banner-coming");
    root.querySelector(".help-banner-dismiss").addEventListener("click", () => this.dismiss());
  }

  /** A new request: show the banner (again), without an acknowledgement yet. */
  request(entry) {
    const when = helpTime(entry);
    this.title.textContent = when ? `The patient asked for help ${when}` : "The patient asked for help";
    this.acknowledged(acknowledgement(entry));
    this.root.hidden = false;
    this.root.dataset.requests = String(Number(this.root.dataset.requests || 0) + 1);
  }

  /** Someone from reception answered (null: nobody yet). Shown only with the banner. */
  acknowledged(ack) {
    this.coming.textContent = ack ? `${onTheWay(ack)}.` : "";
    this.coming.hidden = !ack;
    this.root.dataset.acknowledged = String(Boolean(ack));
  }

  dismiss() {
    const hadFocus = this.root.contains(document.activeElement);
    this.root.hidden = true;
    this.onDismiss(hadFocus);
  }

  reset() {
    this.root.hidden = true;
    this.root.dataset.requests = "0";
    this.acknowledged(null);
  }
}

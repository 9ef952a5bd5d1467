// The console's copy of the waiting list, kept whole from the hub's messages (docs/protocol.md,
// "Waiting-list changes"). A console that says hello with features [LIST_DELTA] gets one full
// `waiting_list` (in parts 1..parts when it is over the message size limit), then only
// `waiting_changes{upsert, remove}`; any other gets a full `waiting_list` every time. ListSync
// takes either and hands the whole list, in one order, to the rendering (WaitingList.update).
//
// Rules that matter:
// - A list is handed on only when it is whole: parts are held until the last one arrives, and
//   changes before the first whole list are ignored (the hub never sends them; a new socket
//   always starts with a full list, which replaces everything).
// - Entries are kept by visit_id; an upsert replaces the whole entry. An entry that did not
//   change keeps its identity, so the rendering may skip it.
// - The order is the hub's: help requests before check-in first, then by waiting_since; entries
//   of the same second stay in the order the hub listed them or, new since, sent them (a stable
//   sort over the Map's insertion order; an upsert keeps an entry's place).

export class ListSync {
  /** onList(patients): called with the whole list, ordered, after every applied message. */
  constructor(onList) {
    this.onList = onList;
    this.entries = new Map(); // visit_id -> entry
    this.whole = false; // a whole list has arrived on this socket
    this.parts = null; // {next, entries}: a list arriving in parts
  }

  /** Apply one message from the hub; true if it was a list message that changed the list. */
  apply(msg) {
    if (msg.type === "waiting_list") {
      if (!this.takeList(msg)) return false;
    } else if (msg.type === "waiting_changes") {
      if (!this.whole) return false;
      for (const id of msg.remove) this.entries.delete(id);
      for (const entry of msg.upsert) this.entries.set(entry.visit_id, entry);
    } else {
      return false;
    }
    this.onList(this.list());
    return true;
  }

  /** A full list or one part of it: true once the list is whole. */
  takeList(msg) {
    const parts = Number.isInteger(msg.parts) && msg.parts > 1 ? msg.parts : 1;
    const part = parts > 1 && Number.isInteger(msg.part) ? msg.part : 1;
    if (part === 1) this.parts = { next: 1, entries: [] };
    if (this.parts === null || part !== this.parts.next) { // a part out of turn: wait for a new list
      this.parts = null;
      return false;
    }
    this.parts.entries.push(...msg.patients);
    this.parts.next += 1;
    if (part < parts) return false;
    this.entries = new Map(this.parts.entries.map((e) => [e.visit_id, e]));
    this.parts = null;
    this.whole = true;
    return true;
  }

  /** Every entry, in the hub's order. */
  list() {
    return [...this.entries.values()].sort(order);
  }
}

function order(a, b) {
  const ha = a.status === "help" ? 0 : 1;
  const hb = b.status === "help" ? 0 : 1;
  if (ha !== hb) return ha - hb;
  const wa = typeof a.waiting_since === "string" ? a.waiting_since : "";
  const wb = typeof b.waiting_since === "string" ? b.waiting_since : "";
  return wa < wb ? -1 : wa > wb ? 1 : 0; // ties keep their place (Array.prototype.sort is stable)
}

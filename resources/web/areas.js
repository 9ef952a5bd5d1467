// The waiting-area filter of the specialist's console: "All waiting areas" or one of the areas
// the waiting list's entries name, each with how many patients wait in it.
//
// Rules that matter:
// - The choices come from the entries themselves (`waiting_area{id, name}`), sorted by name;
//   an area nobody waits in any more stays a choice while it is chosen (count 0), so the
//   specialist's choice is never changed behind their back.
// - An entry with no waiting area (a kiosk's help request before anyone checked in, or site
//   staff's view) is shown under every filter: a call for help is never filtered away.
// - The choice is kept in sessionStorage (this tab only), with the account it belongs to: after a
//   reload the same person sees the same area; someone else signing in on this tab does not.
//   Nothing else is stored.

export const ALL = "";
const KEY = "clinic-kiosk.console.waiting-area";

/** The entry's waiting area as {id: string, name}, or null. */
export function areaOf(e) {
  const a = e && e.waiting_area;
  if (!a || typeof a !== "object" || typeof a.name !== "string" || a.name === "") return null;
  if (typeof a.id !== "number" && typeof a.id !== "string") return null;
  return { id: String(a.id), name: a.name.slice(0, 120) };
}

/** Each area the entries name, with its count, sorted by name: [{id, name, count}]. */
export function areaChoices(entries) {
  const byId = new Map();
  for (const e of entries) {
    const a = areaOf(e);
    if (!a) continue;
    const seen = byId.get(a.id);
    if (seen) seen.count += 1;
    else byId.set(a.id, { ...a, count: 1 });
  }
  return [...byId.values()].sort((x, y) => x.name.localeCompare(y.name, "en-GB") || x.id.localeCompare(y.id));
}

/** Whether the entry shows under the filter `areaId` (ALL: everything). */
export function inArea(e, areaId) {
  if (areaId === ALL) return true;
  const a = areaOf(e);
  return a === null || a.id === areaId;
}

function patients(n) { return n === 1 ? "1 patient" : `${n} patients`; }

/** The line under the title: "3 patients", "1 patient in Eye clinic · 3 in all". */
export function countLine(total, shown, area) {
  if (total === 0) return "No patients waiting";
  if (!area) return patients(total);
  return `${shown === 0 ? "Nobody" : patients(shown)} in ${area.name} · ${total} in all`;
}

/** The empty list's words under the filter (area null: all areas). */
export function emptyLine(area) {
  return area
    ? `Nobody is waiting in ${area.name}. Choose “All waiting areas” to see everyone.`
    : "Nobody is waiting at the moment. New patients appear here as soon as they check in at a kiosk.";
}

/**
 * The <select>: update(entries) refreshes its choices and counts in place; `area` is the
 * chosen {id, name} or null for all; onChange() runs when the specialist picks another.
 */
export class AreaFilter {
  /** onVisible(bool): whether there is anything to choose (no area named and none chosen: no). */
  constructor(select, { account, storage = sessionStorage, onChange = () => {}, onVisible = () => {} } = {}) {
    this.select = select;
    this.onVisible = onVisible;
    this.account = String(account);
    this.storage = storage;
    this.onChange = onChange;
    this.area = this.restore();
    this.lastEntries = [];
    this.listening = new AbortController();
    select.addEventListener("change", () => this.choose(select.value), { signal: this.listening.signal });
    this.choices = [];
    this.update([]);
  }

  get value() { return this.area ? this.area.id : ALL; }

  /** Show the area `value` (ALL: every area), as if picked in the <select>. */
  choose(value) {
    const choice = value === ALL ? null : this.choices.find((c) => c.id === value) || null;
    this.area = choice ? { id: choice.id, name: choice.name } : null;
    this.save();
    this.render();
    this.onChange();
  }

  restore() {
    try {
      const saved = JSON.parse(this.storage.getItem(KEY) || "null");
      if (saved && saved.account === this.account && typeof saved.id === "string"
          && typeof saved.name === "string") return { id: saved.id, name: saved.name.slice(0, 120) };
    } catch { /* nothing usable stored */ }
    return null;
  }

  save() {
    try {
      if (this.area) this.storage.setItem(KEY, JSON.stringify({ account: this.account, ...this.area }));
      else this.storage.removeItem(KEY);
    } catch { /* storage refused (private mode, quota): the choice lasts for this page only */ }
  }

  update(entries) {
    this.lastEntries = entries;
    const choices = areaChoices(entries);
    if (this.area && !choices.some((c) => c.id === this.area.id)) {
      choices.push({ ...this.area, count: 0 });
      choices.sort((x, y) => x.name.localeCompare(y.name, "en-GB"));
    }
    for (const c of choices) if (this.area && c.id === this.area.id) this.area.name = c.name;
    this.choices = choices;
    this.render();
  }

  render() {
    const total = this.lastEntries.filter((e) => areaOf(e) !== null).length;
    const options = [["", `All waiting areas (${total})`], ...this.choices.map((c) => [c.id, `${c.name} (${c.count})`])];
    const select = this.select;
    const choices = this.choices;
    options.forEach(([value, label], i) => {
      let opt = select.options[i];
      if (!opt) { opt = document.createElement("option"); select.append(opt); }
      if (opt.value !== value) opt.value = value;
      if (opt.textContent !== label) opt.textContent = label;
    });
    while (select.options.length > options.length) select.options[select.options.length - 1].remove();
    if (select.value !== this.value) select.value = this.value;
    this.onVisible(choices.length > 0);
  }

  /** Forget the choice (signing out). */
  forget() {
    this.area = null;
    this.save();
  }

  /** Stop listening to the <select> (the page goes back to signing in). */
  close() {
    this.listening.abort();
    this.select.replaceChildren();
  }
}

// The reception console (served at /reception): for clinic reception staff at a front desk.
// Help requests with a sound until someone answers, each kiosk's step and readiness, today's
// appointments at the site, and booking an appointment with a printable letter.
//
// Rules that matter:
// - Sign-in, lockout and CSRF are the specialist console's (signin.js, api.js); the WebSocket is
//   its HubSocket. Only site staff may use this page: the hub refuses anyone else (403) and the
//   page says so in plain words ("This page is for reception staff.").
// - One owner per piece of state: HubSocket owns the socket, HelpDesk the help requests and
//   their sound, BookingForm the form; this module wires them, keeps the hub's latest lists and
//   switches views.
// - The appointment code is shown once, in the letter (reception-letter.js), and is gone from
//   the page when the letter is closed. It is never put in storage, a URL or the console. The
//   only thing this page keeps in sessionStorage is the chosen site's id.
// - Everything from the hub is shown as text, never HTML.

import { ApiError, call } from "./api.js";
import { clock } from "./format.js";
import { HubSocket } from "./hubsocket.js";
import { ListSync } from "./listsync.js";
import { LIST_DELTA } from "./protocol.js";
import { BookingForm } from "./reception-book.js";
import { HelpDesk } from "./reception-help.js";
import { kioskEntry, renderKiosks } from "./reception-kiosks.js";
import { buildLetter, clearLetter } from "./reception-letter.js";
import { renderAppointments, renderHere } from "./reception-today.js";
import { post, resetSignIn, restoreSession, signOut, wireSignIn } from "./signin.js";
import { Chime } from "./sound.js";

const $ = (id) => document.getElementById(id);
const SITE_KEY = "clinic-kiosk.reception.site";
const REFRESH_MS = 60_000;
const STAFF_ONLY = "This page is for reception staff.";

const chime = new Chime();

/** The hub's latest word, all of it here. */
const state = {
  me: null,
  sites: [], // from GET /api/reception/sites
  languages: [],
  siteId: null,
  kiosks: [], // every kiosk at my sites (the WS `kiosks` message)
  kiosksLive: false, // true once the WS has sent them (the GET is only the first paint)
  patients: [], // the waiting list: visits at my sites
  refresh: null, // the appointments' debounce timer
  ticker: null,
};

// --- views, announcements, errors ---

function show(view) {
  for (const id of ["signin", "refused", "desk", "book", "letter"]) $(`${id}-view`).hidden = id !== view;
  $("help-panel").hidden = !["desk", "book", "letter"].includes(view);
  document.body.dataset.view = view;
}

function say(id, text) {
  const region = $(id);
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 50);
}

function pageError(text) {
  $("page-error").textContent = text || "";
  $("page-error").hidden = !text;
}

function setLink(linkState, detail) {
  $("link-state").dataset.state = linkState;
  $("link-text").textContent = linkState === "up" ? "Connected"
    : linkState === "down" ? `Connection lost – retrying in ${detail} s` : "Connecting…";
}

function soundNotice() {
  const running = chime.ctx !== null && chime.ctx.state === "running";
  $("sound-off").hidden = running || state.me === null || document.body.dataset.view === "refused";
}

function unlockSound() {
  const had = chime.ctx;
  chime.unlock();
  if (chime.ctx && chime.ctx !== had) chime.ctx.addEventListener("statechange", soundNotice);
  soundNotice();
}

// --- the hub's API ---

const get = (path) => call("GET", path);

/** What to do when an API call fails: signed out, refused, or a sentence on the page. */
function apiFailed(e, what) {
  if (!(e instanceof ApiError)) throw e;
  if (e.status === 401) { showSignIn("Your session has ended. Please sign in again."); return; }
  if (e.status === 403 && e.code === "forbidden" && e.message === STAFF_ONLY) { refuse(); return; }
  pageError(`${what}: ${e.message}`);
}

// --- sign in and out ---

function showSignIn(message) {
  stopEverything();
  state.me = null;
  $("who").hidden = true;
  show("signin");
  soundNotice();
  resetSignIn(message);
}

function refuse() {
  stopEverything();
  $("link-state").hidden = true; // no socket: this page has nothing live for this account
  show("refused");
  soundNotice();
  $("refused-title").focus();
}

async function signedIn(account) {
  state.me = account;
  $("who-name").textContent = account.name || account.username || "Signed in";
  $("who-site").textContent = "";
  $("who").hidden = false;
  if (account.role !== "site_staff") { refuse(); return; }
  $("link-state").hidden = false;
  show("desk");
  soundNotice();
  $("today-title").focus();
  try {
    const reply = await get("/api/reception/sites");
    state.sites = Array.isArray(reply.sites) ? reply.sites.filter((s) => s && Number.isInteger(s.id)) : [];
    state.languages = Array.isArray(reply.languages) ? reply.languages : [];
  } catch (e) {
    apiFailed(e, "Your sites could not be loaded");
    return;
  }
  if (state.me !== account) return;
  if (state.sites.length === 0) {
    pageError("Your account is not staff of any site yet. Ask IT to add you to your site.");
    return;
  }
  fillSitePicker();
  chooseSite(Number(sessionStorage.getItem(SITE_KEY)));
  socket.start();
  clearInterval(state.ticker);
  state.ticker = setInterval(() => { paintKiosks(); loadAppointments(); }, REFRESH_MS);
}

function fillSitePicker() {
  const select = $("site-select");
  select.replaceChildren(...state.sites.map((s) => {
    const option = document.createElement("option");
    option.value = String(s.id);
    option.textContent = typeof s.name === "string" ? s.name : `Site ${s.id}`;
    return option;
  }));
  $("site-pick").hidden = state.sites.length < 2;
  help.showSites = state.sites.length > 1;
}

function site() {
  return state.sites.find((s) => s.id === state.siteId) || null;
}

function chooseSite(id) {
  const chosen = state.sites.find((s) => s.id === id) || state.sites[0];
  state.siteId = chosen.id;
  sessionStorage.setItem(SITE_KEY, String(chosen.id));
  $("site-select").value = String(chosen.id);
  $("who-site").textContent = state.sites.length > 1 ? "Reception" : `Reception · ${chosen.name}`;
  $("today-title").textContent = `Today at ${chosen.name}`;
  booking.setSite(chosen, state.languages);
  if (!state.kiosksLive) loadKiosks();
  paintKiosks();
  paintHere();
  $("appts-empty").textContent = "Loading today's appointments…";
  $("appts-empty").hidden = false;
  $("appts-table").hidden = true;
  loadAppointments();
}

$("site-select").addEventListener("change", () => {
  chooseSite(Number($("site-select").value));
  say("announce-polite", `Showing ${site().name}.`);
});

wireSignIn(signedIn, { beforeSubmit: unlockSound });

async function signOutNow() {
  try {
    await signOut();
    showSignIn("You have signed out.");
  } catch (e) {
    pageError(`Could not sign out: ${e.message}`);
  }
}
$("sign-out").addEventListener("click", signOutNow);
$("refused-sign-out").addEventListener("click", signOutNow);

// --- the hub socket ---

// The waiting list arrives whole once, then as changes (LIST_DELTA); ListSync keeps it whole.
const socket = new HubSocket({
  onLink: setLink,
  onSignedOut: () => showSignIn("Your session has ended. Please sign in again."),
  onFatal: (text) => pageError(text),
  onMessage: (msg) => {
    try { handle(msg); } catch (err) { console.error("handling", msg.type, "failed:", err.name, err.message); }
  },
}, { features: [LIST_DELTA] });

const list = new ListSync((patients) => {
  state.patients = patients;
  paintHere();
  help.update(state.kiosks, state.patients);
  scheduleAppointments();
});

const help = new HelpDesk(
  { panel: $("help-panel"), title: $("help-title-text"), list: $("help-list"), none: $("help-none") },
  chime, (text) => say("announce-alert", text),
  (fields) => socket.request("help_acknowledge", fields),
);

function handle(msg) {
  switch (msg.type) {
    case "waiting_list":
    case "waiting_changes":
      list.apply(msg);
      break;
    case "kiosks":
      state.kiosks = msg.kiosks.map(kioskEntry).filter(Boolean);
      state.kiosksLive = true;
      paintKiosks();
      help.update(state.kiosks, state.patients);
      break;
    case "error":
      if (msg.code === "forbidden") pageError("The hub refused that: it is not at your site.");
      else if (msg.fatal) pageError(msg.message);
      break;
    default:
      break;
  }
}

// --- the panels ---

function atSite(entry) {
  const here = site();
  if (!here) return false;
  if (Number.isInteger(entry.site_id)) return entry.site_id === here.id;
  if (entry.site && typeof entry.site === "object") return entry.site.id === here.id;
  return typeof entry.site === "string" ? entry.site === here.name : state.sites.length === 1;
}

function paintKiosks() {
  renderKiosks($("kiosk-list"), $("kiosks-empty"), state.kiosks.filter(atSite));
}

function paintHere() {
  renderHere($("here-list"), $("here-empty"), state.patients.filter(atSite));
}

async function loadKiosks() {
  const siteId = state.siteId;
  try {
    const reply = await get(`/api/reception/kiosks?site=${siteId}`);
    if (state.kiosksLive || siteId !== state.siteId || !Array.isArray(reply.kiosks)) return;
    state.kiosks = reply.kiosks.map(kioskEntry).filter(Boolean);
    paintKiosks();
    help.update(state.kiosks, state.patients);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return; // an older hub: the WebSocket has them
    apiFailed(e, "The kiosks could not be loaded");
  }
}

async function loadAppointments() {
  const siteId = state.siteId;
  if (siteId === null) return;
  try {
    const reply = await get(`/api/reception/appointments?site=${siteId}`);
    if (siteId !== state.siteId) return;
    renderAppointments({ body: $("appts-body"), table: $("appts-table"), empty: $("appts-empty") }, reply);
    $("appts-title").textContent = `Appointments${reply.date ? ` on ${dayWords(reply.date)}` : ""}`;
  } catch (e) {
    apiFailed(e, "Today's appointments could not be loaded");
  }
}

function dayWords(isoDay) {
  const d = new Date(`${isoDay}T12:00:00`);
  return Number.isNaN(d.getTime()) ? isoDay
    : d.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long" });
}

/** Reload the appointments soon after the waiting list changes (once for a burst of changes). */
function scheduleAppointments() {
  clearTimeout(state.refresh);
  state.refresh = setTimeout(loadAppointments, 300);
}

// --- booking and the letter ---

const booking = new BookingForm({
  post: (body) => post("/api/reception/appointments", body),
  onBooked: (reply) => {
    buildLetter($("letter"), reply);
    show("letter");
    $("letter-staff-title").focus();
    say("announce-polite", `Appointment booked for ${clock(reply.letter && reply.letter.time) || "the time chosen"}.`);
    loadAppointments();
  },
  onSignedOut: () => showSignIn("Your session has ended. Please sign in again."),
});

$("book-open").addEventListener("click", () => {
  booking.reset();
  show("book");
  $("book-title").focus();
});
$("book-cancel").addEventListener("click", () => {
  show("desk");
  $("book-open").focus();
});
$("letter-print").addEventListener("click", () => window.print());
$("letter-close").addEventListener("click", () => {
  clearLetter($("letter"));
  show("desk");
  $("book-open").focus();
});
$("sound-on").addEventListener("click", unlockSound);

function stopEverything() {
  socket.stop();
  help.clear();
  clearLetter($("letter"));
  clearInterval(state.ticker);
  clearTimeout(state.refresh);
  Object.assign(state, { sites: [], siteId: null, kiosks: [], kiosksLive: false, patients: [], ticker: null });
  pageError("");
}

// --- start ---

// Leaving the page takes the letter with it, so the back button cannot bring the code back
// from the browser's page cache.
window.addEventListener("pagehide", () => clearLetter($("letter")));
document.addEventListener("pointerdown", unlockSound);
document.addEventListener("keydown", unlockSound);

(async () => {
  const { specialist: account, message: why } = await restoreSession();
  if (account) await signedIn(account);
  else showSignIn(why);
})();

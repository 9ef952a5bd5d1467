// The specialist's console: sign in, watch the waiting room, message, join and end calls.
//
// Rules that matter:
// - One owner per piece of state: HubSocket owns the WebSocket, Call owns the peer connections,
//   WaitingList owns the cards; this module only wires them and switches views.
// - No secret (password, session cookie, CSRF token, SDP) is put in the DOM, in a URL or in the
//   browser console, nor is a message's text logged. signin.js owns the session and keeps its
//   CSRF token in a closure; this module never sees it.
// - A message to the patient shows as sent only once the hub has taken it; otherwise the text
//   stays in its box and the reason is shown and announced in words.
// - All of the call's state is in one object, `call`; resetCall() forgets it.
// - The kiosk always makes the offer; we answer (see call.js).
// - The waiting list arrives in one place, showList(patients), always as the whole list.
// - Every help request alerts (chime and an assertive announcement), wherever the specialist is;
//   in a call with that patient it also shows the help banner and a "Call events" line.

import { ALL, AreaFilter, countLine, emptyLine, inArea } from "./areas.js";
import { Call } from "./call.js";
import { END_REASONS, duration, durationWords, renderChecks } from "./format.js";
import { HelpBanner, acknowledgement, helpKey, helpTime, onTheWay } from "./help.js";
import { HubSocket } from "./hubsocket.js";
import { ListSync } from "./listsync.js";
import { LIST_DELTA, MAX_TEXT } from "./protocol.js";
import { VERDICT_TEXT, figures } from "./quality.js";
import { resetSignIn, restoreSession, signOut, wireSignIn } from "./signin.js";
import { Chime } from "./sound.js";
import { WaitingList, place, sendTyped } from "./waiting.js";

const $ = (id) => document.getElementById(id);
const chime = new Chime();

let me = null;
let iceServers = [];
let waiting = null;
let areas = null;
const helpBanner = new HelpBanner($("help-banner"), (hadFocus) => { if (hadFocus) $("end-call").focus(); });

/** The call's state, all of it, in one object; `resetCall()` returns it to "no call". */
const call = {
  joining: null, // the visit id we asked to join, until the hub says "joined"
  localStream: null, // our camera and microphone (from the moment we ask to join)
  visitId: null, // the visit we are in a call with
  peer: null, // the Call: peer connection, attempt, connectedAt, quality figures
  entry: null, // the patient's waiting-list entry when we joined (place, checks)
  reconnects: 0, // times the patient's kiosk reported "reconnecting"
  timer: null, // the call clock's interval
};

/** True when we are in a call (with that visit, if one is given). */
function inCall(visitId) {
  return call.peer !== null && (visitId === undefined || visitId === call.visitId);
}

/** Close the peer connection, stop the clock and forget the call (the camera is stopLocal's). */
function resetCall() {
  clearInterval(call.timer);
  if (call.peer) call.peer.close();
  helpBanner.reset();
  Object.assign(call, { joining: null, visitId: null, peer: null, entry: null, reconnects: 0, timer: null });
}

// --- views and announcements ---

function show(view) {
  for (const id of ["signin-view", "waiting-view", "call-view"]) $(id).hidden = id !== `${view}-view`;
  document.body.dataset.view = view;
}

function announce(text) {
  const region = $("announce-polite");
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 50);
}

function alertSpecialist(text) {
  const region = $("announce-alert");
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 50);
  region.dataset.beeps = String(Number(region.dataset.beeps) + 1);
  chime.play();
}

function pageError(text) {
  const box = $("page-error");
  box.textContent = text || "";
  box.hidden = !text;
}

function setLink(state, detail) {
  const el = $("link-state");
  el.dataset.state = state;
  $("link-text").textContent = state === "up" ? "Connected"
    : state === "down" ? `Connection lost – retrying in ${detail} s` : "Connecting…";
}

// --- sign in and out ---

function showSignIn(message) {
  stopEverything();
  me = null;
  $("who").hidden = true;
  show("signin");
  resetSignIn(message);
}

function signedIn(specialist) {
  me = specialist;
  $("who-name").textContent = me.name || me.username || "Signed in";
  $("who-clinic").textContent = "";
  $("who").hidden = false;
  waiting = new WaitingList($("patients"), $("patient-template"), { join, message, announce, help: helpNews }, me);
  areas = new AreaFilter($("area-filter"), {
    account: me.id,
    onChange: () => { waiting.setFilter((e) => inArea(e, areas.value)); updateCount(); },
    onVisible: (visible) => { $("area-filter-field").hidden = !visible; },
  });
  waiting.setFilter((e) => inArea(e, areas.value));
  updateCount();
  show("waiting");
  $("waiting-title").focus();
  socket.start();
}

wireSignIn(signedIn, { beforeSubmit: () => chime.unlock() });

$("sign-out").addEventListener("click", async () => {
  if (inCall()) hangUp();
  if (areas) areas.forget();
  try {
    await signOut();
    showSignIn("You have signed out.");
  } catch (e) {
    pageError(`Could not sign out: ${e.message}`);
  }
});

// --- the hub socket ---

const socket = new HubSocket({
  onLink: setLink,
  onSignedOut: () => showSignIn("Your session has ended. Please sign in again."),
  onFatal: (text) => pageError(text),
  onMessage: (msg) => {
    try { handle(msg); } catch (err) { console.error("handling", msg.type, "failed:", err.name, err.message); }
  },
}, { features: [LIST_DELTA] });
const lists = new ListSync((patients) => showList(patients)); // one whole list from snapshots and changes

function handle(msg) {
  switch (msg.type) {
    case "welcome":
    case "ice_servers":
      iceServers = Array.isArray(msg.ice_servers) ? msg.ice_servers : [];
      if (msg.specialist && msg.specialist.clinic && typeof msg.specialist.clinic.name === "string") {
        $("who-clinic").textContent = msg.specialist.clinic.name;
      }
      if (inCall()) call.peer.setIceServers(iceServers);
      break;
    case "waiting_list":
    case "waiting_changes":
      lists.apply(msg);
      break;
    case "joined":
      if (msg.visit_id === call.joining) startCall(msg.visit_id);
      break;
    case "offer":
      if (inCall(msg.visit_id)) {
        if (msg.attempt > 1 && msg.attempt > call.peer.attempt) log("The patient's kiosk is reconnecting the call.");
        call.peer.handleOffer(msg).then(() => setTech());
      }
      break;
    case "candidate":
      if (inCall(msg.visit_id)) call.peer.handleCandidate(msg);
      break;
    case "call_state":
      if (inCall(msg.visit_id)) {
        call.peer.handleCallState(msg); // may take back the connection whose media returned
        callState(msg.state);
      }
      break;
    case "call_stats":
      if (inCall(msg.visit_id)) {
        call.peer.setPatientStats(msg.stats);
        showQuality();
      }
      break;
    case "call_ended":
      if (inCall(msg.visit_id)) endCall(msg.reason);
      break;
    case "error":
      hubError(msg);
      break;
    default:
      break;
  }
}

const ERROR_TEXT = {
  forbidden: "That patient is not waiting at your clinic.",
  busy: "Another specialist is already with this patient.",
  not_found: "That patient is no longer waiting.",
  not_allowed: "That is not possible right now.",
  rate_limited: "Too many requests. Please wait a moment.",
};

function hubError(msg) {
  if (call.joining !== null && !inCall()) {
    call.joining = null;
    stopLocal();
  }
  const text = ERROR_TEXT[msg.code] || msg.message;
  pageError(text);
  announce(text);
}

/** The whole waiting list, as the hub's snapshot gives it: the cards, the filter, the count. */
function showList(patients) {
  if (!waiting) return;
  areas.update(patients);
  waiting.update(patients);
  updateCount();
}

/** "3 patients", "1 patient in Eye clinic · 3 in all"; the empty state when no card shows. */
function updateCount() {
  const { total, shown } = waiting ? waiting.patients : { total: 0, shown: 0 };
  const area = areas && areas.value !== ALL ? areas.area : null;
  $("waiting-count").textContent = countLine(total, shown, area);
  $("waiting-empty").textContent = emptyLine(total === 0 ? null : area);
  $("waiting-empty").hidden = waiting !== null && waiting.shown !== 0;
  const elsewhere = waiting ? waiting.hiddenHelp : [];
  $("help-elsewhere").hidden = elsewhere.length === 0;
  $("help-elsewhere-text").textContent = elsewhere.length === 1
    ? `Help requested in another waiting area: ${elsewhere[0].patient_name ? `${elsewhere[0].patient_name}, ` : ""}${place(elsewhere[0])}.`
    : `${elsewhere.length} help requests in other waiting areas.`;
}

$("help-elsewhere-show").addEventListener("click", () => {
  if (!areas) return;
  areas.choose(ALL);
  $("waiting-title").focus();
});

/** A new help request or acknowledgement for `entry` (from the waiting list). */
function helpNews(entry, { request, acknowledged }) {
  const mine = inCall(entry.visit_id);
  if (request) {
    alertSpecialist(mine ? "The patient asked for help." : `Help requested at ${place(entry)}.`);
    if (mine) {
      helpBanner.request(entry);
      log("The patient asked for help.");
    }
  }
  if (acknowledged) {
    const words = `${onTheWay(acknowledgement(entry))}.`;
    if (mine) {
      helpBanner.acknowledged(acknowledgement(entry));
      log(words);
    }
    announce(mine ? words : `${place(entry)}: ${words}`);
  }
}

// --- actions from the waiting list ---

// Why a message was not sent, by the hub's error code (or HubSocket.request's own codes).
const NOT_SENT = {
  offline: "Not sent: the connection to the hub is down. Try again in a moment.",
  timeout: "Not sent: the hub did not answer. Try again in a moment.",
  not_allowed: "Not sent: the patient's kiosk is reconnecting. Try again in a moment.",
  not_found: "Not sent: the patient's visit has ended.",
  forbidden: "Not sent: that patient is not waiting at your clinic.",
  busy: "Not sent: another specialist is with this patient.",
  rate_limited: "Not sent: too many messages. Please wait a moment and try again.",
  bad_message: "Not sent: the message has characters that cannot be sent. Check it and try again.",
};

/**
 * Send a message to the patient and wait for the hub's word: resolves to {ok, text}, where text
 * says in plain words why it was not sent. Neither the text nor the reply is logged.
 */
async function message(visitId, text) {
  const result = await socket.request("message", { visit_id: visitId, text: text.slice(0, MAX_TEXT) });
  if (result.ok) return { ok: true, text: "" };
  return { ok: false, text: NOT_SENT[result.code] || `Not sent. ${result.message || "The hub refused it."}` };
}

async function join(visitId) {
  chime.unlock();
  if (inCall() || call.joining) return;
  pageError("");
  call.joining = visitId;
  try {
    call.localStream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
    });
  } catch (err) {
    call.localStream = null;
    pageError(`Your camera or microphone could not be started (${err.name}). The patient will not see or hear you; check the browser's permissions.`);
  }
  if (call.joining !== visitId) { stopLocal(); return; }
  if (!socket.send("join", { visit_id: visitId })) {
    call.joining = null;
    stopLocal();
    pageError("The hub connection is down; try again in a moment.");
  }
}

function stopLocal() {
  if (call.localStream) for (const t of call.localStream.getTracks()) t.stop();
  call.localStream = null;
}

// --- the call ---

function startCall(visitId) {
  call.joining = null;
  pageError("");
  const entry = waiting.entry(visitId) || {};
  Object.assign(call, {
    visitId, entry, reconnects: 0, timer: setInterval(tick, 1000),
    peer: new Call({
      visitId, iceServers, localStream: call.localStream, remoteVideo: $("remote-video"),
      send: (type, fields) => socket.send(type, fields),
      onQuality: () => showQuality(),
      onPeerState: (state) => peerState(state),
    }),
  });
  $("local-video").srcObject = call.localStream;
  $("local-video").hidden = !call.localStream;
  $("call-where").textContent = `${entry.patient_name ? `${entry.patient_name}, ` : ""}${place(entry)}`;
  renderChecks($("call-checks"), entry.checks);
  $("call-log").replaceChildren();
  helpBanner.reset();
  setMute(false);
  setCamera(false);
  for (const id of ["q-in", "q-out"]) setQuality(id, null, "");
  banner("connecting", "Connecting to the patient…");
  log("You joined the call.");
  if (helpKey(entry)) {
    const when = helpTime(entry);
    log(`The patient asked for help${when ? ` ${when}` : ""}, before you joined.`);
    const ack = acknowledgement(entry);
    if (ack) log(`${onTheWay(ack)}.`);
  }
  setTech();
  show("call");
  $("end-call").focus();
  announce("You joined the call. Connecting to the patient.");
}

function tick() {
  if (!inCall()) return;
  const since = call.peer.connectedAt ?? call.peer.startedAt;
  $("call-timer").textContent = duration(Date.now() - since);
}

function banner(state, text) {
  const b = $("call-banner");
  b.dataset.state = state;
  b.textContent = text;
}

function log(text) {
  const li = document.createElement("li");
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString("en-GB");
  li.append(time, ` ${text}`);
  $("call-log").append(li);
  $("call-log").scrollTop = $("call-log").scrollHeight; // the latest line in view
}

function callState(state) {
  if (state === "reconnecting") {
    call.reconnects += 1;
    banner("reconnecting", "The patient's connection dropped; reconnecting…");
    log("The patient's connection dropped; reconnecting…");
  } else if (state === "connected") {
    banner("connected", "Connected");
    log(call.reconnects ? "Reconnected." : "Connected.");
  } else if (state === "failed") {
    banner("failed", "The call could not be reconnected.");
    log("The call could not be reconnected.");
  } else if (state === "connecting") {
    banner("connecting", "Connecting to the patient…");
  }
  setTech();
}

function peerState(state) {
  if (state === "connected" && $("call-banner").dataset.state === "connecting") banner("connected", "Connected");
  if (state === "failed" && $("call-banner").dataset.state === "connected") {
    banner("reconnecting", "The connection dropped; waiting for the patient's kiosk to reconnect…");
  }
  setTech();
}

function setQuality(id, q, source) {
  const row = $(id);
  row.dataset.verdict = q ? q.verdict : "unknown";
  row.querySelector(".q-word").textContent = q ? VERDICT_TEXT[q.verdict] || q.verdict : "Measuring…";
  row.querySelector(".q-fig").textContent = q ? `${figures(q)}${source}` : "";
}

function showQuality() {
  if (!inCall()) return;
  const latest = call.peer.latest;
  if (latest) setQuality("q-in", latest.incoming, "");
  const patient = call.peer.patientStats;
  if (patient) setQuality("q-out", patient, " (measured by the kiosk)");
  else if (latest) setQuality("q-out", latest.outgoing, "");
  setTech();
}

function setTech() {
  if (!inCall()) return;
  const c = call.peer;
  const q = c.latest;
  const tech = $("tech");
  tech.dataset.framesDecoded = String(q ? q.framesDecoded : 0);
  tech.dataset.attempt = String(c.attempt);
  tech.dataset.reconnects = String(call.reconnects);
  $("tech-frames").textContent = String(q ? q.framesDecoded : 0);
  $("tech-video").textContent = q && q.width ? `${q.width}×${q.height}${q.fps ? ` at ${Math.round(q.fps)} fps` : ""}, ${Math.round(q.incoming.bitrate_kbps)} kbit/s` : "–";
  $("tech-attempt").textContent = c.attempt ? String(c.attempt) : "–";
  $("tech-reconnects").textContent = String(call.reconnects);
}

function setMute(on) {
  const b = $("mute");
  b.setAttribute("aria-pressed", String(on));
  b.querySelector(".label").textContent = on ? "Unmute" : "Mute";
  if (call.localStream) for (const t of call.localStream.getAudioTracks()) t.enabled = !on;
}

function setCamera(off) {
  const b = $("camera");
  b.setAttribute("aria-pressed", String(off));
  b.querySelector(".label").textContent = off ? "Camera on" : "Camera off";
  if (call.localStream) for (const t of call.localStream.getVideoTracks()) t.enabled = !off;
  $("local-video").classList.toggle("off", off);
}

$("mute").addEventListener("click", () => setMute($("mute").getAttribute("aria-pressed") !== "true"));
$("camera").addEventListener("click", () => setCamera($("camera").getAttribute("aria-pressed") !== "true"));
$("end-call").addEventListener("click", () => $("end-dialog").showModal());
$("end-dialog").addEventListener("close", () => {
  if ($("end-dialog").returnValue === "end") hangUp();
  else $("end-call").focus();
});

$("call-message-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("call-message");
  const text = box.value.trim().slice(0, MAX_TEXT);
  if (!inCall() || !text) return;
  const visitId = call.visitId;
  const ok = await sendTyped($("call-message-form"), box, $("call-message-status"),
    () => message(visitId, text), () => "Sent.");
  if (ok && inCall(visitId)) log(`You sent: “${text}”`);
});

function hangUp() {
  if (!inCall()) return;
  const visitId = call.visitId;
  if (!socket.send("hangup", { visit_id: visitId, reason: "specialist_hangup" })) endCall("specialist_hangup");
  else banner("connecting", "Ending the call…");
}

function endCall(reason) {
  if (!inCall()) return;
  const { peer, reconnects } = call;
  const connectedAt = peer.connectedAt;
  const worst = peer.worst;
  resetCall();
  stopLocal();
  $("local-video").srcObject = null;
  const parts = [END_REASONS[reason] || "The call has ended."];
  parts.push(connectedAt ? `Duration ${durationWords(Date.now() - connectedAt)}.` : "The call did not connect.");
  if (worst) parts.push(`Quality: ${VERDICT_TEXT[worst].toLowerCase()} at worst.`);
  if (reconnects) parts.push(`Reconnected ${reconnects === 1 ? "once" : `${reconnects} times`}.`);
  $("call-summary-text").textContent = parts.join(" ");
  $("call-summary").hidden = false;
  show("waiting");
  $("call-summary").focus();
}

$("call-summary-close").addEventListener("click", () => {
  $("call-summary").hidden = true;
  $("waiting-title").focus();
});

function stopEverything() {
  socket.stop();
  resetCall();
  stopLocal();
  if (waiting) waiting.clear();
  waiting = null;
  if (areas) areas.close();
  areas = null;
  pageError("");
  $("call-summary").hidden = true;
}

// --- start ---

document.addEventListener("pointerdown", () => chime.unlock(), { once: true });
document.addEventListener("keydown", () => chime.unlock(), { once: true });
$("waiting-title").tabIndex = -1;

(async () => {
  const { specialist, message: why } = await restoreSession();
  if (specialist) signedIn(specialist);
  else showSignIn(why);
})();

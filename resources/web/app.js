// The specialist's console: sign in, watch the waiting room, message, join and end calls.
//
// Rules that matter:
// - One owner per piece of state: HubSocket owns the WebSocket, Call owns the peer connections,
//   WaitingList owns the cards; this module only wires them and switches views.
// - No secret (password, session cookie, CSRF token, SDP) is put in the DOM, in a URL or in the
//   browser console. The CSRF token lives in a closure variable only.
// - The kiosk always makes the offer; we answer (see call.js).

import * as api from "./api.js";
import { Call } from "./call.js";
import { END_REASONS, duration, durationWords, renderChecks } from "./format.js";
import { HubSocket } from "./hubsocket.js";
import { MAX_TEXT } from "./protocol.js";
import { VERDICT_TEXT, figures } from "./quality.js";
import { Chime } from "./sound.js";
import { WaitingList, place } from "./waiting.js";

const $ = (id) => document.getElementById(id);
const chime = new Chime();

let csrf = null;
let me = null;
let iceServers = [];
let waiting = null;
let joining = null; // visit id we asked to join
let call = null; // { visitId, call: Call, stream, entry, timer, reconnects }

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
  csrf = null;
  me = null;
  $("who").hidden = true;
  show("signin");
  const err = $("signin-error");
  err.textContent = message || "";
  err.hidden = !message;
  $("password").value = "";
  $("username").focus();
}

function signedIn(data) {
  csrf = data.csrf_token;
  me = data.specialist;
  $("who-name").textContent = me.name || me.username || "Signed in";
  $("who-clinic").textContent = "";
  $("who").hidden = false;
  waiting = new WaitingList($("patients"), $("patient-template"), { join, message, announce, alert: alertSpecialist }, me);
  updateCount(0);
  show("waiting");
  $("waiting-title").focus();
  socket.start();
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  chime.unlock();
  const username = $("username").value.trim();
  const password = $("password").value;
  const err = $("signin-error");
  if (!username || !password) {
    err.textContent = !username ? "Enter your username." : "Enter your password.";
    err.hidden = false;
    (!username ? $("username") : $("password")).focus();
    return;
  }
  const button = $("signin-button");
  button.disabled = true;
  button.textContent = "Signing in…";
  try {
    const data = await api.login(username, password);
    err.hidden = true;
    $("password").value = "";
    signedIn(data);
  } catch (e) {
    err.textContent = api.signInMessage(e);
    err.hidden = false;
    $("password").value = "";
    err.focus();
  } finally {
    button.disabled = false;
    button.textContent = "Sign in";
  }
});

$("sign-out").addEventListener("click", async () => {
  if (call) hangUp();
  try {
    await api.logout(csrf);
    showSignIn("You have signed out.");
  } catch (e) {
    if (e.status === 401) showSignIn("You have signed out.");
    else pageError(`Could not sign out: ${e.message}`);
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
});

function handle(msg) {
  switch (msg.type) {
    case "welcome":
    case "ice_servers":
      iceServers = Array.isArray(msg.ice_servers) ? msg.ice_servers : [];
      if (msg.specialist && msg.specialist.clinic && typeof msg.specialist.clinic.name === "string") {
        $("who-clinic").textContent = msg.specialist.clinic.name;
      }
      if (call) call.call.setIceServers(iceServers);
      break;
    case "waiting_list":
      if (waiting) updateCount(waiting.update(msg.patients));
      break;
    case "joined":
      if (msg.visit_id === joining) startCall(msg.visit_id);
      break;
    case "offer":
      if (call && msg.visit_id === call.visitId) {
        if (msg.attempt > 1 && msg.attempt > call.call.attempt) log("The patient's kiosk is reconnecting the call.");
        call.call.handleOffer(msg).then(() => setTech());
      }
      break;
    case "candidate":
      if (call && msg.visit_id === call.visitId) call.call.handleCandidate(msg);
      break;
    case "call_state":
      if (call && msg.visit_id === call.visitId) callState(msg.state);
      break;
    case "call_stats":
      if (call && msg.visit_id === call.visitId) {
        call.call.setPatientStats(msg.stats);
        showQuality();
      }
      break;
    case "call_ended":
      if (call && msg.visit_id === call.visitId) endCall(msg.reason);
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
  if (joining !== null && call === null) {
    joining = null;
    stopLocal();
  }
  const text = ERROR_TEXT[msg.code] || msg.message;
  pageError(text);
  announce(text);
}

function updateCount(n) {
  $("waiting-count").textContent = n === 0 ? "No patients waiting" : n === 1 ? "1 patient" : `${n} patients`;
  $("waiting-empty").hidden = n !== 0;
}

// --- actions from the waiting list ---

async function message(visitId, text) {
  return socket.send("message", { visit_id: visitId, text: text.slice(0, MAX_TEXT) });
}

let localStream = null;

async function join(visitId) {
  chime.unlock();
  if (call || joining) return;
  pageError("");
  joining = visitId;
  try {
    localStream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
    });
  } catch (err) {
    localStream = null;
    pageError(`Your camera or microphone could not be started (${err.name}). The patient will not see or hear you; check the browser's permissions.`);
  }
  if (joining !== visitId) { stopLocal(); return; }
  if (!socket.send("join", { visit_id: visitId })) {
    joining = null;
    stopLocal();
    pageError("The hub connection is down; try again in a moment.");
  }
}

function stopLocal() {
  if (localStream) for (const t of localStream.getTracks()) t.stop();
  localStream = null;
}

// --- the call ---

function startCall(visitId) {
  joining = null;
  pageError("");
  const entry = waiting.entry(visitId) || {};
  const c = new Call({
    visitId, iceServers, localStream, remoteVideo: $("remote-video"),
    send: (type, fields) => socket.send(type, fields),
    onQuality: () => showQuality(),
    onPeerState: (state) => peerState(state),
  });
  call = { visitId, call: c, entry, reconnects: 0, timer: setInterval(tick, 1000) };
  $("local-video").srcObject = localStream;
  $("local-video").hidden = !localStream;
  $("call-where").textContent = `${entry.patient_name ? `${entry.patient_name}, ` : ""}${place(entry)}`;
  renderChecks($("call-checks"), entry.checks);
  $("call-log").replaceChildren();
  setMute(false);
  setCamera(false);
  for (const id of ["q-in", "q-out"]) setQuality(id, null, "");
  banner("connecting", "Connecting to the patient…");
  log("You joined the call.");
  setTech();
  show("call");
  $("end-call").focus();
  announce("You joined the call. Connecting to the patient.");
}

function tick() {
  if (!call) return;
  const since = call.call.connectedAt ?? call.call.startedAt;
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
  if (!call) return;
  const latest = call.call.latest;
  if (latest) setQuality("q-in", latest.incoming, "");
  const patient = call.call.patientStats;
  if (patient) setQuality("q-out", patient, " (measured by the kiosk)");
  else if (latest) setQuality("q-out", latest.outgoing, "");
  setTech();
}

function setTech() {
  if (!call) return;
  const c = call.call;
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
  if (localStream) for (const t of localStream.getAudioTracks()) t.enabled = !on;
}

function setCamera(off) {
  const b = $("camera");
  b.setAttribute("aria-pressed", String(off));
  b.querySelector(".label").textContent = off ? "Camera on" : "Camera off";
  if (localStream) for (const t of localStream.getVideoTracks()) t.enabled = !off;
  $("local-video").classList.toggle("off", off);
}

$("mute").addEventListener("click", () => setMute($("mute").getAttribute("aria-pressed") !== "true"));
$("camera").addEventListener("click", () => setCamera($("camera").getAttribute("aria-pressed") !== "true"));
$("end-call").addEventListener("click", () => $("end-dialog").showModal());
$("end-dialog").addEventListener("close", () => {
  if ($("end-dialog").returnValue === "end") hangUp();
  else $("end-call").focus();
});

$("call-message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const box = $("call-message");
  const text = box.value.trim();
  if (!call || !text) return;
  if (message(call.visitId, text)) { log(`You sent: “${text.slice(0, MAX_TEXT)}”`); box.value = ""; }
});

function hangUp() {
  if (!call) return;
  const visitId = call.visitId;
  if (!socket.send("hangup", { visit_id: visitId, reason: "specialist_hangup" })) endCall("specialist_hangup");
  else banner("connecting", "Ending the call…");
}

function endCall(reason) {
  const c = call;
  if (!c) return;
  call = null;
  clearInterval(c.timer);
  const talked = c.call.connectedAt ? Date.now() - c.call.connectedAt : 0;
  const worst = c.call.worst;
  c.call.close();
  stopLocal();
  $("local-video").srcObject = null;
  const parts = [END_REASONS[reason] || "The call has ended."];
  parts.push(c.call.connectedAt ? `Duration ${durationWords(talked)}.` : "The call did not connect.");
  if (worst) parts.push(`Quality: ${VERDICT_TEXT[worst].toLowerCase()} at worst.`);
  if (c.reconnects) parts.push(`Reconnected ${c.reconnects === 1 ? "once" : `${c.reconnects} times`}.`);
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
  if (call) { clearInterval(call.timer); call.call.close(); call = null; }
  joining = null;
  stopLocal();
  if (waiting) waiting.clear();
  waiting = null;
  pageError("");
  $("call-summary").hidden = true;
}

// --- start ---

document.addEventListener("pointerdown", () => chime.unlock(), { once: true });
document.addEventListener("keydown", () => chime.unlock(), { once: true });
$("waiting-title").tabIndex = -1;

(async () => {
  try {
    signedIn(await api.me());
  } catch (e) {
    showSignIn(e.status === 401 ? "" : api.signInMessage(e));
  }
})();

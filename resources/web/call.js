// The specialist's end of a call. The KIOSK always offers (docs/protocol.md); we answer.
//
// Rules that matter (as kiosk/call/answerer.py):
// - Each offer with a higher `attempt` gets a fresh RTCPeerConnection. The old one is closed,
//   unless it was connected (or is only "disconnected"): then it stays as the *standby* (the kiosk reconnects after media
//   stopped; a cut network often comes back on the old connection first), still shown, until the
//   new one connects - or until the kiosk names it in `call_state{connected, attempt}` (its media
//   came back first), when it is the call again and the newer one is closed (docs/protocol.md).
//   Offers and candidates for any other attempt are ignored.
// - The answer is sent once ICE gathering is complete (aiortc does not take trickled
//   candidates reliably), so it carries every candidate.
// - Our own candidates are not trickled: the answer carries them all, like the demo specialist.
// - The remote video element stays the same across attempts; only its stream changes.

import { QualityMeter, asStats, worse } from "./quality.js";

const GATHER_TIMEOUT_MS = 5000;
const STATS_EVERY_MS = 2000;
const SEND_STATS_EVERY_MS = 5000;

function gatheringComplete(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, GATHER_TIMEOUT_MS);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    }
    function check() { if (pc.iceGatheringState === "complete") done(); }
    pc.addEventListener("icegatheringstatechange", check);
  });
}

export class Call {
  /**
   * send(type, fields): sends a protocol message. onQuality(sample), onPeerState(state, attempt).
   */
  constructor({ visitId, send, localStream, remoteVideo, iceServers, onQuality, onPeerState }) {
    this.visitId = visitId;
    this.send = send;
    this.localStream = localStream;
    this.remoteVideo = remoteVideo;
    this.iceServers = iceServers || [];
    this.onQuality = onQuality || (() => {});
    this.onPeerState = onPeerState || (() => {});
    this.attempt = 0;
    this.answers = 0;
    this.pc = null;
    this.standby = null; // { pc, attempt, remote }
    this.pcAttempt = 0;
    this.remote = null;
    this.closed = false;
    this.meter = new QualityMeter();
    this.startedAt = Date.now();
    this.connectedAt = null;
    this.worst = null;
    this.latest = null;
    this.patientStats = null;
    this.lastSent = 0;
    this.statsTimer = setInterval(() => this.sample(), STATS_EVERY_MS);
  }

  setIceServers(servers) { this.iceServers = servers || []; }

  async handleOffer(msg) {
    if (this.closed || !Number.isInteger(msg.attempt) || msg.attempt <= this.attempt) return;
    const attempt = msg.attempt;
    this.attempt = attempt;
    const old = this.pc;
    // "disconnected": the browser's own name for a path silent for a few seconds (a cut)
    if (old && (old.connectionState === "connected" || old.connectionState === "disconnected")) {
      this.closeStandby();
      this.standby = { pc: old, attempt: this.pcAttempt, remote: this.remote };
      this.pc = null;
    } else {
      this.closePeer();
    }
    this.meter.reset();
    this.latest = null;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: "max-bundle" });
    this.pc = pc;
    this.pcAttempt = attempt;
    const remote = new MediaStream();
    this.remote = remote;
    pc.addEventListener("track", (event) => {
      if (pc !== this.pc) return;
      remote.addTrack(event.track);
      if (!this.standby) this.show(remote); // else the standby stays on screen until connected
    });
    pc.addEventListener("connectionstatechange", () => {
      if (pc !== this.pc) return;
      if (pc.connectionState === "connected") {
        if (this.connectedAt === null) this.connectedAt = Date.now();
        this.closeStandby();
        this.show(remote);
      }
      this.onPeerState(pc.connectionState, attempt);
    });
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: msg.sdp });
      if (this.localStream) {
        for (const track of this.localStream.getTracks()) pc.addTrack(track, this.localStream);
      }
      await pc.setLocalDescription(await pc.createAnswer());
      await gatheringComplete(pc);
    } catch (err) {
      console.warn(`could not answer attempt ${attempt}:`, err.name);
      return;
    }
    if (pc !== this.pc || this.closed) return; // a newer offer arrived meanwhile
    this.send("answer", { visit_id: this.visitId, sdp: pc.localDescription.sdp, attempt });
    this.answers += 1;
  }

  async handleCandidate(msg) {
    if (this.closed || !this.pc || msg.attempt !== this.attempt) return;
    const text = msg.candidate.startsWith("candidate:") || msg.candidate === "" ? msg.candidate : `candidate:${msg.candidate}`;
    try {
      await this.pc.addIceCandidate({
        candidate: text, sdpMid: msg.sdp_mid ?? null,
        sdpMLineIndex: msg.sdp_mline_index ?? (msg.sdp_mid === undefined ? 0 : null),
      });
    } catch { /* a candidate for a closed or mismatched transport: ignore */ }
  }

  /** `call_state` from the kiosk: `connected` naming the standby's attempt makes it the call. */
  handleCallState(msg) {
    const standby = this.standby;
    if (this.closed || msg.state !== "connected" || !standby || msg.attempt !== standby.attempt) return;
    this.standby = null;
    this.closePeer();
    this.pc = standby.pc;
    this.pcAttempt = standby.attempt;
    this.remote = standby.remote;
    this.show(standby.remote);
    this.onPeerState(standby.pc.connectionState, standby.attempt);
  }

  show(stream) {
    if (stream && this.remoteVideo.srcObject !== stream) this.remoteVideo.srcObject = stream;
    this.remoteVideo.play().catch(() => {});
  }

  /** The patient's own measurement (relayed call_stats). */
  setPatientStats(stats) {
    if (stats && typeof stats.verdict === "string") {
      this.patientStats = stats;
      this.worst = worse(this.worst, stats.verdict);
    }
  }

  async sample() {
    const pc = this.pc;
    if (!pc || this.closed || pc.connectionState !== "connected") return;
    let report;
    try { report = await pc.getStats(); } catch { return; }
    if (pc !== this.pc) return;
    const q = this.meter.update(report, Date.now());
    this.latest = q;
    this.worst = worse(this.worst, worse(q.incoming.verdict, q.outgoing.verdict));
    this.onQuality(q);
    if (Date.now() - this.lastSent >= SEND_STATS_EVERY_MS - 100) {
      this.lastSent = Date.now();
      this.send("call_stats", { visit_id: this.visitId, stats: asStats(q.incoming) });
    }
  }

  closePeer() {
    const pc = this.pc;
    this.pc = null;
    if (pc) pc.close();
  }

  closeStandby() {
    const standby = this.standby;
    this.standby = null;
    if (standby) standby.pc.close();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statsTimer);
    this.closeStandby();
    this.closePeer();
    this.remoteVideo.srcObject = null;
  }
}

// The console's one WebSocket to the hub: says hello as a specialist, validates every message,
// and reconnects with backoff when the socket drops (the hub keeps our join for 60 s).
//
// A stalled path does not close a WebSocket in a browser for minutes (the hub's pings are
// answered by the browser unseen, and a close handshake waits for the dead peer), so the
// console sends its own `ping` every HEARTBEAT_MS and gives the socket up when nothing at all
// has come from the hub for DEAD_AFTER_MS (a pong is due within milliseconds): a dead link is
// noticed within DEAD_AFTER_MS + HEARTBEAT_MS = 4.5 s (issue 13: within 5 s).

import { CLOSE, decode, encode, make, redacted } from "./protocol.js";

const BACKOFF_S = [0.5, 1, 1, 2, 2];
const REQUEST_TIMEOUT_MS = 5000;
const HEARTBEAT_MS = 1000;
const DEAD_AFTER_MS = 3500;

export class HubSocket {
  /**
   * handlers: onMessage(msg), onLink(state: "connecting"|"up"|"down", detail),
   * onSignedOut(reason) (the hub no longer accepts our session), onFatal(message).
   * features: the hello's features (e.g. [LIST_DELTA]: waiting_changes after one full list).
   */
  constructor(handlers, { features = [] } = {}) {
    this.h = handlers;
    this.features = features;
    this.ws = null;
    this.tries = 0;
    this.stopped = true;
    this.timer = null;
    this.pending = new Map(); // ref -> settle(result), for request()
    this.refs = 0;
  }

  start() {
    this.stopped = false;
    this.tries = 0;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.failPending();
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, "signed out");
  }

  get up() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.welcomed; }

  send(type, fields) {
    if (!this.up) return false;
    this.ws.send(encode(make(type, fields)));
    return true;
  }

  /**
   * Send a message and learn whether the hub took it: resolves to {ok: true} once the hub has
   * handled it, or {ok: false, code, message} when it refused it (an `error` with our ref), the
   * socket is down or drops, or no word comes in time. The hub handles one socket's messages
   * in order, so the `pong` to a ping sent right after is the acknowledgement.
   */
  request(type, fields, timeoutMs = REQUEST_TIMEOUT_MS) {
    if (!this.up) return Promise.resolve({ ok: false, code: "offline", message: "The hub connection is down." });
    const ref = `r${++this.refs}`;
    let frame;
    try { frame = encode(make(type, { ...fields, ref })); } catch {
      return Promise.resolve({ ok: false, code: "bad_message", message: "The message cannot be sent as it is." });
    }
    return new Promise((resolve) => {
      const settle = (result) => {
        clearTimeout(timer);
        this.pending.delete(ref);
        this.pending.delete(`${ref}-ack`);
        resolve(result);
      };
      const timer = setTimeout(() => settle({ ok: false, code: "timeout", message: "The hub did not answer." }), timeoutMs);
      this.pending.set(ref, settle);
      this.pending.set(`${ref}-ack`, settle);
      this.ws.send(frame);
      this.ws.send(encode(make("ping", { ref: `${ref}-ack` })));
    });
  }

  /** A reply to request(): settles it and is not passed on. */
  settled(msg) {
    const settle = typeof msg.ref === "string" ? this.pending.get(msg.ref) : undefined;
    if (!settle) return false;
    if (msg.type === "error") settle({ ok: false, code: msg.code, message: msg.message });
    else if (msg.type === "pong") settle({ ok: true });
    else return false;
    return true;
  }

  failPending() {
    for (const settle of new Set(this.pending.values())) {
      settle({ ok: false, code: "offline", message: "The hub connection dropped." });
    }
  }

  open() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/ws`);
    this.ws = ws;
    this.welcomed = false;
    this.h.onLink("connecting", this.tries);
    ws.addEventListener("open", () => {
      ws.send(encode(make("hello", {
        role: "specialist", client: "clinic-kiosk web console",
        features: this.features.length > 0 ? this.features : null,
      })));
      this.heard = Date.now();
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.beat(ws), HEARTBEAT_MS);
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      this.heard = Date.now();
      let msg;
      try { msg = decode(event.data); } catch (err) {
        console.warn("ignored a bad message from the hub:", err.message);
        return;
      }
      if (msg.type === "welcome") {
        this.welcomed = true;
        this.tries = 0;
        this.h.onLink("up");
      }
      if (msg.type === "error" && msg.fatal) console.warn("hub error", redacted(msg));
      if (this.settled(msg)) return;
      if (msg.type === "pong") return; // our heartbeat's
      this.h.onMessage(msg);
    });
    ws.addEventListener("close", (event) => this.lost(ws, event.code, event.reason));
  }

  /** Every HEARTBEAT_MS: a ping (the pong proves the path), or give up a silent socket. */
  beat(ws) {
    if (ws !== this.ws) { clearInterval(this.heartbeat); return; }
    if (Date.now() - this.heard > DEAD_AFTER_MS) {
      console.warn("no word from the hub for 3.5 s: reconnecting");
      this.lost(ws, 1006, "no word from the hub");
      try { ws.close(); } catch { /* already closing */ }
      return;
    }
    if (this.welcomed) ws.send(encode(make("ping", {})));
  }

  /** The socket is closed, or given up as dead: reconnect unless that makes no sense. */
  lost(ws, code, reason) {
    if (ws !== this.ws) return;
    clearInterval(this.heartbeat);
    this.ws = null;
    this.welcomed = false;
    this.failPending();
    if (this.stopped) return;
    if (code === CLOSE.AUTH_FAILED) { this.stopped = true; this.h.onSignedOut(reason); return; }
    if (code === CLOSE.UNSUPPORTED_VERSION) {
      this.stopped = true;
      this.h.onFatal("This console is out of date for the hub. Reload the page.");
      return;
    }
    const wait = BACKOFF_S[Math.min(this.tries, BACKOFF_S.length - 1)];
    this.tries += 1;
    this.h.onLink("down", wait);
    this.timer = setTimeout(() => { if (!this.stopped) this.open(); }, wait * 1000);
  }
}

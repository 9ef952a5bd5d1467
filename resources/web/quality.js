// Call quality in words from RTCPeerConnection.getStats(), with the same thresholds as
// kiosk/call/quality.py: round-trip time, packet loss and jitter -> good / fair / poor.

export const RTT_MS = [250, 500];
export const LOSS_PCT = [2, 8];
export const JITTER_MS = [30, 80];
const RANK = { good: 0, fair: 1, poor: 2 };

/** good / fair / poor from the worst measured figure (unmeasured ones are ignored). */
export function verdict(rttMs, lossPct, jitterMs) {
  let worst = "good";
  for (const [value, [good, poor]] of [[rttMs, RTT_MS], [lossPct, LOSS_PCT], [jitterMs, JITTER_MS]]) {
    if (value === null || value === undefined || Number.isNaN(value)) continue;
    if (value > poor) return "poor";
    if (value > good) worst = "fair";
  }
  return worst;
}

export function worse(a, b) {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

export const VERDICT_TEXT = { good: "Good", fair: "Fair", poor: "Poor" };

/**
 * Turns successive getStats() reports into two samples: what we receive from the patient
 * ("incoming") and what the patient receives from us ("outgoing", from their RTCP reports).
 */
export class QualityMeter {
  constructor() { this.reset(); }

  reset() { this.last = null; }

  update(report, now) {
    const t = { received: 0, lost: 0, bytesIn: 0, bytesOut: 0, framesDecoded: 0 };
    const jitters = [];
    const outLoss = [];
    const outJitter = [];
    let rtt = null;
    let width = null;
    let height = null;
    let fps = null;
    report.forEach((s) => {
      if (s.type === "inbound-rtp") {
        t.received += s.packetsReceived || 0;
        t.lost += Math.max(0, s.packetsLost || 0);
        t.bytesIn += s.bytesReceived || 0;
        if (typeof s.jitter === "number") jitters.push(1000 * s.jitter);
        if (s.kind === "video") {
          t.framesDecoded += s.framesDecoded || 0;
          width = s.frameWidth ?? width;
          height = s.frameHeight ?? height;
          fps = s.framesPerSecond ?? fps;
        }
      } else if (s.type === "outbound-rtp") {
        t.bytesOut += s.bytesSent || 0;
      } else if (s.type === "remote-inbound-rtp") {
        if (typeof s.roundTripTime === "number") rtt = Math.max(rtt ?? 0, 1000 * s.roundTripTime);
        if (typeof s.fractionLost === "number") outLoss.push(100 * s.fractionLost);
        if (typeof s.jitter === "number") outJitter.push(1000 * s.jitter);
      } else if (s.type === "candidate-pair" && s.nominated && typeof s.currentRoundTripTime === "number") {
        rtt = Math.max(rtt ?? 0, 1000 * s.currentRoundTripTime);
      }
    });
    let loss = null;
    let bitrate = 0;
    let sent = 0;
    const last = this.last;
    if (last && now > last.at) {
      const span = (now - last.at) / 1000;
      const got = t.received - last.received;
      const lost = t.lost - last.lost;
      if (got + Math.max(0, lost) > 0) loss = (100 * Math.max(0, lost)) / (got + Math.max(0, lost));
      bitrate = (Math.max(0, t.bytesIn - last.bytesIn) * 8) / span / 1000;
      sent = (Math.max(0, t.bytesOut - last.bytesOut) * 8) / span / 1000;
    } else if (t.received + t.lost > 0) {
      loss = (100 * t.lost) / (t.received + t.lost);
    }
    this.last = { ...t, at: now };
    const jitter = jitters.length ? Math.max(...jitters) : null;
    const oLoss = outLoss.length ? Math.max(...outLoss) : null;
    const oJitter = outJitter.length ? Math.max(...outJitter) : null;
    return {
      incoming: { rtt_ms: rtt, loss_pct: loss, jitter_ms: jitter, bitrate_kbps: bitrate,
        verdict: verdict(rtt, loss, jitter) },
      outgoing: { rtt_ms: rtt, loss_pct: oLoss, jitter_ms: oJitter, bitrate_kbps: sent,
        verdict: verdict(rtt, oLoss, oJitter) },
      framesDecoded: t.framesDecoded, width, height, fps,
    };
  }
}

/** The protocol's call_stats.stats object (numbers rounded to one decimal). */
export function asStats(q) {
  const r = (v) => (v === null || v === undefined ? null : Math.round(v * 10) / 10);
  const out = { rtt_ms: r(q.rtt_ms), loss_pct: r(q.loss_pct), jitter_ms: r(q.jitter_ms),
    bitrate_kbps: r(q.bitrate_kbps) ?? 0, verdict: q.verdict };
  return out;
}

/** "RTT 40 ms · loss 0 % · jitter 5 ms" (unmeasured figures left out). */
export function figures(q) {
  if (!q) return "not measured yet";
  const parts = [];
  if (q.rtt_ms !== null && q.rtt_ms !== undefined) parts.push(`delay ${Math.round(q.rtt_ms)} ms`);
  if (q.loss_pct !== null && q.loss_pct !== undefined) parts.push(`loss ${q.loss_pct.toFixed(1)} %`);
  if (q.jitter_ms !== null && q.jitter_ms !== undefined) parts.push(`jitter ${Math.round(q.jitter_ms)} ms`);
  return parts.length ? parts.join(" · ") : "not measured yet";
}

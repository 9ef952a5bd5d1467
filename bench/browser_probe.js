// Injected into bench pages (Playwright add_init_script, so the console's CSP does not apply).
// - Reads kiosk.media.marker's 40x3 cells from every frame a <video> presents
//   (requestVideoFrameCallback -> canvas -> luma -> bits -> CRC-32) and logs
//   {c: counter, cap: captured_ms, t: display time (epoch ms), ct: capture time if known}.
// - Keeps every RTCPeerConnection (for getStats) and, if window.__BENCH_CODEC is set
//   ("VP8" or "H264"), restricts video transceivers to that codec (setCodecPreferences).
// - If window.__BENCH_SIZE is set ([w, h]), asks getUserMedia for exactly that size.
(() => {
  const COLUMNS = 40, ROWS = 3, CELL = 8, SYNC = [1, 0, 1, 0], TRAILER = [0, 1, 0, 1];
  const CRC = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    CRC[n] = c >>> 0;
  }
  function crc32(bytes) {
    let c = 0xffffffff;
    for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }
  const canvas = document.createElement("canvas");
  canvas.width = COLUMNS * CELL;
  canvas.height = ROWS * CELL;
  let ctx = null;
  function decode(video) {
    const vw = video.videoWidth, vh = video.videoHeight;
    if (!vw || !vh) return null;
    ctx = ctx || canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, vw, vh * ROWS / 30, 0, 0, canvas.width, canvas.height);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const levels = [];
    for (let r = 0; r < ROWS; r++) {
      for (let col = 0; col < COLUMNS; col++) {
        let sum = 0;
        for (let dy = 3; dy <= 4; dy++) {
          for (let dx = 3; dx <= 4; dx++) {
            const i = ((r * CELL + dy) * canvas.width + col * CELL + dx) * 4;
            sum += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
          }
        }
        levels.push(sum / 4);
      }
    }
    const known = [...levels.slice(0, 4), ...levels.slice(116, 120)];
    const pattern = [...SYNC, ...TRAILER];
    const whites = known.filter((_, i) => pattern[i] === 1);
    const blacks = known.filter((_, i) => pattern[i] === 0);
    if (Math.min(...whites) - Math.max(...blacks) < 48) return null;
    const threshold = (whites.reduce((a, b) => a + b) / whites.length
      + blacks.reduce((a, b) => a + b) / blacks.length) / 2;
    const bytes = new Uint8Array(14);
    for (let i = 0; i < 112; i++) if (levels[4 + i] > threshold) bytes[i >> 3] |= 0x80 >> (i & 7);
    const crc = ((bytes[10] << 24) | (bytes[11] << 16) | (bytes[12] << 8) | bytes[13]) >>> 0;
    if (crc32(bytes.subarray(0, 10)) !== crc) return null;
    const counter = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    let cap = 0;
    for (let i = 4; i < 10; i++) cap = cap * 256 + bytes[i];
    return { c: counter, cap };
  }
  const bench = {
    logs: {}, firsts: {}, pcs: [], watching: new Set(), paused: false,
    watch(video, name) {
      if (bench.watching.has(video)) return;
      bench.watching.add(video);
      const log = bench.logs[name] = bench.logs[name] || [];
      const tick = (now, meta) => {
        const t = performance.timeOrigin + (meta && meta.expectedDisplayTime || now);
        if (!(name in bench.firsts)) bench.firsts[name] = t;
        const m = bench.paused ? null : decode(video);
        if (m && log.length < 100000) {
          const ct = meta && meta.captureTime ? performance.timeOrigin + meta.captureTime : null;
          log.push({ c: m.c, cap: m.cap, t, ct });
        }
        video.requestVideoFrameCallback(tick);
      };
      video.requestVideoFrameCallback(tick);
    },
    watchAll() {
      for (const v of document.querySelectorAll("video")) bench.watch(v, v.id || "video");
    },
    now() { return performance.timeOrigin + performance.now(); },
    async stats() {
      // framesDecoded of inbound video and the codec, summed over live peer connections.
      const out = { framesDecoded: 0, framesSent: 0, codecIn: null, codecOut: null };
      for (const pc of bench.pcs) {
        if (pc.connectionState === "closed") continue;
        const report = await pc.getStats();
        report.forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "video") {
            out.framesDecoded += s.framesDecoded || 0;
            out.jitterBufferDelay = (out.jitterBufferDelay || 0) + (s.jitterBufferDelay || 0);
            out.jitterBufferEmitted = (out.jitterBufferEmitted || 0)
              + (s.jitterBufferEmittedCount || 0);
            out.totalDecodeTime = (out.totalDecodeTime || 0) + (s.totalDecodeTime || 0);
            const codec = report.get(s.codecId);
            if (codec) out.codecIn = codec.mimeType;
          }
          if (s.type === "outbound-rtp" && s.kind === "video") {
            out.framesSent += s.framesSent || 0;
            const codec = report.get(s.codecId);
            if (codec) out.codecOut = codec.mimeType;
            out.sendSize = [s.frameWidth, s.frameHeight];
            out.limitedBy = s.qualityLimitationReason;
            out.targetKbps = Math.round((s.targetBitrate || 0) / 1000);
          }
        });
      }
      return out;
    },
    preferCodec(pc) {
      const want = window.__BENCH_CODEC;
      if (!want) return;
      const caps = RTCRtpReceiver.getCapabilities("video").codecs;
      let chosen = caps.filter((c) => c.mimeType.toLowerCase() === `video/${want.toLowerCase()}`);
      // H.264: constrained baseline, packetization-mode=1 first (what aiortc answers best).
      const rank = (c) => (/42e01f/.test(c.sdpFmtpLine || "") ? 0 : 1)
        + (/packetization-mode=1/.test(c.sdpFmtpLine || "") ? 0 : 2);
      chosen = chosen.sort((a, b) => rank(a) - rank(b));
      const rtx = caps.filter((c) => c.mimeType.toLowerCase() === "video/rtx");
      for (const t of pc.getTransceivers()) {
        const kind = (t.receiver && t.receiver.track && t.receiver.track.kind);
        if (kind === "video" && chosen.length) {
          try { t.setCodecPreferences([...chosen, ...rtx]); } catch (e) { console.warn("codec", e); }
        }
      }
    },
  };
  // Keep only the wanted codec (and its rtx) in a remote offer's video section: Chromium picks
  // its send codec from the offer's order, whatever setCodecPreferences says for the answer.
  bench.mungeOffer = (sdp) => {
    const want = (window.__BENCH_CODEC || "").toLowerCase();
    if (!want) return sdp;
    const sections = sdp.split(/\r\n(?=m=)/);
    return sections.map((sec) => {
      if (!sec.startsWith("m=video")) return sec;
      const lines = sec.split("\r\n");
      const keep = new Set();
      for (const l of lines) {
        const m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(l);
        if (m && m[2].toLowerCase() === want) keep.add(m[1]);
      }
      for (const l of lines) {
        const m = /^a=fmtp:(\d+) apt=(\d+)/.exec(l);
        if (m && keep.has(m[2])) keep.add(m[1]);
      }
      if (!keep.size) return sec;
      return lines.filter((l) => {
        const m = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(l);
        return !m || keep.has(m[1]);
      }).map((l) => {
        if (!l.startsWith("m=video")) return l;
        const parts = l.split(" ");
        return [...parts.slice(0, 3), ...parts.slice(3).filter((pt) => keep.has(pt))].join(" ");
      }).join("\r\n");
    }).join("\r\n");
  };
  window.__bench = bench;
  const Native = window.RTCPeerConnection;
  if (Native) {
    const setRemote = Native.prototype.setRemoteDescription;
    Native.prototype.setRemoteDescription = async function (...args) {
      if (!bench.pcs.includes(this)) bench.pcs.push(this);
      if (args[0] && args[0].type === "offer" && args[0].sdp) {
        args[0] = { type: "offer", sdp: bench.mungeOffer(args[0].sdp) };
      }
      const result = await setRemote.apply(this, args);
      if (args[0] && args[0].type === "offer") bench.preferCodec(this);
      return result;
    };
    const createOffer = Native.prototype.createOffer;
    Native.prototype.createOffer = async function (...args) {
      if (!bench.pcs.includes(this)) bench.pcs.push(this);
      bench.preferCodec(this);
      return createOffer.apply(this, args);
    };
  }
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = (constraints) => {
      const size = window.__BENCH_SIZE;
      if (size && constraints && constraints.video) {
        constraints = { ...constraints, video: { width: { exact: size[0] },
          height: { exact: size[1] }, frameRate: { ideal: 30 } } };
      }
      return gum(constraints);
    };
  }
})();

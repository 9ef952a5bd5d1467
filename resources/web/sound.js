// A short, gentle two-tone alert made with Web Audio (no sound file). Browsers only let a page
// make sound after the user has interacted with it, so unlock() is called on the first click.

export class Chime {
  constructor() { this.ctx = null; this.played = 0; }

  unlock() {
    try {
      if (!this.ctx) this.ctx = new AudioContext();
      if (this.ctx.state === "suspended") this.ctx.resume();
    } catch { this.ctx = null; }
  }

  play() {
    this.played += 1;
    const ctx = this.ctx;
    if (!ctx) return;
    const start = ctx.currentTime + 0.02;
    [[880, 0], [660, 0.22]].forEach(([freq, at]) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.25, start + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + at);
      osc.stop(start + at + 0.22);
    });
  }
}

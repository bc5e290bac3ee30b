/**
 * Deterministic time and randomness for session tests: a clock that only
 * moves when the test says so, and a seeded PRNG (mulberry32) for jitter.
 */

/** Anything driven by tick(now), like MqttClient and Supervisor. */
export interface Ticked {
  tick(now: number): void;
}

/** A manual clock in ms. advance() ticks the given parts at every step, as a host's 1 s interval would. */
export class FakeClock {
  now: number;

  constructor(start = 1000000) {
    this.now = start;
  }

  /** Moves time forward by `ms` in steps of `step`, ticking every part after each step. */
  advance(ms: number, parts: Ticked[] = [], step = 1000): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + step);
      for (const p of parts) p.tick(this.now);
    }
  }
}

/** A seeded uniform PRNG in [0, 1) (mulberry32): same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

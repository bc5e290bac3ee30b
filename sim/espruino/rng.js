'use strict';
/**
 * Seeded pseudo-random numbers (mulberry32) so that a node's chunk boundaries,
 * RSSI jitter and sensor noise replay identically for the same seed.
 */

/**
 * Creates a generator. `next()` gives a float in [0, 1); `int(n)` an integer
 * in [0, n). The same seed always yields the same sequence.
 * @param {number} seed any 32-bit integer
 */
function createRng(seed) {
  let state = (seed >>> 0) || 0x9e3779b9;
  function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return {
    next,
    int(n) {
      return Math.floor(next() * n);
    },
  };
}

module.exports = { createRng };

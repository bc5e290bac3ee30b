/**
 * Clock: the time and the one periodic timer of the host.
 *
 * For driver authors:
 * - `now()` is milliseconds (an integer) from an arbitrary origin; use
 *   differences only. It never decreases, but it jumps FORWARD when the
 *   board's wall clock is set (SNTP, setTime): set the clock before
 *   connecting, or accept one early timeout.
 * - `every(callback, ms)` calls `callback` every `ms` until the board
 *   reboots or sleeps; callbacks run from the event loop, never from inside
 *   `every`. There are no one-shot timers and no cancel: each timer and
 *   each method costs RAM on small heaps (an ESP8266 has 1600 blocks), so
 *   the firmware runs one periodic tick and keeps its deadlines as numbers
 *   compared with `now()`.
 *
 * For board authors:
 * - Keep `now()` from going backwards when the platform clock is set back.
 */

/** Host time and the periodic tick. */
export interface Clock {
  /** Milliseconds, integer, arbitrary origin. */
  now(): number;
  /** Calls `callback` every `ms` milliseconds. */
  every(callback: (this: void) => void, ms: number): void;
}

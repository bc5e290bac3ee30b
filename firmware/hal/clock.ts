/**
 * Clock: the time and the timers of the host.
 *
 * For driver authors:
 * - `now()` is milliseconds (an integer) from an arbitrary origin; use
 *   differences only. It never decreases, but it jumps FORWARD when the
 *   board's wall clock is set (SNTP, setTime): set the clock before
 *   connecting, or accept one early timeout.
 * - `schedule(callback, ms, repeat)` calls `callback` once after `ms`, or
 *   every `ms` when `repeat`; it returns an id for `cancel`. Callbacks run
 *   from the event loop, never from inside `schedule`. Cancelling an id
 *   that already fired is a no-op.
 * - Schedule long-lived timers once (a periodic tick) rather than a new
 *   timer per message: each timer costs RAM on small heaps.
 *
 * For board authors:
 * - Keep `now()` from going backwards when the platform clock is set back.
 * - A callback that throws must not cancel other timers; never pass an
 *   undefined id to the platform (Espruino's `clearTimeout()` without an id
 *   clears ALL timers).
 */

/** Identifies a scheduled callback. */
export type TimerId = number;

/** Host time and timers. */
export interface Clock {
  /** Milliseconds, integer, arbitrary origin. */
  now(): number;
  /** Calls `callback` after `ms`, once or (repeat) periodically. */
  schedule(callback: (this: void) => void, ms: number, repeat: boolean): TimerId;
  /** Stops a scheduled callback; no-op for unknown or fired ids. */
  cancel(id: TimerId): void;
}

/**
 * Watchdog: resets the board when the firmware stops making progress.
 *
 * For driver authors (the app):
 * - The board arms the watchdog with its timeout before handing over the
 *   Hal. Call `kick()` from the place that proves progress (e.g. after a
 *   successful publish or sample), at least twice per timeout, never from
 *   a blind periodic timer (that only proves the event loop runs).
 * - A board without a usable watchdog (ESP8266, Linux) has no `watchdog`
 *   in its Hal.
 *
 * For board authors:
 * - Arm in manual mode (no automatic kicking from the idle loop).
 */

/** An armed watchdog. One required primitive. */
export interface Watchdog {
  /** Restarts the timeout. */
  kick(): void;
}

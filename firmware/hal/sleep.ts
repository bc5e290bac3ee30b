/**
 * Sleep: deep sleep, the battery node's off state.
 *
 * For driver authors (the app):
 * - `deepSleep(seconds)` powers the board down and wakes it after
 *   `seconds`; the board then BOOTS AFRESH: RAM, sockets and timers are
 *   gone, so persist what you need in Storage first and close the broker
 *   connection cleanly (DISCONNECT) so no will is published.
 * - It returns a SleepError when the board could not sleep, or undefined
 *   when the sleep is pending: the ESP8266 SDK powers down only after the
 *   current task ends, so stay idle (start nothing new) after a pending sleep.
 * - Durations are whole seconds, clamped to 1..MAX_DEEP_SLEEP_SECONDS.
 * - A board without deep sleep (Linux) has no `sleep` in its Hal: idle
 *   with the Clock instead.
 *
 * For board authors:
 * - Pass the platform an INTEGER microsecond count (`toMicros`); document
 *   the wake-up wiring (ESP8266: GPIO16 to RST).
 */

/** Longest sleep: 2^31 - 1 microseconds, the platforms' int32 argument. */
export const MAX_DEEP_SLEEP_SECONDS = 2147;

/** Why `deepSleep` failed. */
export type SleepError = 'SLEEP_FAILED';

/** Deep sleep. One required primitive. */
export interface Sleep {
  /** Sleeps `seconds` then reboots; returns undefined while the sleep is pending, a SleepError on failure. */
  deepSleep(seconds: number): SleepError | undefined;
}

/**
 * Whole microseconds for a sleep of `seconds`, clamped to
 * 1..MAX_DEEP_SLEEP_SECONDS seconds (non-numbers count as 1).
 */
export function toMicros(seconds: number): number {
  let whole = Math.round(seconds);
  if (!(whole >= 1)) whole = 1;
  if (whole > MAX_DEEP_SLEEP_SECONDS) whole = MAX_DEEP_SLEEP_SECONDS;
  // Math.round, not Math.floor: on Espruino Math.round returns an integer
  // value and Math.floor a float [src/jswrap_math.c], and ESP8266.deepSleep
  // rejects floats ("Invalid microseconds").
  return Math.round(whole * 1000 * 1000);
}

/**
 * System: the interpreter's own health figures, for telemetry.
 *
 * For driver authors (the app):
 * - `freeBlocks()` is the free JS heap in the platform's allocation units
 *   (Espruino: JsVar blocks of 12..16 bytes, after a garbage collection).
 *   It costs a collection: call it once per reading, not per message.
 *
 * For board authors:
 * - Leave `system` out of the Hal when the platform has no such figure.
 */

/** Interpreter health. One required primitive. */
export interface System {
  freeBlocks(): number;
}

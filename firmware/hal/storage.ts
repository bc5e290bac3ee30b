/**
 * Storage: small named byte strings in flash that survive reboots and
 * deep sleep (counters, session state, calibration).
 *
 * For driver authors (the app):
 * - Names are 1..28 characters (`MAX_NAME_LENGTH`); data is a non-empty
 *   byte string. `load` returns undefined for a missing file.
 * - The flash is JOURNALING: every `save` puts a fresh copy in unused
 *   flash and marks the old one as trash; the platform reclaims trash only
 *   when it runs out of room (Espruino compacts then, MOVING files). Each
 *   flash page takes ~10^4..10^5 erase cycles. So never write per message:
 *   write on change (`writeIfChanged`), at most every few minutes, or
 *   before sleep.
 * - Faults are values: `save` returns a StorageStatus.
 * - Erasing files and compacting are maintenance, done from the Espruino
 *   console (`require("Storage").eraseAll()`, `.compact()`) before flashing
 *   the firmware, not by it: the firmware never needs them, and on an
 *   ESP8266 every method costs RAM. Flash the firmware right after erasing
 *   Storage so the code sits at the start of flash.
 *
 * For board authors:
 * - Catch the platform's exceptions (full flash, bad names) and map them.
 */

/** Longest file name the platform stores without truncating. */
export const MAX_NAME_LENGTH = 28;

/** Result of a write. */
export type StorageStatus =
  | 'OK'
  | 'STORAGE_BAD_NAME' // empty or longer than MAX_NAME_LENGTH
  | 'STORAGE_EMPTY' // zero-length data cannot be stored
  | 'STORAGE_FULL' // no room even after the platform's own compaction
  | 'STORAGE_ERROR'; // any other platform fault

/**
 * A flash file store. `load` / `save` are the names of the MQTT core's
 * Store, so a Storage serves as the client's outbox store as it is.
 */
export interface Storage {
  /** The file's bytes, or undefined when it does not exist. */
  load(name: string): string | undefined;
  /** Replaces the whole file with `data` (a non-empty byte string). */
  save(name: string, data: string): StorageStatus;
}

/** True when `name` is a valid file name (1..MAX_NAME_LENGTH characters). */
export function isValidName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH;
}

/**
 * Writes `data` only when it differs from the stored file, sparing flash
 * wear; returns 'OK' without writing when it is unchanged.
 */
export function writeIfChanged(storage: Storage, name: string, data: string): StorageStatus {
  if (storage.load(name) === data) return 'OK';
  return storage.save(name, data);
}

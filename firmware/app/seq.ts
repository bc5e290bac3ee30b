/**
 * Telemetry sequence numbers: one more per reading, never reused, even
 * across reboots and power loss, without a flash write per reading.
 *
 * Flash holds a ceiling: a number that no reading has used yet. Numbers are
 * handed out below it; when they run out, a new ceiling RESERVE higher is
 * written first. After an unplanned reset the node resumes at the stored
 * ceiling, so a consumer sees a gap (at most RESERVE) but never a repeat.
 * A planned stop (deep sleep) calls `persist()`, which stores the exact next
 * number so that a sleeping node leaves no gaps.
 */
import type { Storage } from '../hal/storage';

/** Readings covered by one flash write in continuous mode. */
const RESERVE = 100;

export class SeqCounter {
  /** The number the next reading gets. */
  next: number;
  private ceiling_: number;
  private storage_: Storage;
  private name_: string;

  /** Resumes from `name` in `storage` (starting at 1 when absent or unreadable). */
  constructor(storage: Storage, name: string) {
    this.storage_ = storage;
    this.name_ = name;
    const stored = parseInt(storage.load(name) || '', 10);
    this.next = stored > 0 ? stored : 1;
    this.ceiling_ = this.next;
  }

  /** Returns the next number, first reserving a block in flash when needed. */
  take(): number {
    if (this.next >= this.ceiling_) {
      // Espruino deletes the old file before writing the new one: after a
      // failed write flash may hold nothing, so hand out no number until a
      // reservation is stored (0 = none; the caller skips the reading).
      if (this.storage_.save(this.name_, '' + (this.next + RESERVE)) !== 'OK') return 0;
      this.ceiling_ = this.next + RESERVE;
    }
    return this.next++;
  }

  /** Stores the exact next number (before a planned stop). */
  persist(): void {
    if (this.ceiling_ === this.next) return;
    this.ceiling_ = this.next;
    this.storage_.save(this.name_, '' + this.next);
  }
}

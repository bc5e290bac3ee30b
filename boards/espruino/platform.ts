/**
 * Clock, Log, Storage and System of every Espruino board in ONE object:
 * on a 1600-block ESP8266 every object and every method costs RAM (a
 * method ~6 blocks even with its body in flash), so the four small
 * services share one prototype and the board puts the same object in
 * hal.clock, hal.log, hal.storage and hal.system.
 *
 * Clock on getTime() (float seconds) and timers. getTime() jumps when the
 * clock is set (setTime, SNTP): `now()` absorbs backward jumps so it never
 * decreases. clearTimeout() WITHOUT an id clears every timer and
 * clearTimeout(undefined) throws [src/jswrap_interactive.c], so `cancel`
 * passes only numbers.
 *
 * Log on the console (the USB serial port on ESP boards, stdout on Linux):
 * one line per message, "<tag> <message>".
 *
 * Storage on require("Storage") [src/jswrap_storage.c]. Names longer than
 * 28 characters would be silently truncated by the platform (two names
 * could then share a file), so they are refused here; writing zero bytes
 * throws "Can't create zero length file", a full flash throws "Unable to
 * find or create file" [src/jsflash.c].
 *
 * System on process.memory() [src/jswrap_process.c]: `free` is in JsVar
 * blocks, measured after a garbage collection.
 */
import type { Clock, TimerId } from '../../firmware/hal/clock';
import type { Log, LogLevel } from '../../firmware/hal/log';
import { MAX_NAME_LENGTH, type Storage, type StorageStatus } from '../../firmware/hal/storage';
import type { System } from '../../firmware/hal/system';
import { messageOf } from './errors';

declare const setTimeout: EspruinoSetTimeout;
declare const setInterval: EspruinoSetTimeout;
declare const clearTimeout: EspruinoClearTimeout;
declare const console: EspruinoConsole;
declare const process: { memory(): { free: number } };

/** The Clock, Log, Storage and System of an Espruino board. */
export class EspruinoPlatform implements Clock, Log, Storage, System {
  /** Log: the lowest level written. */
  level: LogLevel;
  /** Added to the platform time to undo backward jumps. */
  offset_: number;
  last_: number;
  storage_: EspruinoStorageModule;

  /** `storage` is require("Storage"); messages below `level` are dropped. */
  constructor(storage: EspruinoStorageModule, level: LogLevel) {
    this.level = level;
    this.offset_ = 0;
    this.last_ = 0;
    this.storage_ = storage;
  }

  now(): number {
    let now = Math.floor(getTime() * 1000) + this.offset_;
    if (now < this.last_) {
      this.offset_ += this.last_ - now;
      now = this.last_;
    }
    this.last_ = now;
    return now;
  }

  schedule(callback: (this: void) => void, ms: number, repeat: boolean): TimerId {
    return repeat ? setInterval(callback, ms) : setTimeout(callback, ms);
  }

  cancel(id: TimerId): void {
    // Espruino keeps timeouts and intervals in one table: clearTimeout
    // removes either, and ignores ids that already fired.
    if (typeof id === 'number') clearTimeout(id);
  }

  write(level: LogLevel, message: string): void {
    if (level < this.level) return;
    try {
      // The tag of levelTag(level), without a function call (one function less in RAM).
      console.log('DIWE'.charAt(level) + ' ' + message);
    } catch (e) {
      // Logging never throws (contract), e.g. when out of memory.
    }
  }

  load(name: string): string | undefined {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;
    const data = this.storage_.read(name);
    // read() returns a string memory-mapped to flash [src/jswrap_storage.c];
    // substrings of it stay there too, and a later write or compaction moves
    // or overwrites those bytes. Copy to RAM: the outbox is parsed into
    // messages that must outlive the next flash write.
    return data === undefined ? undefined : E.toString(data);
  }

  save(name: string, data: string): StorageStatus {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) return 'STORAGE_BAD_NAME';
    if (data.length === 0) return 'STORAGE_EMPTY';
    try {
      return this.storage_.write(name, data) ? 'OK' : 'STORAGE_FULL';
    } catch (e) {
      return messageOf(e).indexOf('create file') >= 0 ? 'STORAGE_FULL' : 'STORAGE_ERROR';
    }
  }

  erase(name: string): void {
    if (name.length > 0 && name.length <= MAX_NAME_LENGTH) this.storage_.erase(name);
  }

  free(): number {
    return this.storage_.getFree();
  }

  compact(): void {
    this.storage_.compact();
  }

  freeBlocks(): number {
    return process.memory().free;
  }
}

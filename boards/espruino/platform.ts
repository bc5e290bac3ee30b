/**
 * Clock, Log, Storage and System of every Espruino board in ONE plain
 * object: on a 1600-block ESP8266 every object, method and class costs RAM
 * (a method ~5 blocks even with its body in flash, a class ~10 more), so
 * the four small services are one singleton, and the board puts the same
 * object in hal.clock, hal.log, hal.storage and hal.system. It implements
 * only what the firmware calls.
 *
 * Clock on getTime() (float seconds) and setInterval. getTime() jumps when
 * the clock is set (setTime, SNTP): `now()` absorbs backward jumps so it
 * never decreases. `every` IS the global setInterval, a native function
 * that ignores `this`: no JavaScript function in RAM for it.
 *
 * Log on the console (the USB serial port on ESP boards, stdout on Linux):
 * one line per message, "<tag> <message>". A board may lower `level`.
 *
 * Storage on require("Storage") [src/jswrap_storage.c], looked up at each
 * call (a built-in module: no field to hold it). Names longer than 28
 * characters would be silently truncated by the platform (two names could
 * then share a file), so they are refused here; writing zero bytes throws
 * "Can't create zero length file", a full flash throws "Unable to find or
 * create file" [src/jsflash.c].
 *
 * System on process.memory() [src/jswrap_process.c]: `free` is in JsVar
 * blocks, measured after a garbage collection.
 */
import type { Clock } from '../../firmware/hal/clock';
import { LogLevel, type Log } from '../../firmware/hal/log';
import { MAX_NAME_LENGTH, type Storage, type StorageStatus } from '../../firmware/hal/storage';
import type { System } from '../../firmware/hal/system';
import { messageOf } from './errors';

declare const require: EspruinoRequire;
declare const setInterval: EspruinoSetTimeout;
declare const console: EspruinoConsole;
declare const process: { memory(): { free: number } };

/** The Clock, Log, Storage and System of an Espruino board. Members ending in `_` are its state. */
export interface EspruinoPlatform extends Clock, Log, Storage, System {
  /** Log: the lowest level written (INFO unless a board lowers it). */
  level: LogLevel;
  /** Added to the platform time to undo backward jumps. */
  offset_: number;
  /** The last time `now()` returned. */
  last_: number;
}

/** The one platform object of the board (the Espruino modules are singletons too). */
export const espruinoPlatform: EspruinoPlatform = {
  level: LogLevel.INFO,
  offset_: 0,
  last_: 0,

  now(): number {
    let now = Math.floor(getTime() * 1000) + this.offset_;
    if (now < this.last_) {
      this.offset_ += this.last_ - now;
      now = this.last_;
    }
    this.last_ = now;
    return now;
  },

  every: setInterval,

  write(level: LogLevel, message: string): void {
    if (level < this.level) return;
    try {
      // The tag of levelTag(level), without a function call (one function less in RAM).
      console.log('DIWE'.charAt(level) + ' ' + message);
    } catch (e) {
      // Logging never throws (contract), e.g. when out of memory.
    }
  },

  load(name: string): string | undefined {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;
    const data = require('Storage').read(name);
    // read() returns a string memory-mapped to flash [src/jswrap_storage.c];
    // substrings of it stay there too, and a later write or compaction moves
    // or overwrites those bytes. Copy to RAM: the outbox is parsed into
    // messages that must outlive the next flash write.
    return data === undefined ? undefined : E.toString(data);
  },

  save(name: string, data: string): StorageStatus {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) return 'STORAGE_BAD_NAME';
    if (data.length === 0) return 'STORAGE_EMPTY';
    try {
      return require('Storage').write(name, data) ? 'OK' : 'STORAGE_FULL';
    } catch (e) {
      return messageOf(e).indexOf('create file') >= 0 ? 'STORAGE_FULL' : 'STORAGE_ERROR';
    }
  },

  freeBlocks(): number {
    return process.memory().free;
  },
};

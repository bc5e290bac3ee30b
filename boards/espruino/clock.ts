/**
 * Clock on Espruino's getTime() (float seconds) and timers. getTime() jumps
 * when the clock is set (setTime, SNTP): `now()` absorbs backward jumps so
 * it never decreases. clearTimeout() WITHOUT an id clears every timer and
 * clearTimeout(undefined) throws [src/jswrap_interactive.c], so `cancel`
 * passes only numbers.
 */
import type { Clock, TimerId } from '../../firmware/hal/clock';

declare const setTimeout: EspruinoSetTimeout;
declare const setInterval: EspruinoSetTimeout;
declare const clearTimeout: EspruinoClearTimeout;

class EspruinoClock implements Clock {
  /** Added to the platform time to undo backward jumps. */
  offset: number;
  last: number;

  constructor() {
    this.offset = 0;
    this.last = 0;
  }

  now(): number {
    let now = Math.floor(getTime() * 1000) + this.offset;
    if (now < this.last) {
      this.offset += this.last - now;
      now = this.last;
    }
    this.last = now;
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
}

/** Builds the Clock of an Espruino board. */
export function createEspruinoClock(): Clock {
  return new EspruinoClock();
}

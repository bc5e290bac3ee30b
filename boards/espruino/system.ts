/**
 * System on Espruino's process.memory() [src/jswrap_process.c]: `free` is
 * in JsVar blocks and is measured after a garbage collection.
 */
import type { System } from '../../firmware/hal/system';

declare const process: { memory(): { free: number } };

class EspruinoSystem implements System {
  freeBlocks(): number {
    return process.memory().free;
  }
}

/** Builds the System of an Espruino board. */
export function createEspruinoSystem(): System {
  return new EspruinoSystem();
}

/**
 * OneWire on Espruino's OneWire class [src/jswrap_onewire.c]. `write`
 * takes a byte string directly (it iterates character codes); `read(n)`
 * returns a Uint8Array, turned into a byte string here.
 */
import type { OneWire as OneWireBus } from '../../firmware/hal/onewire';

class EspruinoOneWire implements OneWireBus {
  bus: EspruinoOneWireBus;

  constructor(bus: EspruinoOneWireBus) {
    this.bus = bus;
  }

  reset(): boolean {
    return this.bus.reset();
  }

  write(data: string, power: boolean): void {
    this.bus.write(data, power);
  }

  read(count: number): string {
    return E.toString(this.bus.read(count));
  }

  search(): string[] {
    return this.bus.search() || [];
  }
}

/** Builds a OneWire on `new OneWire(pin)` created by the board. */
export function createEspruinoOneWire(bus: EspruinoOneWireBus): OneWireBus {
  return new EspruinoOneWire(bus);
}

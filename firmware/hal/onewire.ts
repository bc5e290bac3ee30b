/**
 * OneWire: a Dallas/Maxim 1-Wire bus master on one pin.
 *
 * For driver authors:
 * - Byte data is a byte string. ROM codes are 16 lowercase hex characters,
 *   family code first (e.g. "28ff6a3c011603c1"), as `search()` returns them.
 * - A transaction is `reset()` (true when a device answered with a presence
 *   pulse), a ROM command (`selectRom` / `skipRom` below), then `write` /
 *   `read`. Pass `power: true` on the write that starts a conversion of a
 *   parasite-powered device (strong pull-up until the next bus operation).
 * - Calls are synchronous and bit-timed: a byte takes ~0.5 ms.
 * - An absent device is not an exception: `reset()` is false and reads
 *   return 0xFF bytes; check presence and the device's CRC.
 *
 * For board authors:
 * - Build one OneWire per pin in the board file; wire a 4.7 kOhm pull-up.
 */

/** 1-Wire ROM commands (Maxim AN187). */
export const enum RomCommand {
  MATCH_ROM = 0x55,
  SKIP_ROM = 0xcc,
}

/** One 1-Wire bus. */
export interface OneWire {
  /** Reset pulse; true if at least one device answered with presence. */
  reset(): boolean;
  /** Writes a byte string; `power` keeps the line driven high afterwards. */
  write(data: string, power: boolean): void;
  /** Reads `count` bytes as a byte string. */
  read(count: number): string;
  /** Search ROM: the ROM codes of all devices on the bus. */
  search(): string[];
}

/**
 * Resets the bus and addresses the device `rom` (16 hex characters).
 * Returns the presence flag of the reset; false means nobody answered.
 */
export function selectRom(bus: OneWire, rom: string): boolean {
  if (!bus.reset()) return false;
  let command = String.fromCharCode(RomCommand.MATCH_ROM);
  for (let i = 0; i < 16; i += 2) {
    command += String.fromCharCode(parseInt(rom.substring(i, i + 2), 16));
  }
  bus.write(command, false);
  return true;
}

/**
 * Resets the bus and addresses every device at once (only valid with one
 * device, or for broadcast commands). Returns the presence flag.
 */
export function skipRom(bus: OneWire): boolean {
  if (!bus.reset()) return false;
  bus.write(String.fromCharCode(RomCommand.SKIP_ROM), false);
  return true;
}

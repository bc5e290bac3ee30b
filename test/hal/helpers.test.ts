/**
 * Pure HAL helpers on scripted fakes: I2C register access, 1-Wire ROM
 * commands, Storage wear helpers, ADC conversions, deep-sleep micros, log.
 */
import { readAverage, readMillivolts, type Adc } from '../../firmware/hal/adc';
import {
  isI2cError,
  readRegister,
  readRegisterByte,
  writeRegister,
  type I2c,
  type I2cResult,
} from '../../firmware/hal/i2c';
import { enabled, levelTag, LogLevel, type Log } from '../../firmware/hal/log';
import { selectRom, skipRom, type OneWire } from '../../firmware/hal/onewire';
import { MAX_DEEP_SLEEP_SECONDS, toMicros } from '../../firmware/hal/sleep';
import { isValidName, writeIfChanged, type Storage, type StorageStatus } from '../../firmware/hal/storage';

/** An I2c that replays scripted results and records every transaction. */
function scriptedI2c(results: I2cResult[]): I2c & { log: [number, string, number][] } {
  const log: [number, string, number][] = [];
  return {
    log,
    writeRead(address, write, readLength) {
      log.push([address, write, readLength]);
      const next = results.shift();
      if (next === undefined) throw new Error('unscripted transaction');
      return next;
    },
  };
}

const bytes = (...b: number[]): string => String.fromCharCode(...b);

describe('i2c helpers', () => {
  test('readRegister writes the register pointer and reads n bytes in one transaction', () => {
    const bus = scriptedI2c([bytes(0x60, 0x01)]);
    expect(readRegister(bus, 0x76, 0xd0, 2)).toBe(bytes(0x60, 0x01));
    expect(bus.log).toEqual([[0x76, bytes(0xd0), 2]]);
  });

  test('writeRegister sends register then value, reads nothing', () => {
    const bus = scriptedI2c(['', '']);
    expect(writeRegister(bus, 0x76, 0xf4, 0x27)).toBe('');
    expect(writeRegister(bus, 0x76, 0xf4, bytes(1, 2))).toBe('');
    expect(bus.log).toEqual([
      [0x76, bytes(0xf4, 0x27), 0],
      [0x76, bytes(0xf4, 1, 2), 0],
    ]);
  });

  test('readRegisterByte returns 0..255 and passes a NACK through as a value', () => {
    const nack = { code: 'I2C_NACK' as const, message: 'no ACK' };
    const bus = scriptedI2c([bytes(0xff), nack]);
    expect(readRegisterByte(bus, 0x40, 0)).toBe(255);
    const second = readRegisterByte(bus, 0x40, 0);
    expect(second).toEqual(nack);
    expect(isI2cError(nack)).toBe(true);
    expect(isI2cError('')).toBe(false);
  });
});

/** A 1-Wire bus recording writes, with a settable presence answer. */
function fakeOneWire(presence: boolean): OneWire & { writes: [string, boolean][]; resets: number } {
  const bus = {
    writes: [] as [string, boolean][],
    resets: 0,
    reset() {
      bus.resets++;
      return presence;
    },
    write(data: string, power: boolean) {
      bus.writes.push([data, power]);
    },
    read(count: number) {
      return '\xff'.repeat(count);
    },
    search() {
      return [];
    },
  };
  return bus;
}

describe('1-Wire helpers', () => {
  test('selectRom resets, then sends MATCH ROM and the 8 ROM bytes in order', () => {
    const bus = fakeOneWire(true);
    expect(selectRom(bus, '28ff6a3c011603c1')).toBe(true);
    expect(bus.resets).toBe(1);
    expect(bus.writes).toEqual([[bytes(0x55, 0x28, 0xff, 0x6a, 0x3c, 0x01, 0x16, 0x03, 0xc1), false]]);
  });

  test('skipRom sends SKIP ROM; without presence nothing is written', () => {
    const present = fakeOneWire(true);
    expect(skipRom(present)).toBe(true);
    expect(present.writes).toEqual([[bytes(0xcc), false]]);
    const absent = fakeOneWire(false);
    expect(skipRom(absent)).toBe(false);
    expect(selectRom(absent, '28ff6a3c011603c1')).toBe(false);
    expect(absent.writes).toEqual([]);
  });
});

/** An in-memory Storage counting writes. */
function memoryStorage(): Storage & { writes: number } {
  const files: Record<string, string> = {};
  const s = {
    writes: 0,
    load: (name: string) => files[name],
    save(name: string, data: string): StorageStatus {
      s.writes++;
      files[name] = data;
      return 'OK';
    },
  };
  return s;
}

describe('storage helpers', () => {
  test('writeIfChanged skips identical data (flash wear) and writes changes', () => {
    const st = memoryStorage();
    expect(writeIfChanged(st, 'seq', 'a')).toBe('OK');
    expect(writeIfChanged(st, 'seq', 'a')).toBe('OK');
    expect(st.writes).toBe(1);
    writeIfChanged(st, 'seq', 'b');
    expect(st.writes).toBe(2);
    expect(st.load('seq')).toBe('b');
  });

  test('names must be 1..28 characters', () => {
    expect(isValidName('')).toBe(false);
    expect(isValidName('x'.repeat(28))).toBe(true);
    expect(isValidName('x'.repeat(29))).toBe(false);
  });
});

describe('adc helpers', () => {
  test('readAverage averages n readings and readMillivolts scales and rounds', () => {
    const values = [0.5, 0.25, 0.75, 0.5];
    const adc: Adc = { fullScaleMillivolts: 3300, read: () => values.shift() as number };
    expect(readAverage(adc, 3)).toBeCloseTo(0.5);
    expect(readMillivolts(adc)).toBe(1650);
  });
});

describe('toMicros (deep sleep argument)', () => {
  test('whole seconds become integer microseconds', () => {
    expect(toMicros(60)).toBe(60000000);
    expect(Number.isInteger(toMicros(59.6))).toBe(true);
    expect(toMicros(59.6)).toBe(60000000);
  });

  test('clamps to 1..MAX_DEEP_SLEEP_SECONDS so the value fits an int32', () => {
    expect(toMicros(0)).toBe(1000000);
    expect(toMicros(Number.NaN)).toBe(1000000);
    expect(toMicros(3600)).toBe(MAX_DEEP_SLEEP_SECONDS * 1000000);
    expect(toMicros(1e9)).toBeLessThanOrEqual(2147483647);
  });
});

describe('log helpers', () => {
  test('enabled honours the threshold and levelTag names each level', () => {
    const log: Log = { level: LogLevel.WARN, write: () => undefined };
    expect(enabled(log, LogLevel.INFO)).toBe(false);
    expect(enabled(log, LogLevel.ERROR)).toBe(true);
    expect([LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR].map(levelTag)).toEqual(['D', 'I', 'W', 'E']);
  });
});

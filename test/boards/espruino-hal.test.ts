/**
 * The other boards/espruino implementations against hand-written fakes of
 * the Espruino globals (E, getTime, ESP8266, ESP32) and modules.
 */
import { createEspruinoI2c } from '../../boards/espruino/i2c';
import { createEspruinoOneWire } from '../../boards/espruino/onewire';
import { espruinoPlatform } from '../../boards/espruino/platform';
import { esp32Sleep, esp8266Sleep } from '../../boards/espruino/sleep';
import { espruinoWifi } from '../../boards/espruino/wifi';
import { LogLevel } from '../../firmware/hal/log';
import type { WifiError } from '../../firmware/hal/wifi';

const g = globalThis as Record<string, unknown>;

/** require("Storage") as the platform sees it: a virtual module delegating to the current fake. */
const storageModule: { current: { read(n: string): string | undefined; write(n: string, d: string): boolean } | undefined } = { current: undefined };
jest.mock('Storage', () => ({
  read: (n: string) => storageModule.current!.read(n),
  write: (n: string, d: string) => storageModule.current!.write(n, d),
}), { virtual: true });

/** require("Wifi") likewise: the current fake Wifi module. */
const wifiModule: { current: unknown } = { current: undefined };
jest.mock('Wifi', () => new Proxy({}, { get: (_t, k) => (wifiModule.current as Record<string | symbol, unknown>)[k] }), { virtual: true });
const bytes = (...b: number[]): string => String.fromCharCode(...b);

/** Espruino's E.toString: a typed array or (flash) string to a byte string in RAM; counts string copies. */
const fakeE = {
  copies: 0,
  toString(v: Uint8Array | string): string {
    if (typeof v !== 'string') return String.fromCharCode(...Array.from(v));
    fakeE.copies++;
    return v;
  },
};

beforeAll(() => {
  g.E = fakeE;
});
afterAll(() => {
  delete g.E;
  delete g.getTime;
  delete g.ESP8266;
  delete g.ESP32;
});

/** A fake I2C1 that throws `failure` from writeTo when set. */
function fakeBus(failure?: string) {
  const bus = {
    calls: [] as unknown[],
    writeTo(address: unknown, data: string) {
      bus.calls.push(['writeTo', typeof address === 'object' ? { ...(address as object) } : address, data]);
      if (failure) throw new Error(failure);
    },
    readFrom(address: number, n: number) {
      bus.calls.push(['readFrom', address, n]);
      return new Uint8Array([0x58, 0x01, 0xff].slice(0, n));
    },
    setup() {},
  };
  return bus;
}

describe('espruino i2c', () => {
  test('writeRead uses a repeated start (stop:false) and returns a byte string', () => {
    const bus = fakeBus();
    const i2c = createEspruinoI2c(bus as never);
    expect(i2c.writeRead(0x77, bytes(0xd0), 2)).toBe(bytes(0x58, 0x01));
    expect(bus.calls).toEqual([
      ['writeTo', { address: 0x77, stop: false }, bytes(0xd0)],
      ['readFrom', 0x77, 2],
    ]);
  });

  test('a pure write sends a STOP and returns the empty string', () => {
    const bus = fakeBus();
    expect(createEspruinoI2c(bus as never).writeRead(0x77, bytes(0xf4, 0x27), 0)).toBe('');
    expect(bus.calls).toEqual([['writeTo', 0x77, bytes(0xf4, 0x27)]]);
  });

  test.each([
    ["jshI2CWrite: slave doesn't ACK the transfer", 'I2C_NACK'], // ESP32
    ['I2CWrite: No ACK 0', 'I2C_NACK'], // ESP8266
    ['I2C Error: Timeout (wr)', 'I2C_TIMEOUT'], // software I2C
    ['jshI2CWrite:, Parameter error', 'I2C_BUS_ERROR'],
  ])('platform exception %p becomes %s, never an exception', (message, code) => {
    const i2c = createEspruinoI2c(fakeBus(message) as never);
    let result: unknown;
    expect(() => (result = i2c.writeRead(0x40, bytes(0), 1))).not.toThrow();
    expect(result).toEqual({ code, message });
  });
});

describe('espruino onewire', () => {
  test('read turns the Uint8Array into a byte string; write passes bytes and power', () => {
    const writes: unknown[] = [];
    const fake = {
      reset: () => true,
      write: (d: string, p: boolean) => writes.push([d, p]),
      read: (n: number) => new Uint8Array(n).fill(0xaa),
      search: () => ['28ff6a3c011603c1'],
    };
    const ow = createEspruinoOneWire(fake as never);
    expect(ow.read(2)).toBe(bytes(0xaa, 0xaa));
    ow.write(bytes(0x44), true);
    expect(writes).toEqual([[bytes(0x44), true]]);
    expect(ow.search()).toEqual(['28ff6a3c011603c1']);
  });
});

describe('espruino storage', () => {
  function fakeStorage(writeThrows?: string) {
    const files: Record<string, string> = {};
    return {
      files,
      read: (n: string) => files[n],
      write(n: string, d: string) {
        if (writeThrows) throw new Error(writeThrows);
        files[n] = d;
        return true;
      },
    };
  }

  test('round-trips byte strings and refuses names the platform would truncate', () => {
    const mod = (storageModule.current = fakeStorage());
    const st = espruinoPlatform;
    expect(st.save('outbox', bytes(0, 255, 10))).toBe('OK');
    const copies = fakeE.copies;
    expect(st.load('outbox')).toBe(bytes(0, 255, 10));
    // read() is memory-mapped flash on Espruino: load() hands out a RAM copy (E.toString).
    expect(fakeE.copies).toBe(copies + 1);
    expect(st.load('missing')).toBeUndefined();
    expect(st.save('x'.repeat(29), 'a')).toBe('STORAGE_BAD_NAME');
    expect(st.load('x'.repeat(29))).toBeUndefined();
    expect(st.save('empty', '')).toBe('STORAGE_EMPTY');
    expect(Object.keys(mod.files)).toEqual(['outbox']);
  });

  test('platform exceptions become status values', () => {
    storageModule.current = fakeStorage('Unable to find or create file');
    expect(espruinoPlatform.save('a', 'b')).toBe('STORAGE_FULL');
    storageModule.current = fakeStorage('something else');
    expect(espruinoPlatform.save('a', 'b')).toBe('STORAGE_ERROR');
  });
});

describe('espruino log', () => {
  test('writes "<tag> <message>" lines at or above the level, never throws', () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
    const log = espruinoPlatform;
    expect(log.level).toBe(LogLevel.INFO);
    try {
      log.write(LogLevel.DEBUG, 'hidden');
      log.write(LogLevel.INFO, 'up');
      log.write(LogLevel.ERROR, 'bad');
      spy.mockImplementation(() => {
        throw new Error('out of memory');
      });
      expect(() => log.write(LogLevel.WARN, 'lost')).not.toThrow();
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual(['I up', 'E bad']);
  });
});

describe('espruino clock', () => {
  test('now() is integer milliseconds and never goes backwards when getTime is set back', () => {
    let t = 100.0015;
    g.getTime = () => t;
    const clock = espruinoPlatform;
    clock.offset_ = 0;
    clock.last_ = 0;
    expect(clock.now()).toBe(100001);
    t = 50; // setTime() moved the wall clock back
    expect(clock.now()).toBe(100001);
    t = 51;
    expect(clock.now()).toBe(101001);
  });

  test('every() is the platform setInterval', () => {
    // The board's global setInterval, as it was when the platform object was built.
    const saved = g.setInterval;
    const calls: unknown[] = [];
    const tick = () => undefined;
    g.setInterval = (cb: unknown, ms: number) => (calls.push([cb, ms]), 2);
    try {
      jest.isolateModules(() => {
        const fresh = (require('../../boards/espruino/platform') as typeof import('../../boards/espruino/platform')).espruinoPlatform;
        fresh.every(tick, 1000);
      });
    } finally {
      g.setInterval = saved;
    }
    expect(calls).toEqual([[tick, 1000]]);
  });
});

describe('espruino system', () => {
  test('freeBlocks() is process.memory().free', () => {
    // Espruino's process.memory() (Node has none): {free, usage, total, blocksize} in blocks.
    const p = process as unknown as Record<string, unknown>;
    p.memory = () => ({ free: 812, usage: 788, total: 1600, blocksize: 12 });
    try {
      expect(espruinoPlatform.freeBlocks()).toBe(812);
    } finally {
      delete p.memory;
    }
  });
});

describe('espruino sleep', () => {
  test('ESP8266 gets an integer microsecond count (it throws on floats)', () => {
    const calls: number[] = [];
    g.ESP8266 = {
      deepSleep(us: number) {
        if (!Number.isInteger(us)) throw new Error('Invalid microseconds');
        calls.push(us);
      },
    };
    // ESP8266.deepSleep returns (the SDK powers down after this task): the sleep is pending.
    expect(esp8266Sleep.deepSleep(300.4)).toBeUndefined();
    expect(esp8266Sleep.deepSleep(7200)).toBeUndefined();
    expect(calls).toEqual([300000000, 2147000000]);
  });

  test('ESP8266 reports a failure when the platform refuses', () => {
    g.ESP8266 = {
      deepSleep() {
        throw new Error('Invalid microseconds');
      },
    };
    expect(esp8266Sleep.deepSleep(10)).toBe('SLEEP_FAILED');
  });

  test('ESP32: a deepSleep that returns has failed', () => {
    g.ESP32 = { deepSleep() { /* the real call never returns */ } };
    expect(esp32Sleep.deepSleep(10)).toBe('SLEEP_FAILED');
  });

  test('a throwing platform call does not escape', () => {
    g.ESP32 = {
      deepSleep() {
        throw new Error('boom');
      },
    };
    expect(esp32Sleep.deepSleep(10)).toBe('SLEEP_FAILED');
  });
});

describe('espruino wifi', () => {
  function fakeWifi() {
    const w = {
      handlers: {} as Record<string, (d: unknown) => void>,
      joins: [] as unknown[],
      cb: undefined as undefined | ((err: string | null) => void),
      on(e: string, h: (d: unknown) => void) {
        w.handlers[e] = h;
      },
      connect(ssid: string, options: unknown, cb: (err: string | null) => void) {
        w.joins.push([ssid, options]);
        w.cb = cb;
      },
      getIP: () => ({ ip: '10.0.0.7' }),
      getDetails: () => ({ status: 'connected', rssi: -61 }),
    };
    return w;
  }

  /** The board's one Wifi, as after boot, on a fresh fake module. */
  function boot(w: unknown) {
    wifiModule.current = w;
    espruinoWifi.l_ = undefined;
    espruinoWifi.up_ = false;
    return espruinoWifi;
  }

  function listen() {
    const events: unknown[] = [];
    return { events, listener: { onWifiUp: (ip: string) => events.push(['up', ip]), onWifiDown: (e: WifiError) => events.push(['down', e.code]) } };
  }

  test('callback and connected event make one onWifiUp; a drop makes one onWifiDown', () => {
    const w = fakeWifi();
    const wifi = boot(w);
    const l = listen();
    wifi.join('lab', 'secret', l.listener);
    expect(w.joins).toEqual([['lab', { password: 'secret' }]]);
    expect(wifi.rssi && wifi.rssi()).toBeUndefined();
    w.cb!(null);
    w.handlers.connected({ ip: '10.0.0.7' });
    expect(wifi.rssi && wifi.rssi()).toBe(-61);
    w.handlers.disconnected({ reason: 'beacon_timeout' });
    w.handlers.disconnected({ reason: 'beacon_timeout' }); // platform retry noise
    w.handlers.connected({ ip: '10.0.0.8' });
    expect(l.events).toEqual([['up', '10.0.0.7'], ['down', 'WIFI_LOST'], ['up', '10.0.0.8']]);
  });

  test('a failing getIP still reports the link up; a throwing connect is WIFI_FAILED', () => {
    const w = fakeWifi();
    w.getIP = () => {
      throw new Error('no ip');
    };
    const l = listen();
    boot(w).join('lab', 'x', l.listener);
    w.cb!(null);
    expect(l.events).toEqual([['up', '']]);
    const w2 = fakeWifi();
    w2.connect = () => {
      throw new Error('Wifi not started');
    };
    const l2 = listen();
    boot(w2).join('lab', 'x', l2.listener);
    expect(l2.events).toEqual([['down', 'WIFI_FAILED']]);
  });

  test('a bad password is WIFI_AUTH; listener exceptions do not escape', () => {
    const w = fakeWifi();
    const l = listen();
    boot(w).join('lab', 'wrong', l.listener);
    w.cb!('auth_fail');
    expect(l.events).toEqual([['down', 'WIFI_AUTH']]);
    const w2 = fakeWifi();
    boot(w2).join('lab', 'x', {
      onWifiUp: () => {
        throw new Error('app bug');
      },
      onWifiDown: () => undefined,
    });
    expect(() => w2.cb!(null)).not.toThrow();
  });
});

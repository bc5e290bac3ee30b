/**
 * boards/espruino/net.ts against a hand-written fake of Espruino's net/tls
 * modules: the platform's quirks (DNS throw, error events, throwing
 * writes, unbounded queue) must come out as the HAL contract's values.
 */
import { espruinoConnect, type EspruinoNet } from '../../boards/espruino/net';
import type { Connection, NetError, NetListener } from '../../firmware/hal/transport';

type Handler = (this: unknown, arg?: unknown) => void;

/** A fake Espruino socket: records writes, emits events on demand. */
class FakeSocket {
  handlers: Record<string, Handler> = {};
  written: string[] = [];
  ended = false;
  closed = false;
  onConnect: Handler;
  constructor(onConnect: Handler) {
    this.onConnect = onConnect;
  }
  on(event: string, handler: Handler): void {
    this.handlers[event] = handler;
  }
  write(data: string): boolean {
    if (this.closed) throw new Error('This socket is closed');
    this.written.push(data);
    return false;
  }
  end(): void {
    this.ended = true;
  }
  /**
   * Delivers a platform event the way Espruino's idle loop would: `this` is
   * the socket, and the connect callback also gets it as its argument
   * [socketserver.c jsiQueueObjectCallbacks].
   */
  emit(event: string, arg?: unknown): void {
    if (event === 'connect') return this.onConnect.call(this, this);
    if (event === 'close') this.closed = true;
    const h = this.handlers[event];
    if (h) h.call(this, arg);
  }
}

/** A fake `require("net")`; `failWith` makes connect throw like ESP32 DNS. */
function fakeNetModule(failWith?: string) {
  const mod = {
    sockets: [] as FakeSocket[],
    options: [] as unknown[],
    connect(options: unknown, cb: Handler) {
      mod.options.push(options);
      if (failWith) throw new Error(failWith);
      const s = new FakeSocket(cb);
      mod.sockets.push(s);
      return s as unknown as EspruinoSocket;
    },
  };
  return mod;
}

/** A listener recording every call as [event, detail]. */
function recorder(overrides: Partial<NetListener> = {}) {
  const events: [string, unknown][] = [];
  const listener: NetListener = {
    onOpen: (c: Connection) => events.push(['open', c]),
    onOpenFailed: (_c: Connection, e: NetError) => events.push(['openFailed', e.code]),
    onData: (_c: Connection, chunk: string) => events.push(['data', chunk]),
    onDrain: () => events.push(['drain', undefined]),
    onClose: (_c: Connection, e: NetError | undefined) => events.push(['close', e && e.code]),
    ...overrides,
  };
  return { events, listener };
}

/** The Net a board file builds: its modules, its RAM guard and the shared connect. */
function makeNet(tcp: unknown, tls: unknown, maxQueued: number): EspruinoNet {
  return { tcp_: tcp as EspruinoNetModule, tls_: tls as EspruinoNetModule | undefined, maxQueued_: maxQueued, connect: espruinoConnect };
}

const TCP = { host: 'broker.lan', port: 1883, tls: false };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('espruino net: opening', () => {
  test('ESP32 DNS failure thrown by connect becomes DNS_FAILED, reported later', () => {
    const net = makeNet(fakeNetModule('Unable to locate host') as never, undefined, 0);
    const r = recorder();
    expect(() => net.connect(TCP, r.listener)).not.toThrow();
    expect(r.events).toEqual([]); // never from inside connect()
    jest.runAllTimers();
    expect(r.events).toEqual([['openFailed', 'DNS_FAILED']]);
  });

  test('connect while Wi-Fi is down becomes OFFLINE', () => {
    const net = makeNet(fakeNetModule('Not connected to the internet') as never, undefined, 0);
    const r = recorder();
    net.connect(TCP, r.listener);
    jest.runAllTimers();
    expect(r.events).toEqual([['openFailed', 'OFFLINE']]);
  });

  test('ESP8266 DNS failure (error -6 then close) becomes one DNS_FAILED', () => {
    const mod = fakeNetModule();
    const r = recorder();
    makeNet(mod as never, undefined, 0).connect(TCP, r.listener);
    mod.sockets[0].emit('error', { code: -6, message: 'not found' });
    mod.sockets[0].emit('close', true);
    expect(r.events).toEqual([['openFailed', 'DNS_FAILED']]);
  });

  test('TLS on a board without tls fails with TLS_UNSUPPORTED and opens no socket', () => {
    const mod = fakeNetModule();
    const r = recorder();
    makeNet(mod as never, undefined, 0).connect({ ...TCP, tls: true }, r.listener);
    jest.runAllTimers();
    expect(r.events).toEqual([['openFailed', 'TLS_UNSUPPORTED']]);
    expect(mod.sockets).toHaveLength(0);
  });

  test('TLS uses the tls module and passes certificates through', () => {
    const tcp = fakeNetModule();
    const tls = fakeNetModule();
    const r = recorder();
    makeNet(tcp as never, tls as never, 0).connect({ ...TCP, tls: true, ca: 'CA' }, r.listener);
    expect(tcp.sockets).toHaveLength(0);
    expect(tls.options).toEqual([{ host: 'broker.lan', port: 1883, ca: 'CA' }]);
    tls.sockets[0].emit('connect');
    expect(r.events.map((e) => e[0])).toEqual(['open']);
  });

  test('close() before open aborts: ABORTED once, later socket events ignored', () => {
    const mod = fakeNetModule();
    const r = recorder();
    const c = makeNet(mod as never, undefined, 0).connect(TCP, r.listener);
    c.close();
    expect(mod.sockets[0].ended).toBe(true);
    mod.sockets[0].emit('connect');
    mod.sockets[0].emit('close', false);
    jest.runAllTimers();
    expect(r.events).toEqual([['openFailed', 'ABORTED']]);
  });
});

describe('espruino net: open connection', () => {
  function open(maxQueued = 0, highWater?: number) {
    const mod = fakeNetModule();
    const r = recorder();
    const c = makeNet(mod as never, undefined, maxQueued).connect({ ...TCP, highWater }, r.listener);
    const s = mod.sockets[0];
    s.emit('connect');
    return { c, s, r };
  }

  test('data chunks reach the listener in order', () => {
    const { s, r } = open();
    s.emit('data', '\x20\x02');
    s.emit('data', '\x00\x00');
    expect(r.events.slice(1)).toEqual([['data', '\x20\x02'], ['data', '\x00\x00']]);
  });

  test('a throwing data listener never throws into the platform; the link closes with HANDLER_THREW', () => {
    const mod = fakeNetModule();
    const closes: (string | undefined)[] = [];
    const r = recorder({
      onData: () => {
        throw new Error('consumer bug');
      },
      onClose: (_c, e) => closes.push(e && e.code),
    });
    makeNet(mod as never, undefined, 0).connect(TCP, r.listener);
    const s = mod.sockets[0];
    s.emit('connect');
    expect(() => s.emit('data', 'x')).not.toThrow();
    expect(s.ended).toBe(true);
    s.emit('close', false);
    expect(closes).toEqual(['HANDLER_THREW']);
  });

  test('write queues byte strings and signals back-pressure above highWater; drain resets', () => {
    const { c, s, r } = open(0, 4);
    expect(c.write('abc')).toBe(true);
    expect(c.write('de')).toBe(false); // 5 > 4: still queued
    expect(s.written).toEqual(['abc', 'de']);
    s.emit('drain');
    expect(r.events[r.events.length - 1][0]).toBe('drain');
    // The count starts again from 0: 3 <= 4.
    expect(c.write('fgh')).toBe(true);
  });

  test('drain also resets the maxQueued count', () => {
    const { c, s, r } = open(8);
    expect(c.write('12345')).toBe(true);
    s.emit('drain');
    expect(c.write('6789')).toBe(true); // 4 since the drain, not 9
    expect(s.written).toEqual(['12345', '6789']);
    expect(s.ended).toBe(false);
    expect(r.events.map((e) => e[0])).toEqual(['open', 'drain']);
  });

  test('a write over maxQueued is refused and closes with SEND_BUFFER_FULL', () => {
    const { c, s, r } = open(8);
    expect(c.write('12345')).toBe(true);
    expect(c.write('6789')).toBe(false);
    expect(s.written).toEqual(['12345']);
    expect(s.ended).toBe(true);
    s.emit('close', false);
    expect(r.events[r.events.length - 1]).toEqual(['close', 'SEND_BUFFER_FULL']);
  });

  test('write after close is guarded: false, nothing thrown, nothing written', () => {
    const { c, s } = open();
    s.closed = true; // the platform closed it; its close event is not yet dispatched
    expect(() => c.write('x')).not.toThrow();
    expect(c.write('x')).toBe(false);
    s.emit('close', true);
    expect(c.write('y')).toBe(false);
    c.close(); // idempotent after the end
    expect(s.written).toEqual([]);
  });

  test('error then close reports onClose once with the error code', () => {
    const { s, r } = open();
    s.emit('error', { code: -9, message: 'connection reset' });
    s.emit('close', true);
    s.emit('close', true);
    expect(r.events.slice(1)).toEqual([['close', 'RESET']]);
  });

  test('close() is graceful and idempotent; onClose follows the platform close', () => {
    const { c, s, r } = open();
    c.close();
    c.close();
    expect(s.ended).toBe(true);
    expect(c.write('late')).toBe(false);
    s.emit('close', false);
    expect(r.events.slice(1)).toEqual([['close', undefined]]);
  });
});

describe('espruino net: one shared handler for every socket event', () => {
  test('the socket passed to the connect callback and to drain (as on a device) opens once, then only drains', () => {
    const mod = fakeNetModule();
    const r = recorder();
    const c = makeNet(mod as never, undefined, 0).connect({ ...TCP, highWater: 4 }, r.listener);
    const s = mod.sockets[0];
    s.emit('connect');
    // Espruino queues a drain with the socket as argument right after the connect.
    s.emit('drain', s);
    expect(c.write('abcdef')).toBe(false);
    s.emit('drain', s);
    expect(c.write('ab')).toBe(true); // the drain reset the count
    s.emit('data', 'x');
    expect(r.events.map((e) => e[0])).toEqual(['open', 'drain', 'drain', 'data']);
  });

  test('two connections on two sockets keep their events apart', () => {
    const mod = fakeNetModule();
    const a = recorder();
    const b = recorder();
    const net = makeNet(mod as never, undefined, 0);
    net.connect(TCP, a.listener);
    net.connect(TCP, b.listener);
    mod.sockets[0].emit('connect');
    mod.sockets[1].emit('connect');
    mod.sockets[1].emit('data', 'to-b');
    mod.sockets[0].emit('error', { code: -3, message: 'timeout' });
    mod.sockets[0].emit('close', true);
    expect(a.events.slice(1)).toEqual([['close', 'TIMEOUT']]);
    expect(b.events.slice(1)).toEqual([['data', 'to-b']]);
  });
});

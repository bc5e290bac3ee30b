/**
 * The telemetry node on a fake HAL: the real client and supervisor, a
 * scripted connection parsed by mqtt-packet, a manual clock. Covers what the
 * end-to-end suites cannot force: a deep sleep that fails, a flapping link,
 * connection attempts that hang, and the sequence numbers across resets and
 * flash faults.
 */
import * as mp from 'mqtt-packet';
import { startNode, TelemetryNode } from '../../firmware/app/node';
import type { NodeConfig } from '../../firmware/app/config';
import type { Hal } from '../../firmware/hal/index';
import type { NetListener } from '../../firmware/hal/transport';
import type { StorageStatus } from '../../firmware/hal/storage';
import { broker, ScriptedTransport } from '../support/scripted-transport';

/** A scripted connection: the node's Transport, recording and parsing what it writes. */
class FakeConnection extends ScriptedTransport {}

interface Fake {
  hal: Hal;
  now: number;
  connections: FakeConnection[];
  listener: NetListener | undefined;
  /** What the node gave Clock.every, and the period. */
  ticks: { callback: () => void; ms: number }[];
  sleeps: number[];
  sleepResult: 'SLEEP_FAILED' | undefined;
  logs: string[];
  /** The flash: kept across "reboots" when passed to the next fakeHal. */
  files: Record<string, string>;
  /** Every save, as "name=data". */
  saves: string[];
  /** Set to make every save fail with this status. */
  saveFails: StorageStatus | undefined;
}

function fakeHal(files: Record<string, string> = {}): Fake {
  const f: Fake = {
    now: 0, connections: [], listener: undefined, ticks: [], sleeps: [], sleepResult: 'SLEEP_FAILED', logs: [],
    files, saves: [], saveFails: undefined, hal: undefined as unknown as Hal,
  };
  f.hal = {
    board: 'fake',
    net: {
      connect(_options, listener) {
        const c = new FakeConnection();
        f.connections.push(c);
        f.listener = listener;
        return c;
      },
    },
    clock: { now: () => f.now, every: (callback, ms) => { f.ticks.push({ callback, ms }); } },
    log: { level: 0, write: (_level, message) => { f.logs.push(message); } },
    storage: {
      load: (name) => f.files[name],
      save: (name, data): StorageStatus => {
        if (f.saveFails) return f.saveFails;
        f.saves.push(name + '=' + data);
        f.files[name] = data;
        return 'OK';
      },
    },
    outboxMessages: 4,
    outboxBytes: 512,
    sleep: { deepSleep: (s) => { f.sleeps.push(s); return f.sleepResult; } },
  };
  return f;
}

function config(deepSleep: boolean, interval = 10): NodeConfig {
  return {
    nodeId: 'n1', broker: { host: '127.0.0.1', port: 1883, tls: false }, keepAlive: 60, cleanSession: false,
    topicPrefix: 'sensors', interval: interval, deepSleep: deepSleep, sensors: [],
  };
}

/** Advances the clock by `ms` in 1 s ticks, each through the node's one periodic timer. */
function run(node: TelemetryNode, f: Fake, ms: number): void {
  expect(node.hal).toBe(f.hal);
  expect(f.ticks.length).toBe(1);
  expect(f.ticks[0].ms).toBe(1000);
  for (let t = 0; t < ms; t += 1000) {
    f.now += 1000;
    f.ticks[0].callback();
  }
}

/** The seq of every telemetry record still in the node's outbox, oldest first. */
function queuedSeqs(node: TelemetryNode): number[] {
  return node.client.outbox.msgs.filter((m) => /telemetry$/.test(m.topic)).map((m) => JSON.parse(m.payload).seq);
}

/** Opens the pending connection and lets the broker accept the session. */
function accept(f: Fake): FakeConnection {
  const c = f.connections[f.connections.length - 1];
  f.listener!.onOpen(c);
  f.listener!.onData(c, broker.connack(false));
  return c;
}

/** PUBACKs every QoS 1 PUBLISH the node wrote on `c` since the last call; returns them. */
function ackAll(f: Fake, c: FakeConnection): mp.IPublishPacket[] {
  const pubs = c.take().filter((p) => p.cmd === 'publish') as mp.IPublishPacket[];
  for (const p of pubs) f.listener!.onData(c, broker.puback(p.messageId!));
  return pubs;
}

/** Deep-sleep mode: PUBACKs what the wake wrote on `c` ("online", the reading, "offline"); the node sleeps at the next tick. */
function ackUntilAsleep(node: TelemetryNode, f: Fake, c: FakeConnection): void {
  ackAll(f, c);
  run(node, f, 1000);
}

/** Packets as "cmd topic payload" ("cmd" alone when not a PUBLISH). */
function described(packets: mp.Packet[]): string[] {
  return packets.map((p) => (p.cmd === 'publish' ? 'publish ' + p.topic + ' ' + p.payload.toString() : p.cmd));
}

/** Wakes up from deep sleep: a fresh boot on the same flash; the seqs its first reading queued. */
function wakeAndRead(f: Fake): number[] {
  const g = fakeHal(f.files);
  const woken = startNode(g.hal, config(true))!;
  run(woken, g, 1000);
  return queuedSeqs(woken);
}

test('deep sleep: one round trip per wake: CONNECT, "online", reading, "offline" before any broker byte; DISCONNECT and sleep after the acks', () => {
  const f = fakeHal();
  f.sleepResult = undefined;
  const node = startNode(f.hal, config(true))!;
  run(node, f, 1000);
  const c = f.connections[0];
  f.listener!.onOpen(c);
  const written = c.take();
  const wake = described(written);
  expect(wake.length).toBe(4);
  expect(wake[0]).toBe('connect');
  expect(wake[1]).toBe('publish sensors/n1/status online');
  expect(wake[2]).toMatch(/^publish sensors\/n1\/telemetry \{"seq":1,/);
  expect(wake[3]).toBe('publish sensors/n1/status offline');
  const pubs = written.filter((p) => p.cmd === 'publish') as mp.IPublishPacket[];
  expect(pubs.map((p) => [p.qos, p.retain])).toEqual([[1, true], [1, false], [1, true]]);
  // The broker's one answer: CONNACK and the three PUBACKs in one chunk.
  f.listener!.onData(c, broker.connack(true) + pubs.map((p) => broker.puback(p.messageId!)).join(''));
  expect(described(c.take())).toEqual([]);
  run(node, f, 1000);
  expect(described(c.take())).toEqual(['disconnect']);
  expect(f.sleeps).toEqual([10]);
  expect(f.logs.join('\n')).toMatch(/sleeping 10 s: all acknowledged/);
});

test('deep sleep: a status left unacknowledged by an earlier wake (restored from flash) means no new statuses, only the reading', () => {
  const f = fakeHal();
  f.sleepResult = undefined;
  const node = startNode(f.hal, config(true))!;
  run(node, f, 1000);
  // The broker never answers: the awake budget ends with all three saved to flash.
  run(node, f, 30000);
  expect(f.sleeps).toEqual([10]);
  // Two more failed wakes on the same flash (an outbox of 4 messages): each adds only its reading.
  const expected: unknown[][] = [['online', 1, 'offline', 2], [1, 'offline', 2, 3]];
  for (const queued of expected) {
    const g = fakeHal(f.files);
    g.sleepResult = undefined;
    const woken = startNode(g.hal, config(true))!;
    run(woken, g, 1000);
    expect(woken.client.outbox.msgs.map((m) => (/status$/.test(m.topic) ? m.payload : JSON.parse(m.payload).seq))).toEqual(queued);
    run(woken, g, 30000);
    expect(g.sleeps).toEqual([10]);
  }
  // The broker is back: the wake delivers the restored messages and its reading, and no
  // "online" at CONNACK either (it would be the retained status while the node sleeps).
  // (An ESP8266-sized outbox this time, with room for an "online".)
  const h = fakeHal(f.files);
  h.sleepResult = undefined;
  h.hal.outboxMessages = 8;
  const last = startNode(h.hal, config(true))!;
  run(last, h, 1000);
  const c = accept(h);
  expect(ackAll(h, c).map((p) => p.payload.toString().slice(0, 8))).toEqual(['{"seq":1', 'offline', '{"seq":2', '{"seq":3', '{"seq":4']);
  run(last, h, 1000);
  expect(c.takeCmds()).toEqual(['disconnect']);
  expect(h.sleeps).toEqual([10]);
});

test('deep sleep: a failed sleep starts another wake cycle with its own statuses', () => {
  const f = fakeHal();
  const node = startNode(f.hal, config(true))!;
  run(node, f, 1000);
  const c = accept(f);
  expect(ackAll(f, c).map((p) => p.payload.toString().slice(0, 8))).toEqual(['online', '{"seq":1', 'offline']);
  run(node, f, 1000);
  expect(f.sleeps).toEqual([10]);
  expect(f.logs.join('\n')).toMatch(/deep sleep failed/);
  // Awake again: it reconnects and takes the next reading instead of idling forever.
  run(node, f, 3000);
  expect(f.connections.length).toBe(2);
  const c2 = accept(f);
  run(node, f, 1000);
  const again = ackAll(f, c2).map((p) => p.payload.toString().slice(0, 8));
  expect(again).toEqual(['online', '{"seq":2', 'offline']);
});

test('continuous mode does not pipeline; it says "online" at CONNACK', () => {
  const f = fakeHal();
  const node = startNode(f.hal, config(false))!;
  run(node, f, 1000);
  const c = f.connections[0];
  f.listener!.onOpen(c);
  expect(c.takeCmds()).toEqual(['connect']);
  f.listener!.onData(c, broker.connack(false));
  const published = described(c.take()).sort();
  expect(published.length).toBe(2);
  expect(published[0]).toBe('publish sensors/n1/status online');
  expect(published[1]).toMatch(/^publish sensors\/n1\/telemetry \{"seq":1,/);
});

test('deep sleep: when flash refuses the outbox, the node stays awake and connected, then sleeps once it is saved', () => {
  const f = fakeHal();
  f.sleepResult = undefined;
  const node = startNode(f.hal, config(true))!;
  run(node, f, 1000);
  const c = accept(f);
  run(node, f, 1000);
  expect(queuedSeqs(node)).toEqual([1]);
  // The broker never acknowledges; flash is full when the awake budget runs out.
  f.saveFails = 'STORAGE_FULL';
  run(node, f, 30000);
  expect(f.sleeps).toEqual([]);
  expect(f.logs.join('\n')).toMatch(/flash write failed: staying awake 30 s more, 3 unacknowledged/);
  expect(f.connections.length).toBe(1);
  expect(c.take().some((p) => p.cmd === 'disconnect')).toBe(false);
  // Flash works again: at the end of the next budget the reading goes to flash and the node sleeps.
  f.saveFails = undefined;
  run(node, f, 30000);
  expect(f.sleeps).toEqual([10]);
  expect(f.files['mqtt.outbox']).toContain('{"seq":1,');
  expect(f.files['node.seq']).toBe('2');
});

test('a flapping link queues at most one "online" status', () => {
  const f = fakeHal();
  const node = startNode(f.hal, config(false))!;
  for (let i = 0; i < 4; i++) {
    run(node, f, 1000);
    const c = accept(f);
    // The link drops before any PUBACK: what was written stays unacknowledged.
    f.listener!.onClose(c, undefined);
    run(node, f, 120000);
  }
  const onlines = node.client.outbox.msgs.filter((m) => m.topic === 'sensors/n1/status');
  expect(onlines.length).toBe(1);
});

test('an attempt the supervisor timed out is closed when the next one starts', () => {
  const f = fakeHal();
  const node = startNode(f.hal, config(false))!;
  run(node, f, 1000);
  expect(f.connections.length).toBe(1);
  // Never opens; the supervisor's open timeout (30 s) expires and it tries again.
  run(node, f, 120000);
  expect(f.connections.length).toBeGreaterThan(1);
  expect(f.connections[0].closes).toBe(1);
});

describe('sequence numbers', () => {
  test('start at 1 and count up by one per reading', () => {
    const f = fakeHal();
    const node = startNode(f.hal, config(false, 1))!;
    run(node, f, 3000);
    expect(queuedSeqs(node)).toEqual([1, 2, 3]);
  });

  test('flash is written once per 100 readings, not per reading', () => {
    const f = fakeHal();
    const node = startNode(f.hal, config(false, 1))!;
    run(node, f, 250000);
    expect(f.saves.filter((s) => /^node\.seq=/.test(s))).toEqual(['node.seq=101', 'node.seq=201', 'node.seq=301']);
    expect(queuedSeqs(node).pop()).toBe(250);
  });

  test('an unplanned reset skips ahead but never repeats a number', () => {
    const f = fakeHal();
    const node = startNode(f.hal, config(false, 1))!;
    run(node, f, 42000);
    expect(queuedSeqs(node).pop()).toBe(42);
    // Power loss: nothing more is written. The next boot resumes from flash.
    const g = fakeHal(f.files);
    const next = startNode(g.hal, config(false, 1))!;
    expect(queuedSeqs(next)).toEqual([]);
    run(next, g, 1000);
    expect(queuedSeqs(next)[0]).toBe(101);
  });

  test('a deep sleep stores the exact next number: no gap after waking', () => {
    const f = fakeHal();
    f.sleepResult = undefined; // the sleep is pending (ESP8266)
    const node = startNode(f.hal, config(true))!;
    run(node, f, 1000);
    ackUntilAsleep(node, f, accept(f));
    expect(f.sleeps).toEqual([10]);
    expect(f.files['node.seq']).toBe('2');
    expect(wakeAndRead(f)).toEqual([2]);
  });

  test('deep sleep after a failed ceiling write stores the exact number first: no repeat after waking', () => {
    const f = fakeHal({ 'node.seq': '5' });
    f.sleepResult = undefined;
    const node = startNode(f.hal, config(true))!;
    // The first reading's reservation fails (and may have deleted node.seq): the reading is skipped.
    f.saveFails = 'STORAGE_FULL';
    run(node, f, 1000);
    expect(queuedSeqs(node)).toEqual([]);
    delete f.files['node.seq'];
    f.saveFails = undefined;
    ackUntilAsleep(node, f, accept(f));
    expect(f.sleeps).toEqual([10]);
    expect(f.files['node.seq']).toBe('5');
    expect(wakeAndRead(f)).toEqual([5]);
  });

  test('unreadable flash content starts again at 1', () => {
    const f = fakeHal({ 'node.seq': 'garbage' });
    const node = startNode(f.hal, config(false, 1))!;
    run(node, f, 2000);
    expect(queuedSeqs(node)).toEqual([1, 2]);
  });

  test('no number is used while a new ceiling cannot be written', () => {
    const f = fakeHal();
    const node = startNode(f.hal, config(false, 1))!;
    run(node, f, 100000);
    expect(queuedSeqs(node).pop()).toBe(100);
    // Flash full: the reservation for 101.. fails (and Espruino may have deleted the old file).
    f.saveFails = 'STORAGE_FULL';
    run(node, f, 2000);
    expect(queuedSeqs(node).pop()).toBe(100);
    expect(f.logs.filter((l) => /reading refused/.test(l)).length).toBe(2);
    f.saveFails = undefined;
    run(node, f, 1000);
    expect(queuedSeqs(node).pop()).toBe(101);
    expect(f.files['node.seq']).toBe('201');
  });
});

test('the config object is not kept: only the values the node uses', () => {
  const f = fakeHal();
  const cfg = config(false);
  const node = startNode(f.hal, cfg)!;
  const seen = new Set<unknown>();
  const reachable = (v: unknown): boolean => {
    if (v === cfg) return true;
    if (v === null || typeof v !== 'object' || seen.has(v)) return false;
    seen.add(v);
    return Object.values(v as object).some(reachable);
  };
  expect(reachable(node)).toBe(false);
});

/**
 * The telemetry node on a fake HAL: the real client and supervisor, a
 * scripted connection parsed by mqtt-packet, a manual clock. Covers what the
 * end-to-end suites cannot force: a deep sleep that fails, a flapping link,
 * and connection attempts that hang.
 */
import * as mp from 'mqtt-packet';
import { startNode, TelemetryNode } from '../../firmware/app/node';
import type { NodeConfig } from '../../firmware/app/config';
import type { Hal } from '../../firmware/hal/index';
import type { Connection, NetListener } from '../../firmware/hal/transport';
import type { StorageStatus } from '../../firmware/hal/storage';
import { broker, ScriptedTransport } from '../support/scripted-transport';

/** A scripted connection: the node's Transport, recording and parsing what it writes. */
class FakeConnection extends ScriptedTransport implements Connection {
  queued(): number {
    return 0;
  }
}

interface Fake {
  hal: Hal;
  now: number;
  connections: FakeConnection[];
  listener: NetListener | undefined;
  sleeps: number[];
  sleepResult: 'SLEEP_FAILED' | undefined;
  logs: string[];
}

function fakeHal(): Fake {
  const files: Record<string, string> = {};
  const f: Fake = { now: 0, connections: [], listener: undefined, sleeps: [], sleepResult: 'SLEEP_FAILED', logs: [], hal: undefined as unknown as Hal };
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
    clock: { now: () => f.now, schedule: () => 1, cancel: () => undefined },
    log: { level: 0, write: (_level, message) => { f.logs.push(message); } },
    storage: {
      load: (name) => files[name],
      save: (name, data): StorageStatus => { files[name] = data; return 'OK'; },
      erase: (name) => { delete files[name]; },
      free: () => 100000,
      compact: () => undefined,
    },
    outboxMessages: 4,
    outboxBytes: 512,
    sleep: { deepSleep: (s) => { f.sleeps.push(s); return f.sleepResult; } },
  };
  return f;
}

function config(deepSleep: boolean): NodeConfig {
  return {
    nodeId: 'n1', broker: { host: '127.0.0.1', port: 1883, tls: false }, keepAlive: 60, cleanSession: false,
    topicPrefix: 'sensors', interval: 10, deepSleep: deepSleep, sensors: [],
  };
}

/** Advances the clock by `ms` in 1 s ticks. */
function run(node: TelemetryNode, f: Fake, ms: number): void {
  for (let t = 0; t < ms; t += 1000) {
    f.now += 1000;
    node.tick();
  }
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

test('deep sleep: reading, offline, sleep; a failed sleep starts another wake cycle', () => {
  const f = fakeHal();
  const node = startNode(f.hal, config(true))!;
  run(node, f, 1000);
  const c = accept(f);
  run(node, f, 1000);
  const first = ackAll(f, c).map((p) => p.topic + ' ' + p.payload.toString());
  expect(first[0]).toMatch(/^sensors\/n1\/telemetry \{"seq":1,/);
  expect(first[1]).toBe('sensors/n1/status online');
  run(node, f, 1000);
  expect(ackAll(f, c).map((p) => p.payload.toString())).toEqual(['offline']);
  run(node, f, 1000);
  expect(f.sleeps).toEqual([10]);
  expect(f.logs.join('\n')).toMatch(/deep sleep failed/);
  // Awake again: it reconnects and takes the next reading instead of idling forever.
  run(node, f, 3000);
  expect(f.connections.length).toBe(2);
  const c2 = accept(f);
  run(node, f, 1000);
  const again = ackAll(f, c2).map((p) => p.payload.toString());
  expect(again.some((p) => /^\{"seq":2,/.test(p))).toBe(true);
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

/**
 * Proves the chaos proxy injects the faults it promises, with MQTT.js clients
 * in front of an aedes broker: plain forwarding, cut, stall (black hole),
 * delay (order kept) and refused connections.
 */
import * as mqtt from 'mqtt';
import { startAedes, AedesBroker } from '../support/aedes';
import { startProxy, ChaosProxy } from '../support/chaos-proxy';

let broker: AedesBroker;
let proxy: ChaosProxy;
const clients: mqtt.MqttClient[] = [];

beforeAll(async () => {
  broker = await startAedes();
});
afterAll(async () => {
  await broker.stop();
});
beforeEach(async () => {
  proxy = await startProxy({ targetPort: broker.port });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await proxy.close();
});

/** An MQTT.js client through the proxy (or directly), without auto-reconnect or keepalive. */
async function client(id: string, direct?: boolean): Promise<mqtt.MqttClient> {
  const port = direct ? broker.port : proxy.port;
  const c = await mqtt.connectAsync('mqtt://127.0.0.1:' + port, { clientId: id, reconnectPeriod: 0, keepalive: 0 }, false);
  clients.push(c);
  return c;
}

/** Resolves with the payloads of the first `n` messages on c. */
function collect(c: mqtt.MqttClient, n: number): { got: string[]; done: Promise<string[]> } {
  const got: string[] = [];
  const done = new Promise<string[]>((resolve) => {
    c.on('message', (_t, payload) => {
      got.push(payload.toString());
      if (got.length === n) resolve(got);
    });
  });
  return { got, done };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('forwards MQTT traffic both ways and counts it', async () => {
  const sub = await client('p-sub');
  expect(proxy.connections()).toBe(1);
  await sub.subscribeAsync('p/t', { qos: 1 });
  const rx = collect(sub, 1);
  const pub = await client('p-pub');
  expect(proxy.connections()).toBe(2);
  await pub.publishAsync('p/t', 'through the proxy', { qos: 1 });
  expect(await rx.done).toEqual(['through the proxy']);
  const bytes = proxy.bytesForwarded();
  expect(bytes.toBroker).toBeGreaterThan(0);
  expect(bytes.toClient).toBeGreaterThan(0);
});

test('cut() closes the link: MQTT.js sees a close, no connections remain', async () => {
  const c = await client('p-cut');
  const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
  expect(proxy.connections()).toBe(1);
  proxy.cut();
  await closed;
  expect(c.connected).toBe(false);
  expect(proxy.connections()).toBe(0);
});

test('stall() is a black hole that keeps the sockets open; resume() delivers what was held', async () => {
  const sub = await client('p-stall');
  await sub.subscribeAsync('p/stall', { qos: 0 });
  const rx = collect(sub, 1);
  const pub = await client('p-direct', true);
  proxy.stall();
  const before = proxy.bytesForwarded();
  await pub.publishAsync('p/stall', 'held', { qos: 1 });
  // The broker has the message (PUBACK came back); give it time to reach the proxy.
  await pause(300);
  expect(rx.got).toEqual([]);
  expect(proxy.bytesForwarded()).toEqual(before);
  expect(sub.connected).toBe(true);
  expect(proxy.connections()).toBe(1);
  proxy.resume();
  expect(await rx.done).toEqual(['held']);
});

test('setDelay() delays chunks without reordering them', async () => {
  const sub = await client('p-delay');
  await sub.subscribeAsync('p/delay', { qos: 0 });
  const rx = collect(sub, 10);
  const pub = await client('p-delay-pub', true);
  proxy.setDelay(40);
  for (let i = 0; i < 10; i++) {
    await pub.publishAsync('p/delay', String(i), { qos: 0 });
    if (i === 4) proxy.setDelay(0);
  }
  expect(await rx.done).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
});

test('refuse(true) accepts then closes new connections; refuse(false) lets them through', async () => {
  proxy.refuse(true);
  await expect(
    mqtt.connectAsync('mqtt://127.0.0.1:' + proxy.port, { clientId: 'p-refused', reconnectPeriod: 0, connectTimeout: 3000 }, false),
  ).rejects.toBeDefined();
  expect(proxy.connections()).toBe(0);
  proxy.refuse(false);
  const c = await client('p-accepted');
  expect(c.connected).toBe(true);
});

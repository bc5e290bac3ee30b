/**
 * Proves the broker test infrastructure works, using MQTT.js as the client:
 * Mosquitto start / kill / restart with persistence, password file and TLS
 * listener; the embedded aedes broker; the recording subscriber.
 */
import * as fs from 'fs';
import * as mqtt from 'mqtt';
import { execFileSync } from 'child_process';
import { startAedes, AedesBroker } from '../support/aedes';
import { describeIfMosquitto, startMosquitto, Mosquitto } from '../support/mosquitto';
import { startRecorder } from '../support/subscriber';

const opts = (extra: mqtt.IClientOptions): mqtt.IClientOptions =>
  Object.assign({ reconnectPeriod: 0, connectTimeout: 5000 }, extra);

/** The first message on `client`, or a rejection after timeoutMs. */
function nextMessage(client: mqtt.MqttClient, timeoutMs: number): Promise<{ topic: string; payload: string; qos: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within ' + timeoutMs + ' ms')), timeoutMs);
    client.once('message', (topic, payload, packet) => {
      clearTimeout(timer);
      resolve({ topic, payload: payload.toString(), qos: packet.qos });
    });
  });
}

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describeIfMosquitto('mosquitto test broker', () => {
  let broker: Mosquitto | undefined;
  afterEach(async () => {
    if (broker) await broker.dispose();
    broker = undefined;
  });

  test('kill -9 and restart keep a persistent session and its queued QoS 1 message', async () => {
    const b = (broker = await startMosquitto({ persistence: true }));
    const url = 'mqtt://127.0.0.1:' + b.port;
    const sub = await mqtt.connectAsync(url, opts({ clientId: 'infra-sub', clean: false }));
    await sub.subscribeAsync('infra/#', { qos: 1 });
    await sub.endAsync();
    const pub = await mqtt.connectAsync(url, opts({ clientId: 'infra-pub' }));
    await pub.publishAsync('infra/queued', 'while offline', { qos: 1 });
    await pub.endAsync();
    // A crash loses what was not autosaved: wait for a save that includes the message.
    await b.waitForSave(10000);
    await b.kill();
    await expect(mqtt.connectAsync(url, opts({ clientId: 'probe' }), false)).rejects.toBeDefined();
    await b.restart();

    const again = mqtt.connect(url, opts({ clientId: 'infra-sub', clean: false }));
    const connack = new Promise<boolean>((resolve) => again.once('connect', (p) => resolve(p.sessionPresent)));
    const message = nextMessage(again, 5000);
    expect(await connack).toBe(true);
    expect(await message).toEqual({ topic: 'infra/queued', payload: 'while offline', qos: 1 });
    await again.endAsync();
    expect(b.logs()).toContain('Saving in-memory database');
  });

  test('a password file rejects bad credentials and anonymous clients', async () => {
    const b = (broker = await startMosquitto({ users: { alice: 's3cret' } }));
    const url = 'mqtt://127.0.0.1:' + b.port;
    const good = await mqtt.connectAsync(url, opts({ clientId: 'alice1', username: 'alice', password: 's3cret' }));
    expect(good.connected).toBe(true);
    await good.endAsync();
    const code = await mqtt
      .connectAsync(url, opts({ clientId: 'alice2', username: 'alice', password: 'wrong' }), false)
      .then((c) => c.endAsync(true).then(() => -1), (e: { code: number }) => e.code);
    // CONNACK 4 (bad user name or password) or 5 (not authorized) [MQTT 3.2.2.3].
    expect([4, 5]).toContain(code);
    await expect(mqtt.connectAsync(url, opts({ clientId: 'anon' }), false)).rejects.toBeDefined();
  });

  (opensslAvailable() ? test : test.skip)('a TLS listener serves clients that trust its CA', async () => {
    const b = (broker = await startMosquitto({ tls: {} }));
    expect(b.tlsPort).toBeDefined();
    const client = await mqtt.connectAsync(
      'mqtts://127.0.0.1:' + b.tlsPort,
      opts({ clientId: 'tls1', ca: fs.readFileSync(b.caFile as string) }),
    );
    await client.subscribeAsync('tls/t', { qos: 1 });
    const message = nextMessage(client, 5000);
    await client.publishAsync('tls/t', 'over tls', { qos: 1 });
    expect((await message).payload).toBe('over tls');
    await client.endAsync();
    // Without the CA the certificate is refused (MQTT.js verifies by default).
    await expect(mqtt.connectAsync('mqtts://127.0.0.1:' + b.tlsPort, opts({ clientId: 'tls2' }), false)).rejects.toBeDefined();
  });

  test('the recorder loses nothing across a broker crash and restart', async () => {
    const b = (broker = await startMosquitto({ persistence: true }));
    const rec = await startRecorder({ port: b.port, filter: 'seq/#', clientId: 'infra-rec' });
    const pub = await mqtt.connectAsync('mqtt://127.0.0.1:' + b.port, opts({ clientId: 'seq-pub' }));
    for (let n = 1; n <= 3; n++) await pub.publishAsync('seq/a', JSON.stringify({ seq: n }), { qos: 1 });
    await pub.endAsync();
    await rec.waitFor((r) => r.uniqueCount() === 3, 5000);
    await b.waitForSave(10000);
    await b.kill();
    await b.restart();
    const pub2 = await mqtt.connectAsync('mqtt://127.0.0.1:' + b.port, opts({ clientId: 'seq-pub' }));
    for (let n = 4; n <= 6; n++) await pub2.publishAsync('seq/a', JSON.stringify({ seq: n }), { qos: 1 });
    await pub2.endAsync();
    await rec.waitFor((r) => r.uniqueCount() === 6, 10000);
    expect(rec.missing(1, 6)).toEqual([]);
    await rec.stop();
  });
});

describe('aedes test broker', () => {
  let broker: AedesBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.stop();
  });

  test('MQTT.js publish and subscribe work through it', async () => {
    const url = 'mqtt://127.0.0.1:' + broker.port;
    const sub = await mqtt.connectAsync(url, opts({ clientId: 'aedes-sub' }));
    await sub.subscribeAsync('a/+', { qos: 1 });
    const message = nextMessage(sub, 5000);
    const pub = await mqtt.connectAsync(url, opts({ clientId: 'aedes-pub' }));
    await pub.publishAsync('a/b', 'hello', { qos: 1 });
    expect(await message).toEqual({ topic: 'a/b', payload: 'hello', qos: 1 });
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  test('the recorder counts duplicates and reports missing sequence numbers', async () => {
    const rec = await startRecorder({ port: broker.port, filter: 'dup/#', clientId: 'aedes-rec' });
    const pub = await mqtt.connectAsync('mqtt://127.0.0.1:' + broker.port, opts({ clientId: 'dup-pub' }));
    for (const n of [1, 2, 2, 4]) await pub.publishAsync('dup/x', JSON.stringify({ seq: n }), { qos: 1 });
    await pub.publishAsync('dup/x', '7', { qos: 1 });
    await pub.endAsync();
    await rec.waitFor((r) => r.messages.length === 5, 5000);
    expect(rec.duplicates()).toBe(1);
    expect(rec.uniqueCount()).toBe(4);
    expect(rec.messages.map((m) => m.seq)).toEqual([1, 2, 2, 4, 7]);
    expect(rec.missing(1, 4)).toEqual([3]);
    await rec.stop();
  });
});

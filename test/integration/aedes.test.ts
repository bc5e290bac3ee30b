/**
 * The basic flows against a second broker implementation, aedes (embedded,
 * no Mosquitto needed): 1,000 QoS 1 publishes all arrive at an MQTT.js
 * recorder and are all acknowledged; a QoS 2 subscription receives QoS 1 and
 * QoS 2 messages from an MQTT.js publisher exactly once each.
 */
import * as mqtt from 'mqtt';
import { AedesBroker, startAedes } from '../support/aedes';
import { NodeHost, publishSequence, startNodeHost } from '../support/node-host';
import { Recorder, startRecorder } from '../support/subscriber';

const COUNT = 1000;
const INBOUND = 100;

describe('aedes broker', () => {
  let broker: AedesBroker;
  let host: NodeHost | undefined;
  let recorder: Recorder | undefined;
  let publisher: mqtt.MqttClient | undefined;

  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.stop();
  });
  afterEach(async () => {
    if (host) await host.stop(true);
    if (recorder) await recorder.stop();
    if (publisher) await publisher.endAsync();
    host = recorder = publisher = undefined;
  });

  /** Our client on aedes, connected. */
  async function connectNode(clientId: string, onSubscribed?: (topic: string, granted: number) => void): Promise<NodeHost> {
    const h = (host = startNodeHost({
      port: broker.port,
      client: { clientId: clientId, keepAlive: 5, maxMessages: COUNT, maxBytes: 100000, onSubscribed: onSubscribed },
      supervisor: { baseDelay: 200, maxDelay: 1000 },
    }));
    await h.waitFor(h.isConnected, 5000, 'CONNACK from aedes');
    return h;
  }

  test('1,000 QoS 1 publishes: all acked, all arrive', async () => {
    const r = (recorder = await startRecorder({ port: broker.port, filter: 'aedes/out/#', clientId: 'aedes-recorder' }));
    const h = await connectNode('aedes-pub');
    const refused = await publishSequence(h.client, 'aedes/out/node', 1, COUNT, { perBatch: 10, everyMs: 5 });
    await h.waitFor(() => h.outcomes.size >= COUNT, 20000, 'all publishes completed');
    await r.waitFor((rec) => rec.missing(1, COUNT).length === 0, 10000).catch(() => undefined);
    console.log('aedes: ' + COUNT + ' published, ' + r.duplicates() + ' duplicates, missing ' + r.missing(1, COUNT).length);
    expect(refused).toEqual([]);
    expect(r.missing(1, COUNT)).toEqual([]);
    expect(h.outcomeCounts).toEqual({ acked: COUNT });
    expect(h.closes).toEqual([]);
    expect(h.errors).toEqual([]);
  }, 60000);

  test('subscribe at QoS 2: inbound QoS 1 and QoS 2 delivered exactly once each', async () => {
    let granted = -1;
    const h = await connectNode('aedes-sub', (_topic, code) => (granted = code));
    const got: { [key: string]: number } = {};
    const qosOf: { [key: string]: number } = {};
    h.client.subscribe('aedes/in/#', 2, (topic, payload, qos) => {
      const key = topic + ' ' + payload;
      got[key] = (got[key] || 0) + 1;
      qosOf[key] = qos;
    });
    await h.waitFor(() => granted >= 0, 5000, 'SUBACK');
    expect(granted).toBe(2);

    const pub = (publisher = await mqtt.connectAsync('mqtt://127.0.0.1:' + broker.port, { clientId: 'aedes-inject', reconnectPeriod: 0 }));
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= INBOUND; i++) {
      sends.push(pub.publishAsync('aedes/in/q1', 'one-' + i, { qos: 1 }));
      sends.push(pub.publishAsync('aedes/in/q2', 'two-' + i, { qos: 2 }));
    }
    await Promise.all(sends);
    await h.waitFor(() => Object.keys(got).length >= 2 * INBOUND, 10000, 'all inbound messages');

    const keys = Object.keys(got);
    expect(keys.length).toBe(2 * INBOUND);
    expect(keys.filter((k) => got[k] !== 1)).toEqual([]);
    for (let i = 1; i <= INBOUND; i++) {
      expect(qosOf['aedes/in/q1 one-' + i]).toBe(1);
      expect(qosOf['aedes/in/q2 two-' + i]).toBe(2);
    }
    expect(h.client.stats.received).toBe(2 * INBOUND);
    // No reconnect happened, so no redelivery can still be on its way.
    expect(h.closes).toEqual([]);
    expect(h.errors).toEqual([]);
  }, 60000);
});

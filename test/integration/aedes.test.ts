/**
 * Inbound flows against a second broker implementation, aedes (embedded, no
 * Mosquitto needed): a QoS 2 subscription receives QoS 1 and QoS 2 messages
 * from an MQTT.js publisher exactly once each. (Outbound QoS 1 on aedes is
 * covered under link faults in proxy-faults.test.ts.)
 */
import * as mqtt from 'mqtt';
import { AedesBroker, startAedes } from '../support/aedes';
import { NodeHost, startNodeHost } from '../support/node-host';

const INBOUND = 100;

describe('aedes broker', () => {
  let broker: AedesBroker;
  let host: NodeHost | undefined;
  let publisher: mqtt.MqttClient | undefined;

  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.stop();
  });
  afterEach(async () => {
    if (host) await host.stop(true);
    if (publisher) await publisher.endAsync();
    host = publisher = undefined;
  });

  /** Our client on aedes, connected. */
  async function connectNode(clientId: string, onSubscribed?: (topic: string, granted: number) => void): Promise<NodeHost> {
    const h = (host = startNodeHost({
      port: broker.port,
      client: { clientId: clientId, keepAlive: 5, onSubscribed: onSubscribed },
      supervisor: { baseDelay: 200, maxDelay: 1000 },
    }));
    await h.waitFor(h.isConnected, 5000, 'CONNACK from aedes');
    return h;
  }

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

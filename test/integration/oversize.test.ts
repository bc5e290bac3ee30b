/**
 * Fault: a message larger than the node's maxPacketSize sits on a topic it
 * subscribes to, retained, so Mosquitto sends it on every subscription (a
 * QoS 1 message queued in a persistent session is re-sent on every
 * connection the same way). Closing on it would reconnect forever and starve
 * the outbox; the client must skip it, acknowledge it, count it and stay
 * connected, while its own QoS 1 messages get through.
 */
import * as mqtt from 'mqtt';
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { NodeHost, publishSequence, sleep, startNodeHost, waitUntil } from '../support/node-host';

const COUNT = 50;

/** For each 'cfg/big' PUBLISH Mosquitto sent the node (its log), whether the node's PUBACK for it arrived. */
function bigAcked(log: string): boolean[] {
  const ids = [...log.matchAll(/Sending PUBLISH to oversize-node \(d0, q1, r[01], m(\d+), 'cfg\/big'/g)].map((m) => m[1]);
  return ids.map((id) => log.indexOf('Received PUBACK from oversize-node (Mid: ' + id + ',') >= 0);
}

describeIfMosquitto('a message over maxPacketSize (Mosquitto)', () => {
  let broker: Mosquitto | undefined;
  let host: NodeHost | undefined;

  afterEach(async () => {
    if (host) await host.stop(true);
    if (broker) await broker.dispose();
    host = broker = undefined;
  });

  test('retained 5,000 bytes over a 4,096 limit: skipped and acknowledged, no reconnect, outbound QoS 1 all acked', async () => {
    const b = (broker = await startMosquitto({}));
    const injector = await mqtt.connectAsync('mqtt://127.0.0.1:' + b.port, { clientId: 'oversize-injector', reconnectPeriod: 0 });
    await injector.publishAsync('cfg/big', Buffer.alloc(5000, 'x'), { qos: 1, retain: true });
    await injector.publishAsync('cfg/small', 'ok', { qos: 1, retain: true });
    const got: string[] = [];
    const h = (host = startNodeHost({
      port: b.port,
      client: { clientId: 'oversize-node', cleanSession: false, keepAlive: 5, maxMessages: 100 },
      supervisor: { baseDelay: 200, maxDelay: 1000, maxAttempts: 3 },
    }));
    await h.waitFor(h.isConnected, 5000, 'CONNACK');
    h.client.subscribe('cfg/#', 1, (topic) => got.push(topic));
    const refused = await publishSequence(h.client, 'out/x', 1, COUNT, { perBatch: 5, everyMs: 10 });
    await h.waitFor(() => h.outcomeCounts.acked === COUNT, 5000, 'all ' + COUNT + ' acked');
    // A live one too, at QoS 1 while subscribed: the broker must get its PUBACK.
    await injector.publishAsync('cfg/big', Buffer.alloc(6000, 'y'), { qos: 1 });
    await h.waitFor(() => h.client.stats.tooLarge >= 2, 5000, 'second oversized message skipped');
    await waitUntil(() => bigAcked(b.logs()).filter((x) => x).length === 2, 5000, 'both PUBACKs in the broker log');
    await sleep(500);
    await injector.endAsync();

    expect(bigAcked(b.logs())).toEqual([true, true]);
    expect(refused).toEqual([]);
    expect(got).toEqual(['cfg/small']);
    expect(h.client.stats.tooLarge).toBe(2);
    expect(h.client.lastError).toBe('PACKET_TOO_LARGE');
    expect(h.connects).toEqual([false]);
    expect(h.closes).toEqual([]);
    expect(h.errors).toEqual([]);
  }, 20000);
});

/**
 * Fault: the node reboots with messages still unsent (power cut, watchdog,
 * deep sleep). Client A queues messages, save()s its outbox to a Store and is
 * thrown away without any goodbye; client B, created from the same Store and
 * client id (the rebooted node), must deliver every one of them. An MQTT.js
 * recorder subscribed directly to Mosquitto is the witness.
 */
import { ChaosProxy, startProxy } from '../support/chaos-proxy';
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { NodeHost, publishSequence, startNodeHost } from '../support/node-host';
import { Recorder, startRecorder } from '../support/subscriber';
import { Store } from '../../firmware/mqtt/transport';

const COUNT = 200;
const FAST = { perBatch: 50, everyMs: 1 };

/** A Store kept in a Map: survives the client objects, like flash survives a reboot. */
function memoryStore(): Store & { saves: number } {
  const data = new Map<string, string>();
  const store = {
    saves: 0,
    load: (key: string): string | undefined => data.get(key),
    save: (key: string, value: string): string => {
      store.saves++;
      data.set(key, value);
      return 'OK';
    },
  };
  return store;
}

describeIfMosquitto('outbox persistence across a reboot (Mosquitto)', () => {
  let broker: Mosquitto;
  let proxy: ChaosProxy | undefined;
  let recorder: Recorder | undefined;
  const hosts: NodeHost[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ extraConfig: 'max_queued_messages 0' });
  });
  afterAll(async () => {
    await broker.dispose();
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop(false);
    if (recorder) await recorder.stop();
    if (proxy) await proxy.close();
    recorder = proxy = undefined;
  });

  /** A node on the proxy with `store`; cleanSession false so that a resumed session is possible. */
  function node(clientId: string, store: Store): NodeHost {
    const h = startNodeHost({
      port: proxy!.port,
      client: { clientId: clientId, cleanSession: false, keepAlive: 5, maxMessages: COUNT, maxBytes: 100000, store: store },
      supervisor: { baseDelay: 100, maxDelay: 500 },
    });
    hosts.push(h);
    return h;
  }

  /** Client B (the rebooted node) connects and delivers all COUNT messages; the recorder got them all. */
  async function expectDeliveredAfterReboot(clientId: string, store: Store): Promise<NodeHost> {
    const b = node(clientId, store);
    await b.waitFor(() => b.outcomes.size >= COUNT, 15000, 'B to complete the restored messages');
    await recorder!.waitFor((r) => r.missing(1, COUNT).length === 0, 10000).catch(() => undefined);
    console.log(clientId + ': B delivered ' + b.outcomeCounts.acked + ', recorder duplicates ' + recorder!.duplicates() +
      ', missing ' + recorder!.missing(1, COUNT).length);
    expect(recorder!.missing(1, COUNT)).toEqual([]);
    expect(b.outcomeCounts).toEqual({ acked: COUNT });
    expect(b.errors).toEqual([]);
    return b;
  }

  test('messages queued while the broker is unreachable survive a reboot', async () => {
    recorder = await startRecorder({ port: broker.port, filter: 'reboot1/#', clientId: 'reboot1-recorder' });
    proxy = await startProxy({ targetPort: broker.port });
    // The broker host accepts and drops every connection: A never gets a session.
    proxy.refuse(true);
    const store = memoryStore();
    const a = node('reboot1-node', store);
    expect(await publishSequence(a.client, 'reboot1/node', 1, COUNT, FAST)).toEqual([]);
    await a.waitFor(() => a.closes.length > 0, 5000, 'A to be turned away');
    a.client.save();
    await a.stop(false);
    expect(a.connects).toEqual([]);
    expect(a.outcomes.size).toBe(0);
    expect(store.saves).toBe(1);

    proxy.refuse(false);
    await expectDeliveredAfterReboot('reboot1-node', store);
  }, 30000);

  test('messages written but never acknowledged survive a reboot and are re-sent', async () => {
    recorder = await startRecorder({ port: broker.port, filter: 'reboot2/#', clientId: 'reboot2-recorder' });
    proxy = await startProxy({ targetPort: broker.port });
    const store = memoryStore();
    const a = node('reboot2-node', store);
    await a.waitFor(a.isConnected, 5000, 'A connected');
    // Nothing passes any more: the first maxInflight PUBLISH are written but never acknowledged.
    proxy.stall();
    expect(await publishSequence(a.client, 'reboot2/node', 1, COUNT, FAST)).toEqual([]);
    a.client.save();
    await a.stop(false);
    // The reboot also loses whatever was on the wire: the broker never sees those PUBLISH.
    proxy.cut();
    proxy.resume();
    expect(a.outcomes.size).toBe(0);
    expect(recorder.messages.length).toBe(0);

    const b = await expectDeliveredAfterReboot('reboot2-node', store);
    // A's session was persistent, so B resumed it (re-sending the in-flight ones with DUP=1).
    expect(b.connects[0]).toBe(true);
  }, 30000);
});

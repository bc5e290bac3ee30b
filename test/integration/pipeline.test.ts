/**
 * Pipelining on a persistent session against a real broker: QoS 1 messages
 * are written right after CONNECT, before CONNACK, both when Mosquitto has no
 * session for the client (sessionPresent 0: the messages count as new, and
 * are not published again) and when it has one (sessionPresent 1: messages
 * in flight are re-sent with DUP=1). An MQTT.js recorder is the witness: every
 * message arrives, none twice.
 */
import { ChaosProxy, startProxy } from '../support/chaos-proxy';
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { NodeHost, publishSequence, sleep, startNodeHost } from '../support/node-host';
import { Recorder, startRecorder } from '../support/subscriber';
import { MsgState } from '../../firmware/mqtt/outbox';
import { Store } from '../../firmware/mqtt/transport';

const FAST = { perBatch: 20, everyMs: 1 };

describeIfMosquitto('pipelining on a persistent session (Mosquitto)', () => {
  let broker: Mosquitto;
  let proxy: ChaosProxy;
  let recorder: Recorder;
  const hosts: NodeHost[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({});
    proxy = await startProxy({ targetPort: broker.port });
    recorder = await startRecorder({ port: broker.port, filter: 'pipe/#', clientId: 'pipe-recorder' });
  });
  afterAll(async () => {
    for (const h of hosts) await h.stop(false);
    await recorder.stop();
    await proxy.close();
    await broker.dispose();
  });

  /** Flash that survives the node: a plain object. */
  const files: Record<string, string> = {};
  const store: Store = { load: (k) => files[k], save: (k, d) => ((files[k] = d), 'OK') };

  /** A pipelining node through the proxy whose supervisor waits for start(). */
  function node(): NodeHost {
    const h = startNodeHost({
      port: proxy.port,
      client: { clientId: 'pipe-node', cleanSession: false, pipeline: true, keepAlive: 5, maxInflight: 20, maxMessages: 100, store: store },
      supervisor: { baseDelay: 100, maxDelay: 500 },
    });
    h.supervisor.stop();
    hosts.push(h);
    return h;
  }

  /** Starts connecting and checks, while CONNACK is still on its way, that every message was written. */
  async function connectPipelined(h: NodeHost): Promise<void> {
    proxy.setDelay(300);
    h.supervisor.start(Date.now());
    await h.waitFor(() => h.client.phase === 1, 5000, 'CONNECT written');
    expect(h.client.outbox.msgs.every((m) => m.state === MsgState.AWAIT_PUBACK)).toBe(true);
    await h.waitFor(h.isConnected, 5000, 'CONNACK');
    proxy.setDelay(0);
  }

  test('no session on the broker, then a resumed one: every message once', async () => {
    // A client id the broker has never seen: sessionPresent 0.
    const a = node();
    expect(await publishSequence(a.client, 'pipe/n', 1, 20, FAST)).toEqual([]);
    await connectPipelined(a);
    await a.waitFor(() => a.outcomes.size >= 20, 5000, 'first 20 acknowledged');
    expect(a.connects).toEqual([false]);
    // In flight when the link dies: PUBLISH written, the PUBACK never comes back.
    proxy.stall();
    expect(await publishSequence(a.client, 'pipe/n', 21, 30, FAST)).toEqual([]);
    a.client.save();
    await a.stop(false);
    proxy.cut();
    proxy.resume();
    // The node after a reboot, from the Store: the session is resumed.
    const b = node();
    expect(b.client.outbox.msgs.length).toBe(10);
    await connectPipelined(b);
    await b.waitFor(() => b.outcomes.size >= 10, 5000, 'the 10 in flight acknowledged');
    expect(b.connects).toEqual([true]);
    await recorder.waitFor((r) => r.missing(1, 30).length === 0, 5000).catch(() => undefined);
    // A message written twice would arrive a delayed chunk later.
    await sleep(1000);
    expect(recorder.missing(1, 30)).toEqual([]);
    expect(recorder.duplicates()).toBe(0);
    expect(a.errors.concat(b.errors)).toEqual([]);
  }, 30000);
});

/**
 * Faults of the link between node and broker, injected by the chaos proxy
 * while the node publishes QoS 1 at a steady pace: a cut (both sides closed),
 * a stall (half-open: sockets stay up, nothing passes; only keepalive can
 * tell) and 200 ms of latency each way. Mosquitto stays up; the node
 * (cleanSession false) must recover by itself, and an MQTT.js recorder
 * connected directly to the broker proves that no sequence number is missing.
 */
import { ChaosProxy, startProxy } from '../support/chaos-proxy';
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { NodeHost, publishSequence, sleep, startNodeHost, waitUntil } from '../support/node-host';
import { Recorder, startRecorder } from '../support/subscriber';

const COUNT = 600;
/** 2 messages every 10 ms: about 200 messages/s, a 3 s run. */
const PACE = { perBatch: 2, everyMs: 10 };

describeIfMosquitto('link faults through the chaos proxy (Mosquitto)', () => {
  let broker: Mosquitto;
  let proxy: ChaosProxy | undefined;
  let recorder: Recorder | undefined;
  let host: NodeHost | undefined;
  let published = 0;

  beforeAll(async () => {
    broker = await startMosquitto({ extraConfig: 'max_queued_messages 0' });
  });
  afterAll(async () => {
    await broker.dispose();
  });
  afterEach(async () => {
    if (host) await host.stop(false);
    if (recorder) await recorder.stop();
    if (proxy) await proxy.close();
    host = recorder = proxy = undefined;
  });

  /** Broker, proxy, recorder on `name/#`, and our client through the proxy, connected. */
  async function setUp(name: string): Promise<{ h: NodeHost; p: ChaosProxy; r: Recorder }> {
    const p = (proxy = await startProxy({ targetPort: broker.port }));
    const r = (recorder = await startRecorder({ port: broker.port, filter: name + '/#', clientId: name + '-recorder' }));
    const h = (host = startNodeHost({
      port: p.port,
      client: { clientId: name + '-node', cleanSession: false, keepAlive: 2, maxMessages: COUNT, maxBytes: 100000 },
      supervisor: { baseDelay: 200, maxDelay: 1000 },
    }));
    await h.waitFor(h.isConnected, 5000, 'first CONNACK');
    published = 0;
    return { h, p, r };
  }

  /** Starts publishing seq 1..COUNT on `name/node` at PACE. */
  function publishAll(h: NodeHost, name: string): Promise<string[]> {
    return publishSequence(h.client, name + '/node', 1, COUNT, PACE, (seq) => (published = seq));
  }

  /** Waits for the end of the flow, logs it, and asserts: every seq arrived, every publish acked, none dropped. */
  async function expectNoLoss(name: string, h: NodeHost, r: Recorder, refused: string[]): Promise<void> {
    await h.waitFor(() => h.outcomes.size >= COUNT, 30000, 'all publishes completed');
    await r.waitFor((rec) => rec.missing(1, COUNT).length === 0, 10000).catch(() => undefined);
    console.log(name + ': ' + COUNT + ' published, ' + r.duplicates() + ' duplicate deliveries, missing ' +
      r.missing(1, COUNT).length + '; closes ' + (h.closes.join(',') || 'none') + ', reconnects ' + h.client.stats.reconnects);
    expect(refused).toEqual([]);
    expect(r.missing(1, COUNT)).toEqual([]);
    expect(h.outcomeCounts).toEqual({ acked: COUNT });
    expect(h.errors).toEqual([]);
  }

  test('cut twice: CONNECTION_LOST, reconnect, nothing lost', async () => {
    const { h, p, r } = await setUp('cut');
    const publishing = publishAll(h, 'cut');
    for (const at of [200, 400]) {
      await waitUntil(() => published >= at, 10000, 'seq ' + at);
      const before = h.connects.length;
      p.cut();
      await h.waitFor(() => h.connects.length > before, 10000, 'reconnect after cut');
    }
    await expectNoLoss('cut', h, r, await publishing);
    expect(h.closes).toEqual(['CONNECTION_LOST', 'CONNECTION_LOST']);
  }, 60000);

  test('stall (half-open): detected by keepalive, reconnect, nothing lost', async () => {
    const { h, p, r } = await setUp('stall');
    const publishing = publishAll(h, 'stall');
    await waitUntil(() => published >= 200, 10000, 'seq 200');
    p.stall();
    const stalledAt = Date.now();
    // No FIN, no RST: only the missing PINGRESP can reveal it (keepAlive 2 s + pingTimeout 3 s).
    await h.waitFor(() => h.closes.length > 0, 10000, 'the stalled link to be declared dead');
    const detectedAfter = Date.now() - stalledAt;
    p.resume();
    await h.waitFor(h.isConnected, 10000, 'reconnect after stall');
    await expectNoLoss('stall', h, r, await publishing);
    console.log('stall: KEEPALIVE_TIMEOUT after ' + detectedAfter + ' ms');
    expect(h.closes[0]).toBe('KEEPALIVE_TIMEOUT');
  }, 60000);

  test('200 ms latency each way: slower, no false dead-link, nothing lost', async () => {
    const { h, p, r } = await setUp('delay');
    const publishing = publishAll(h, 'delay');
    await waitUntil(() => published >= 100, 10000, 'seq 100');
    p.setDelay(200);
    await sleep(3000);
    // The latency did bite: 10 in flight per 400 ms round trip is slower than the pace, so a backlog built up.
    const backlog = h.client.outbox.msgs.length;
    p.setDelay(0);
    await expectNoLoss('delay', h, r, await publishing);
    console.log('delay: outbox backlog ' + backlog + ' after 3 s of latency');
    expect(backlog).toBeGreaterThan(10);
    // Latency below the keepalive must not be mistaken for a dead link.
    expect(h.closes).toEqual([]);
  }, 60000);
});

/**
 * Fault: the broker crashes (SIGKILL) and comes back, twice, while the node
 * keeps publishing. Mosquitto runs with persistence, our client with
 * cleanSession false, so each side keeps its session; an independent MQTT.js
 * recorder (QoS 1, clean false) proves that every sequence number arrived at
 * least once, reconnecting by itself after each crash. Duplicates are
 * allowed by QoS 1 [MQTT 4.3.2] and reported.
 */
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { NodeHost, publishSequence, sleep, startNodeHost, waitUntil } from '../support/node-host';
import { Recorder, startRecorder } from '../support/subscriber';

const COUNT = 5000;
/** 4 messages every 10 ms: about 400 messages/s, so the run spans ~13 s and both crashes. */
const PACE = { perBatch: 4, everyMs: 10 };
/** The crashes happen once these sequence numbers have been published. */
const CRASH_AT = [1500, 3300];
const TOPIC = 'restart/node1';
const WITNESS = { filter: 'restart/#', clientId: 'restart-recorder' };

describeIfMosquitto('broker crash and restart (Mosquitto, persistence)', () => {
  let broker: Mosquitto | undefined;
  let recorder: Recorder | undefined;
  let host: NodeHost | undefined;

  afterEach(async () => {
    if (host) await host.stop(false);
    if (recorder) await recorder.stop();
    if (broker) await broker.dispose();
    host = broker = recorder = undefined;
  });

  test('5,000 QoS 1 messages across two SIGKILL restarts: none missing, all acked, none dropped', async () => {
    const started = Date.now();
    // Unlimited queue for an offline subscriber: Mosquitto's default (1000) would drop, not us.
    const b = (broker = await startMosquitto({ persistence: true, extraConfig: 'max_queued_messages 0' }));
    const rec = (recorder = await startRecorder(Object.assign({ port: b.port }, WITNESS)));
    const h = (host = startNodeHost({
      port: b.port,
      client: { clientId: 'restart-node', cleanSession: false, keepAlive: 2, maxMessages: COUNT, maxBytes: 1000000 },
      supervisor: { baseDelay: 200, maxDelay: 1000 },
    }));
    await h.waitFor(h.isConnected, 5000, 'first CONNACK');

    let published = 0;
    const heldAtCrash: number[] = [];
    const publishing = publishSequence(h.client, TOPIC, 1, COUNT, PACE, (seq) => (published = seq));
    for (const at of CRASH_AT) {
      await waitUntil(() => published >= at, 30000, 'seq ' + at + ' published');
      // Crash right after an autosave: what came later is lost on the broker, and must be re-sent by us.
      await b.waitForSave(10000);
      heldAtCrash.push(h.client.outbox.msgs.length);
      await b.kill();
      await sleep(500);
      await b.restart();
      await h.waitFor(h.isConnected, 10000, 'reconnect after restart');
    }
    const refused = await publishing;
    await h.waitFor(() => h.outcomes.size >= COUNT, 60000, 'all ' + COUNT + ' publishes completed');
    await rec.waitFor((r) => r.missing(1, COUNT).length === 0, 20000).catch(() => undefined);

    const missing = rec.missing(1, COUNT);
    console.log(
      'broker-restart: ' + COUNT + ' published, ' + rec.duplicates() +
        ' duplicate deliveries at the recorder, missing ' + missing.length + '; client reconnects ' +
        h.client.stats.reconnects + ', outbox at crashes ' + heldAtCrash.join(',') + ', closes ' + h.closes.join(',') + ', sessionPresent ' + h.connects.join(',') +
        '; ' + (Date.now() - started) + ' ms',
    );
    expect(refused).toEqual([]);
    expect(missing).toEqual([]);
    expect(h.outcomeCounts).toEqual({ acked: COUNT });
    expect(h.client.stats.dropped).toBe(0);
    expect(h.errors).toEqual([]);
    // Both crashes were seen as lost links and recovered without help.
    expect(h.closes.filter((c) => c === 'CONNECTION_LOST').length).toBeGreaterThanOrEqual(2);
    expect(h.connects.length).toBeGreaterThanOrEqual(3);
  }, 120000);
});

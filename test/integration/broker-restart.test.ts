/**
 * Fault: the broker crashes (SIGKILL) and comes back, twice, while the node
 * keeps publishing. Mosquitto runs with persistence, our client with
 * cleanSession false, so each side keeps its session; an independent MQTT.js
 * recorder (QoS 1, clean false) proves that every sequence number arrived at
 * least once, reconnecting by itself after each crash. Duplicates are
 * allowed by QoS 1 [MQTT 4.3.2] and reported.
 */
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { sleep, waitUntil } from '../support/node-host';
import { Flow, startFlow } from '../support/qos1-flow';

const COUNT = 5000;
/** 4 messages every 10 ms: about 400 messages/s, so the run spans ~13 s and both crashes. */
const PACE = { perBatch: 4, everyMs: 10 };
/** The crashes happen once these sequence numbers have been published. */
const CRASH_AT = [1500, 3300];

describeIfMosquitto('broker crash and restart (Mosquitto, persistence)', () => {
  let broker: Mosquitto | undefined;
  let flow: Flow | undefined;

  afterEach(async () => {
    if (flow) await flow.stop();
    if (broker) await broker.dispose();
    broker = flow = undefined;
  });

  test('5,000 QoS 1 messages across two SIGKILL restarts: none missing, all acked, none dropped', async () => {
    // Unlimited queue for an offline subscriber: Mosquitto's default (1000) would drop, not us.
    const b = (broker = await startMosquitto({ persistence: true, extraConfig: 'max_queued_messages 0' }));
    const f = (flow = await startFlow({ name: 'restart', brokerPort: b.port, count: COUNT, pace: PACE }));
    const h = f.host;
    const heldAtCrash: number[] = [];
    for (const at of CRASH_AT) {
      await f.reach(at);
      // Crash right after an autosave: what came later is lost on the broker, and must be re-sent by us.
      await b.waitForSave(10000);
      // Mosquitto acks a PUBLISH before it persists it: one acked after that
      // save and not yet delivered would be lost by the broker whatever the
      // client does. So the crash comes when the recorder holds every message
      // the node has seen acked, in the same tick as that check (before any
      // further PUBACK is read); the in-flight ones are the client's to resend.
      await waitUntil(f.ackedRecorded, 10000, 'the recorder to hold every acked message');
      heldAtCrash.push(h.client.outbox.msgs.length);
      await b.kill();
      await sleep(500);
      await b.restart();
      await h.waitFor(h.isConnected, 10000, 'reconnect after restart');
    }
    await f.finish();
    console.log('restart: outbox at crashes ' + heldAtCrash.join(','));
    // Both crashes were seen as lost links and recovered without help.
    expect(h.closes.filter((c) => c === 'CONNECTION_LOST').length).toBeGreaterThanOrEqual(2);
    expect(h.connects.length).toBeGreaterThanOrEqual(3);
  }, 120000);
});

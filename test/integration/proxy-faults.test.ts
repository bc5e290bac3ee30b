/**
 * Faults of the link between node and broker, injected by the chaos proxy
 * while the node publishes 5,000 QoS 1 messages, on Mosquitto and on aedes:
 * - a cut (both sides closed): seen as CONNECTION_LOST;
 * - 200 ms of latency each way: slower, but no false dead link;
 * - a stall (half-open: sockets stay up, nothing passes): only keepalive can
 *   tell, KEEPALIVE_TIMEOUT; the rest of the flow piles up in the outbox.
 * The broker stays up; the node (cleanSession false) recovers by itself, and
 * an MQTT.js recorder connected straight to the broker proves that no
 * sequence number is missing (see qos1-flow).
 */
import { describeEachBroker } from '../support/brokers';
import { ChaosProxy, startProxy } from '../support/chaos-proxy';
import { sleep } from '../support/node-host';
import { Flow, startFlow } from '../support/qos1-flow';

const COUNT = 5000;
/** 4 messages every 10 ms: about 400 messages/s, a ~13 s run, so every fault lands mid-flow. */
const PACE = { perBatch: 4, everyMs: 10 };
const CUT_AT = 800;
const DELAY_AT = 1500;
const DELAY_MS = 200;
const DELAY_FOR_MS = 2500;
const STALL_AT = 3000;

describeEachBroker('5,000 QoS 1 through link faults', (broker, name) => {
  let proxy: ChaosProxy | undefined;
  let flow: Flow | undefined;

  afterEach(async () => {
    if (flow) await flow.stop();
    if (proxy) await proxy.close();
    flow = proxy = undefined;
  });

  test('cut, 200 ms latency, stall (half-open): all acked, none missing', async () => {
    const p = (proxy = await startProxy({ targetPort: broker().port }));
    const f = (flow = await startFlow({ name: 'faults-' + name, brokerPort: broker().port, nodePort: p.port, count: COUNT, pace: PACE }));
    const h = f.host;

    await f.reach(CUT_AT);
    p.cut();
    await h.waitFor(() => h.connects.length >= 2, 10000, 'reconnect after the cut');

    await f.reach(DELAY_AT);
    p.setDelay(DELAY_MS);
    await sleep(DELAY_FOR_MS);
    // The latency did bite: 10 in flight per 400 ms round trip is slower than the pace.
    const backlog = h.client.outbox.msgs.length;
    p.setDelay(0);

    await f.reach(STALL_AT);
    p.stall();
    const stalledAt = Date.now();
    // No FIN, no RST: only the missing PINGRESP reveals it (keepAlive 2 s + pingTimeout 3 s).
    await h.waitFor(() => h.closes.length >= 2, 10000, 'the stalled link to be declared dead');
    const detectedMs = Date.now() - stalledAt;
    p.resume();
    await h.waitFor(() => h.connects.length >= 3, 10000, 'reconnect after the stall');

    await f.finish();
    console.log('faults-' + name + ': outbox backlog ' + backlog + ' after ' + DELAY_FOR_MS + ' ms of latency; stall detected after ' + detectedMs + ' ms');
    expect(backlog).toBeGreaterThan(10);
    // Exactly one close per fault: latency below the keepalive was not taken for a dead link.
    expect(h.closes).toEqual(['CONNECTION_LOST', 'KEEPALIVE_TIMEOUT']);
  }, 120000);
});

/**
 * Fault: the broker crashes (SIGKILL, right after a database save) and comes
 * back while a node publishes a reading every simulated second. The node
 * (cleanSession false) keeps unacknowledged readings in its outbox,
 * reconnects by itself and resends them, so an independent recorder with a
 * persistent session sees every seq from the first to the last: no gaps.
 * Duplicates are allowed by QoS 1 [MQTT-4.3.2].
 */
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { Recorder, startRecorder } from '../support/subscriber';
import { bootNode, distinctSeqs, ensureDist, gaps, lastSeq, logOf, readings, sleep, stopNodes, waitUntil } from './e2e-helpers';

const ID = 'restart-1';

describeIfMosquitto('e2e broker restart: Mosquitto killed and restarted while the node publishes', () => {
  let broker: Mosquitto | undefined;
  let rec: Recorder | undefined;

  beforeAll(() => ensureDist());
  afterEach(async () => {
    stopNodes();
    if (rec) await rec.stop();
    if (broker) await broker.dispose();
    rec = broker = undefined;
  });

  test('esp32: every seq arrives (no gaps) and the node reconnects by itself', async () => {
    const b = (broker = await startMosquitto({ persistence: true, extraConfig: 'max_queued_messages 0' }));
    const r = (rec = await startRecorder({ port: b.port, filter: 'sensors/' + ID + '/telemetry', clientId: 'rec-' + ID }));
    // 10x time: one reading per 100 ms real, so the outage holds several readings.
    const node = bootNode({ board: 'esp32', nodeId: ID, port: b.port, config: { keepAlive: 5 }, node: { timeScale: 0.1 } });
    const connects = (): number => node.lines.filter((l) => /mqtt connected/.test(l)).length;
    await waitUntil(() => lastSeq(r, ID) >= 10, 10000, '10 readings', logOf(node));

    await b.waitForSave(10000);
    await b.kill();
    const atCrash = lastSeq(r, ID);
    await sleep(1000);
    await b.restart();

    await waitUntil(() => connects() >= 2, 20000, 'the node to reconnect', logOf(node));
    await waitUntil(() => lastSeq(r, ID) >= atCrash + 20, 20000, '20 readings after the restart', logOf(node));
    node.stop();

    const seqs = distinctSeqs(readings(r, ID));
    const last = seqs[seqs.length - 1];
    expect(seqs[0]).toBe(1);
    expect(gaps(seqs, 1, last)).toEqual([]);
    expect(node.lines.filter((l) => /mqtt closed/.test(l)).length).toBeGreaterThanOrEqual(1);
    expect(node.lines.filter((l) => /dropped|refused/.test(l))).toEqual([]);
  });
});

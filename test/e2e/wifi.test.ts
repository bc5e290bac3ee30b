/**
 * Fault: the Wi-Fi access point disappears for a while (the station sees
 * beacon_timeout, its sockets fail) and comes back. Readings taken while
 * offline wait in the outbox; the node rejoins, reconnects to the broker and
 * delivers them: no seq is missing at an independent recorder.
 */
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { Recorder, startRecorder } from '../support/subscriber';
import { bootNode, distinctSeqs, ensureDist, gaps, lastSeq, logOf, readings, stopNodes, waitUntil } from './e2e-helpers';

const ID = 'wifi-1';
/** Simulated ms without an access point: 8 readings at one per second. */
const OUTAGE_MS = 8000;

describeIfMosquitto('e2e Wi-Fi outage: the node recovers and no reading is lost', () => {
  let broker: Mosquitto;
  let rec: Recorder | undefined;

  beforeAll(async () => {
    ensureDist();
    broker = await startMosquitto();
  });
  afterEach(async () => {
    stopNodes();
    if (rec) await rec.stop();
    rec = undefined;
  });
  afterAll(async () => {
    if (broker) await broker.dispose();
  });

  test('esp32: dropWifi for 8 s, then restored: reconnects, every seq arrives', async () => {
    const r = (rec = await startRecorder({ port: broker.port, filter: 'sensors/' + ID + '/telemetry', clientId: 'rec-' + ID }));
    const node = bootNode({ board: 'esp32', nodeId: ID, port: broker.port });
    const count = (re: RegExp): number => node.lines.filter((l) => re.test(l)).length;
    await waitUntil(() => lastSeq(r, ID) >= 3, 10000, '3 readings', logOf(node));

    node.dropWifi(OUTAGE_MS);
    await waitUntil(() => count(/wifi down/) >= 1, 5000, 'the station to notice', logOf(node));
    const atDrop = lastSeq(r, ID);
    await waitUntil(() => count(/wifi up/) >= 2 && count(/mqtt connected/) >= 2, 15000, 'Wi-Fi and MQTT back', logOf(node));
    await waitUntil(() => lastSeq(r, ID) >= atDrop + 15, 15000, '15 readings after the drop', logOf(node));
    node.stop();

    const seqs = distinctSeqs(readings(r, ID));
    expect(seqs[0]).toBe(1);
    expect(gaps(seqs, 1, seqs[seqs.length - 1])).toEqual([]);
    expect(count(/dropped|refused|Uncaught/)).toBe(0);
  });
});

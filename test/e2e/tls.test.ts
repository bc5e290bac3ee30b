/**
 * TLS with client-certificate authentication (as AWS IoT Core requires):
 * Mosquitto's TLS listener with require_certificate true and a throwaway CA
 * (openssl). The node's config names PEM files; validateConfig embeds them
 * as DER byte strings, the form Espruino's tls passes to mbedtls, and the
 * emulated tls presents the client certificate. Without one, the broker
 * refuses the handshake and the node never publishes.
 */
import { describeIfMosquitto, makeClientCertificate, Mosquitto, startMosquitto } from '../support/mosquitto';
import { Recorder, startRecorder } from '../support/subscriber';
import { Board, bootNode, describeMessages, ensureDist, logOf, readings, sleep, statuses, stopNodes, waitUntil } from './e2e-helpers';

describeIfMosquitto('e2e TLS: client certificate required by Mosquitto', () => {
  let broker: Mosquitto;
  const recorders: Recorder[] = [];

  beforeAll(async () => {
    ensureDist();
    broker = await startMosquitto({ tls: { requireCertificate: true } });
  });
  afterEach(async () => {
    stopNodes();
    while (recorders.length > 0) await recorders.pop()!.stop();
  });
  afterAll(async () => {
    if (broker) await broker.dispose();
  });

  /** The recorder listens on the plain listener; the node uses the TLS one. */
  async function record(id: string): Promise<Recorder> {
    const rec = await startRecorder({ port: broker.port, filter: 'sensors/' + id + '/#', clientId: 'rec-' + id });
    recorders.push(rec);
    return rec;
  }

  // esp32 with an RSA key in PKCS#8, linux with an EC key in SEC1 ("EC PRIVATE KEY").
  test.each([['esp32', 'rsa'], ['linux', 'ec']] as [Board, 'rsa' | 'ec'][])('%s (%s client key) connects over TLS and its telemetry arrives', async (board, keyType) => {
    const id = 'tls-' + board;
    const client = keyType === 'rsa' ? { cert: broker.clientCertFile!, key: broker.clientKeyFile! } : makeClientCertificate(broker.dir, 'client-ec', 'ec');
    const rec = await record(id);
    const node = bootNode({
      board,
      nodeId: id,
      port: broker.tlsPort!,
      config: { tls: true, ca: broker.caFile, cert: client.cert, key: client.key },
    });
    await waitUntil(() => readings(rec, id).length >= 2 && statuses(rec, id).indexOf('online') >= 0, 15000, 'telemetry over TLS',
      () => describeMessages(rec.messages) + '\n' + logOf(node)());
    expect(readings(rec, id).slice(0, 2).map((r) => r.seq)).toEqual([1, 2]);
    expect(node.lines.filter((l) => /Uncaught|mqtt closed/.test(l))).toEqual([]);
    // The broker saw a TLS client on the TLS listener.
    expect(broker.logs()).toMatch(new RegExp('New connection from 127\\.0\\.0\\.1:\\d+ on port ' + broker.tlsPort));
    expect(broker.logs()).toMatch(new RegExp('New client connected from 127\\.0\\.0\\.1:\\d+ as ' + id));
  });

  test('esp32 without a client certificate: the connection is refused and nothing is published', async () => {
    const id = 'tls-nocert';
    const rec = await record(id);
    const node = bootNode({ board: 'esp32', nodeId: id, port: broker.tlsPort!, config: { tls: true, ca: broker.caFile } });
    const failures = (): string[] => node.lines.filter((l) => /mqtt closed: CONNECTION_LOST \((RESET|TLS_FAILED)\)/.test(l));
    await waitUntil(() => failures().length >= 2, 15000, 'two failed attempts', logOf(node));
    // TLS 1.3: the client's handshake completes, then the broker rejects the missing
    // certificate (an alert, or a reset). Give a wrongly accepted session time to publish.
    await sleep(500);
    expect(rec.messages).toEqual([]);
    expect(node.lines.filter((l) => /mqtt connected/.test(l))).toEqual([]);
    expect(broker.logs()).not.toMatch(new RegExp('New client connected from .* as ' + id));
  });
});

/**
 * Fault: the node restarts. seq is never reused:
 * - an unplanned reset (node.reboot(): RAM lost, Storage kept) resumes at
 *   the ceiling reserved in Storage "node.seq", so the consumer sees a gap
 *   of at most 100 and never a repeated number;
 * - a planned deep sleep stores the exact next number first (persist()), so
 *   a node that wakes, publishes and sleeps again leaves no gaps, and it says
 *   "offline" (retained) before each sleep.
 */
import { describeIfMosquitto } from '../support/mosquitto';
import { Recorder, RecordedMessage, startRecorder } from '../support/subscriber';
import { Board, bootNode, brokerFixture, describeMessages, distinctSeqs, gaps, logOf, readings, waitUntil } from './e2e-helpers';

/** The app reserves this many numbers per Storage write (SEQ_RESERVE in firmware/app/node.ts). */
const RESERVE = 100;
const SLEEPS = 4;

describeIfMosquitto('e2e reboot and deep sleep: seq never repeats', () => {
  const fx = brokerFixture();

  async function record(id: string, filter: string): Promise<Recorder> {
    const rec = await startRecorder({ port: fx.broker.port, filter: 'sensors/' + id + filter, clientId: 'rec-' + id });
    fx.recorders.push(rec);
    return rec;
  }

  test('esp32 reset: the next seq is above every earlier one and at most 100 higher', async () => {
    const id = 'reboot-1';
    const rec = await record(id, '/telemetry');
    const node = bootNode({ board: 'esp32', nodeId: id, port: fx.broker.port });
    await waitUntil(() => readings(rec, id).length >= 5, 10000, '5 readings', logOf(node));
    node.reboot();
    await waitUntil(() => node.bootCount === 2 && readings(rec, id).some((r) => r.seq > RESERVE), 10000, 'readings after the reset', logOf(node));
    await waitUntil(() => readings(rec, id).filter((r) => r.seq > RESERVE).length >= 3, 10000, '3 readings after the reset', logOf(node));
    node.stop();

    const seqs = distinctSeqs(readings(rec, id));
    const before = seqs.filter((s) => s <= RESERVE);
    const after = seqs.filter((s) => s > RESERVE);
    const lastBefore = before[before.length - 1];
    // Before: 1..k without gaps; after: resumes above k, at most RESERVE higher, then without gaps.
    expect(gaps(before, 1, lastBefore)).toEqual([]);
    expect(after[0]).toBeGreaterThan(lastBefore);
    expect(after[0]).toBeLessThanOrEqual(lastBefore + RESERVE);
    expect(gaps(after, after[0], after[after.length - 1])).toEqual([]);
    // Never a repeat: each seq stands for exactly one reading (payload), across both boots.
    const payloadsPerSeq = new Map<number, Set<string>>();
    for (const m of rec.messages) {
      const seq = m.seq as number;
      if (!payloadsPerSeq.has(seq)) payloadsPerSeq.set(seq, new Set());
      payloadsPerSeq.get(seq)!.add(m.payload.toString());
    }
    expect(Array.from(payloadsPerSeq.values()).filter((p) => p.size > 1)).toEqual([]);
  });

  test.each(['esp32', 'esp8266'] as Board[])('%s deep sleep (interval 2 s): wakes, publishes, says offline, sleeps; seq without gaps', async (board) => {
    const id = 'sleepy-' + board;
    const rec = await record(id, '/#');
    const node = bootNode({ board, nodeId: id, port: fx.broker.port, config: { deepSleep: true, interval: 2 } });
    let sleeps = 0;
    node.events.on('sleep', () => {
      // Power the node off during its SLEEPS-th sleep: exactly SLEEPS readings are then due.
      if (++sleeps === SLEEPS) node.stop();
    });
    await waitUntil(() => sleeps >= SLEEPS, 20000, SLEEPS + ' sleeps', logOf(node));
    const ofNode = (m: RecordedMessage): boolean => m.topic.indexOf('sensors/' + id + '/') === 0;
    const offlineCount = (): number => rec.messages.filter((m) => ofNode(m) && m.topic.endsWith('/status') && m.payload.toString() === 'offline').length;
    await waitUntil(() => offlineCount() >= SLEEPS && readings(rec, id).length >= SLEEPS, 5000, 'all messages of ' + SLEEPS + ' wakes',
      () => describeMessages(rec.messages));

    expect(node.bootCount).toBe(SLEEPS);
    expect(distinctSeqs(readings(rec, id))).toEqual([1, 2, 3, 4]);
    // Arrival order (one publisher, one subscriber: order is kept): "online", reading n, "offline", then reading n + 1.
    const order = rec.messages.filter(ofNode).map((m) => (m.topic.endsWith('/telemetry') ? 'T' + m.seq : m.payload.toString()));
    const positions = (x: string): number[] => order.map((v, i) => (v === x ? i : -1)).filter((i) => i >= 0);
    const offline = positions('offline');
    const online = positions('online');
    for (let n = 1; n <= SLEEPS; n++) {
      const t = order.indexOf('T' + n);
      expect(online[n - 1]).toBeLessThan(t);
      expect(offline[n - 1]).toBeGreaterThan(t);
      if (n < SLEEPS) expect(offline[n - 1]).toBeLessThan(order.indexOf('T' + (n + 1)));
    }
    // Every wake said "online" once, before its reading; the sleeps were planned (DISCONNECT: no will).
    expect(online.length).toBe(SLEEPS);
    expect(node.lines.filter((l) => /sleeping 2 s: all acknowledged/.test(l)).length).toBe(SLEEPS);
    expect(node.lines.filter((l) => /Uncaught/.test(l))).toEqual([]);
  });
});

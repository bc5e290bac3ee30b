/**
 * Boot: each shipped board bundle, run unchanged in the Espruino emulation
 * with its config read from Storage node.json, joins Wi-Fi (where the board
 * has it), connects to Mosquitto, says "online" (retained) on its status
 * topic and publishes telemetry with seq 1, 2, 3... as JSON.
 */
import { describeIfMosquitto } from '../support/mosquitto';
import { startRecorder } from '../support/subscriber';
import { Board, bootNode, brokerFixture, describeMessages, logOf, readings, statuses, waitUntil } from './e2e-helpers';

const BOARDS: Board[] = ['esp32', 'esp8266', 'linux'];

describeIfMosquitto('e2e boot: dist/<board>.js in the emulation against Mosquitto', () => {
  const fx = brokerFixture();

  test.each(BOARDS)('%s: online (retained) on status, then telemetry seq 1, 2, 3 with its fields', async (board) => {
    const id = 'boot-' + board;
    const rec = await startRecorder({ port: fx.broker.port, filter: 'sensors/' + id + '/#', clientId: 'rec-' + id });
    fx.recorders.push(rec);
    const node = bootNode({ board, nodeId: id, port: fx.broker.port });
    await waitUntil(() => readings(rec, id).length >= 3 && statuses(rec, id).indexOf('online') >= 0, 15000,
      '3 readings and "online" from ' + id, () => describeMessages(rec.messages) + '\n' + logOf(node)());

    const got = readings(rec, id).slice(0, 3);
    expect(got.map((r) => r.seq)).toEqual([1, 2, 3]);
    for (const r of got) {
      expect(Number.isInteger(r.uptime) && r.uptime >= 0).toBe(true);
      expect(typeof r.memFree).toBe('number');
      if (board === 'linux') expect(r.rssi).toBeUndefined();
      else expect(r.rssi).toBeLessThan(0);
    }
    // Readings are taken once per (simulated) second: uptime grows.
    expect(got[2].uptime).toBeGreaterThan(got[0].uptime);
    expect(node.lines.filter((l) => /Uncaught/.test(l))).toEqual([]);

    // A subscriber arriving later gets "online" as the retained status.
    const late = await startRecorder({ port: fx.broker.port, filter: 'sensors/' + id + '/status', clientId: 'late-' + id });
    fx.recorders.push(late);
    await waitUntil(() => late.messages.length >= 1, 5000, 'the retained status');
    expect(late.messages[0].payload.toString()).toBe('online');
    expect(late.messages[0].retain).toBe(true);
  });
});

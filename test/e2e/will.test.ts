/**
 * Fault: the node dies without a DISCONNECT. The broker must publish the
 * node's will, "offline" retained on its status topic [MQTT-3.1.2-8]:
 * at once when the TCP connection is reset (power cut with the peer seeing
 * a RST), and after 1.5 x keepalive when the connection just goes mute
 * (the broker's keepalive check [MQTT-3.1.2-24]).
 */
import { describeIfMosquitto } from '../support/mosquitto';
import { Recorder, startRecorder } from '../support/subscriber';
import { bootNode, brokerFixture, describeMessages, logOf, readings, statuses, waitUntil } from './e2e-helpers';

describeIfMosquitto('e2e will: a node that dies abruptly is reported offline by the broker', () => {
  const fx = brokerFixture();

  async function runUntilDeath(id: string, abruptClose: 'reset' | 'silent', keepAlive: number): Promise<Recorder> {
    const rec = await startRecorder({ port: fx.broker.port, filter: 'sensors/' + id + '/status', clientId: 'rec-' + id });
    fx.recorders.push(rec);
    const tele = await startRecorder({ port: fx.broker.port, filter: 'sensors/' + id + '/telemetry', clientId: 'tele-' + id });
    fx.recorders.push(tele);
    const node = bootNode({ board: 'esp32', nodeId: id, port: fx.broker.port, config: { keepAlive }, node: { abruptClose } });
    await waitUntil(() => statuses(rec, id).indexOf('online') >= 0 && readings(tele, id).length >= 2, 10000, 'online and 2 readings', logOf(node));
    node.cutPower();
    return rec;
  }

  test('power cut with a TCP reset: the will "offline" is published, and retained', async () => {
    const id = 'will-reset';
    const rec = await runUntilDeath(id, 'reset', 10);
    await waitUntil(() => statuses(rec, id).indexOf('offline') >= 0, 5000, 'the will', () => describeMessages(rec.messages));
    expect(statuses(rec, id)).toEqual(['online', 'offline']);

    const late = await startRecorder({ port: fx.broker.port, filter: 'sensors/' + id + '/status', clientId: 'late-' + id });
    fx.recorders.push(late);
    await waitUntil(() => late.messages.length >= 1, 5000, 'the retained status');
    expect(late.messages[0].payload.toString()).toBe('offline');
    expect(late.messages[0].retain).toBe(true);
    expect(fx.broker.logs()).not.toMatch(/Client will-reset has exceeded timeout/);
  });

  test('power cut with the connection left mute: the will follows after 1.5 x keepalive', async () => {
    const id = 'will-silent';
    // keepAlive 2 s: Mosquitto gives up after 3 s of silence (real seconds: the broker is not simulated).
    const rec = await runUntilDeath(id, 'silent', 2);
    await waitUntil(() => statuses(rec, id).indexOf('offline') >= 0, 10000, 'the will after keepalive', () => describeMessages(rec.messages));
    expect(statuses(rec, id)).toEqual(['online', 'offline']);
    // No RST or FIN reached the broker: its keepalive check is what noticed.
    expect(fx.broker.logs()).toMatch(/Client will-silent has exceeded timeout/);
  });
});

/**
 * The last will, on Mosquitto and on aedes, with the core client (not the
 * app, whose own "offline" before a planned stop would hide the broker's
 * will). The will payload is unique to each test and an MQTT.js recorder on
 * the will topic is the witness:
 * - the link dies without DISCONNECT (proxy cut, or the node's socket
 *   destroyed): the broker publishes the will [MQTT-3.1.2-8];
 * - disconnect(): DISCONNECT goes out, the broker discards the will
 *   [MQTT-3.14.4-3], and nothing arrives within WILL_WAIT_MS.
 * The first two are the control of the last: the same wait is enough for a
 * will that is due to arrive.
 */
import { describeEachBroker } from '../support/brokers';
import { ChaosProxy, startProxy } from '../support/chaos-proxy';
import { NodeHost, sleep, startNodeHost } from '../support/node-host';
import { Recorder, startRecorder } from '../support/subscriber';

const WILL_WAIT_MS = 1500;

describeEachBroker('will', (broker, name) => {
  let proxy: ChaosProxy | undefined;
  let recorder: Recorder | undefined;
  let host: NodeHost | undefined;

  afterEach(async () => {
    if (host) await host.stop(false);
    if (recorder) await recorder.stop();
    if (proxy) await proxy.close();
    host = recorder = proxy = undefined;
  });

  /**
   * A recorder on `id/status`, then our client at `port` with a will there,
   * connected; it publishes "online" there too, and the recorder got it (the
   * witness is subscribed and the path works) and the node got the PUBACK
   * (so no re-publish after a reconnect can follow).
   */
  async function nodeWithWill(id: string, port: number): Promise<{ h: NodeHost; r: Recorder }> {
    const topic = id + '/status';
    const r = (recorder = await startRecorder({ port: broker().port, filter: topic, clientId: id + '-recorder' }));
    const h = (host = startNodeHost({
      port: port,
      client: { clientId: id, keepAlive: 10, will: { topic: topic, payload: 'will of ' + id, qos: 1, retain: false } },
      supervisor: { baseDelay: 200, maxDelay: 1000 },
    }));
    await h.waitFor(h.isConnected, 5000, 'CONNACK');
    expect(typeof h.client.publish(topic, 'online', 1, false)).toBe('number');
    await r.waitFor((rec) => rec.messages.length >= 1, 5000);
    await h.waitFor(() => h.outcomeCounts.acked === 1, 5000, 'PUBACK');
    return { h, r };
  }

  const payloads = (r: Recorder): string[] => r.messages.map((m) => m.payload.toString());

  test.each(['proxy cut', 'socket destroyed'])('link lost without DISCONNECT (%s): the will is published', async (how) => {
    const id = 'will-lost-' + how.split(' ')[0] + '-' + name;
    let port = broker().port;
    if (how === 'proxy cut') port = (proxy = await startProxy({ targetPort: broker().port })).port;
    const { h, r } = await nodeWithWill(id, port);
    const lostAt = Date.now();
    if (proxy) proxy.cut();
    else await h.stop(false);
    await r.waitFor((rec) => payloads(rec).indexOf('will of ' + id) >= 0, WILL_WAIT_MS);
    console.log(id + ': will received ' + (Date.now() - lostAt) + ' ms after the link died');
    expect(payloads(r)).toEqual(['online', 'will of ' + id]);
  });

  test('disconnect(): DISCONNECT is sent, the will is not published', async () => {
    const id = 'will-clean-' + name;
    const { h, r } = await nodeWithWill(id, broker().port);
    await h.stop(true);
    expect(h.closes).toEqual(['DISCONNECTED']);
    await sleep(WILL_WAIT_MS);
    console.log(id + ': ' + (r.messages.length - 1) + ' messages on the will topic within ' + WILL_WAIT_MS + ' ms of DISCONNECT');
    expect(payloads(r)).toEqual(['online']);
  });
});

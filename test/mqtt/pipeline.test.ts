/**
 * Pipelining on a persistent session: QoS 1 goes right after CONNECT (re-sent
 * with DUP=1, or new), QoS 2 and PUBREL wait for CONNACK, and whatever the
 * CONNACK says, nothing is written twice and nothing is lost.
 */
import * as mp from 'mqtt-packet';
import { MsgState } from '../../firmware/mqtt/outbox';
import { broker, harness, wire } from '../support/scripted-transport';

const pub = (id: number, payload: string, qos: 1 | 2, dup: boolean) =>
  wire({ cmd: 'publish', topic: 'q', payload: Buffer.from(payload), qos, messageId: id, dup, retain: false });

/**
 * A pipelining client on a persistent session whose saved outbox holds, in
 * order: A QoS 1 in flight (id 1), B QoS 2 released (id 2), C QoS 2 awaiting
 * PUBREC (id 3), D QoS 1 queued (id 4), E QoS 2 queued (id 5).
 */
function client() {
  const saved =
    String.fromCharCode(0, 6) +
    pub(1, 'A', 1, true) +
    wire({ cmd: 'pubrel', messageId: 2 }) +
    pub(2, 'B', 2, true) +
    pub(3, 'C', 2, true) +
    pub(4, 'D', 1, false) +
    pub(5, 'E', 2, false);
  const h = harness({ cleanSession: false, pipeline: true, store: { load: () => saved, save: () => 'OK' } });
  expect(h.client.outbox.msgs.map((m) => m.state)).toEqual([
    MsgState.AWAIT_PUBACK,
    MsgState.AWAIT_PUBCOMP,
    MsgState.AWAIT_PUBREC,
    MsgState.QUEUED,
    MsgState.QUEUED,
  ]);
  return h;
}

/** Each packet as "cmd payload-or-id dup". */
const show = (ps: mp.Packet[]) =>
  ps.map((p) =>
    p.cmd === 'publish' ? 'publish ' + p.payload.toString() + (p.dup ? ' dup' : '') : p.cmd + ' ' + ((p as mp.IPubrelPacket).messageId ?? ''),
  );

describe('pipelining on a persistent session', () => {
  it('writes only QoS 1 before CONNACK: in-flight ones with DUP=1, queued and new ones as new', () => {
    const h = client();
    const t = h.open();
    expect(show(t.take())).toEqual(['connect ', 'publish A dup', 'publish D']);
    h.client.publish('q', 'F', 1, false);
    h.client.publish('q', 'G', 2, false);
    h.client.publish('q', 'H', 0, false);
    expect(show(t.take())).toEqual(['publish F', 'publish H']);
  });

  it('session present: writes the held QoS 2 flows at CONNACK, and re-sends nothing already written', () => {
    const h = client();
    const t = h.open();
    h.client.publish('q', 'F', 1, false);
    t.take();
    h.feed(broker.connack(true));
    expect(show(t.take())).toEqual(['pubrel 2', 'publish C dup', 'publish E']);
    h.feed(broker.puback(1) + broker.puback(4) + broker.puback(6) + broker.pubcomp(2));
    expect(h.ev.done.map((d) => d[2] + ' ' + d[1])).toEqual(['1 acked', '4 acked', '6 acked', '2 acked']);
    expect(t.take()).toEqual([]);
  });

  it('session lost: the QoS 1 messages written before CONNACK only await PUBACK; QoS 2 starts over as new', () => {
    const h = client();
    const t = h.open();
    h.client.publish('q', 'F', 1, false);
    t.take();
    h.feed(broker.connack(false));
    // B's PUBREL would have been answered by a PUBCOMP for a message the new session never had.
    expect(show(t.take())).toEqual(['publish B', 'publish C', 'publish E']);
    expect(h.client.outbox.msgs.map((m) => m.payload + ' ' + m.state)).toEqual([
      'A ' + MsgState.AWAIT_PUBACK,
      'B ' + MsgState.AWAIT_PUBREC,
      'C ' + MsgState.AWAIT_PUBREC,
      'D ' + MsgState.AWAIT_PUBACK,
      'E ' + MsgState.AWAIT_PUBREC,
      'F ' + MsgState.AWAIT_PUBACK,
    ]);
    h.feed(broker.puback(1) + broker.puback(4) + broker.puback(6));
    expect(h.ev.done.map((d) => d[2] + ' ' + d[1])).toEqual(['1 acked', '4 acked', '6 acked']);
  });

  it('keeps the in-flight window before CONNACK', () => {
    const h = harness({ cleanSession: false, pipeline: true, maxInflight: 2 });
    for (const p of ['a', 'b', 'c']) h.client.publish('q', p, 1, false);
    const t = h.open();
    expect(show(t.take())).toEqual(['connect ', 'publish a', 'publish b']);
    h.feed(broker.connack(false));
    expect(t.take()).toEqual([]);
    h.feed(broker.puback(1));
    expect(show(t.take())).toEqual(['publish c']);
  });

  it('subscribes after CONNACK, when the broker has said whether it kept the subscriptions', () => {
    const h = harness({ cleanSession: false, pipeline: true });
    h.client.subscribe('cmd/#', 1, undefined);
    h.client.publish('q', 'a', 1, false);
    const t = h.open();
    expect(t.takeCmds()).toEqual(['connect', 'publish']);
    h.feed(broker.connack(false));
    expect(t.takeCmds()).toEqual(['subscribe']);
  });
});

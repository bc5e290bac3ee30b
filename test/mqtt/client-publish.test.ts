/**
 * Outgoing publications: validation, QoS 0/1/2 handshakes, packet ids and
 * their wrap-around, the in-flight window and the completion callback.
 */
import * as mp from 'mqtt-packet';
import { broker, harness, wire } from '../support/scripted-transport';
import { notOnLua, WIDE_CHAR } from '../support/session-recorder';

const pubs = (ps: mp.Packet[]) => ps.filter((p) => p.cmd === 'publish') as mp.IPublishPacket[];

describe('publish validation', () => {
  const bad = [
    { label: 'empty', topic: '', code: 'EMPTY_TOPIC' },
    { label: 'a/+/b', topic: 'a/+/b', code: 'TOPIC_WILDCARD' },
    { label: 'a/#', topic: 'a/#', code: 'TOPIC_WILDCARD' },
    { label: 'with U+0000', topic: 'a' + String.fromCharCode(0), code: 'BAD_UTF8' },
    { label: 'with a lone surrogate', topic: 'a\ud800', code: 'BAD_UTF8' },
    { label: '70000 bytes long', topic: 'x'.repeat(70000), code: 'STRING_TOO_LONG' },
  ];
  it.each(bad)('topic $label is refused with $code, nothing is written', ({ topic, code }) => {
    if (/[^\x00-\xff]/.test(topic)) notOnLua(WIDE_CHAR);
    const h = harness();
    const t = h.online();
    t.take();
    expect(h.client.publish(topic, 'p', 1, false)).toBe(code);
    expect(t.take()).toEqual([]);
    expect(h.client.stats.rejected).toBe(1);
    expect(h.client.outbox.msgs.length).toBe(0);
  });

  const unencodable = [
    { label: 'a payload char above 255', payload: 'price \u20ac5', qos: 1 },
    { label: 'a payload char above 255 at QoS 0', payload: '\u20ac', qos: 0 },
    { label: 'a payload that is not a string', payload: 5 as unknown as string, qos: 1 },
    { label: 'QoS 3', payload: 'p', qos: 3 },
  ];
  it.each(unencodable)('refuses $label with BAD_MESSAGE, nothing is written or kept', ({ payload, qos }) => {
    if (/[^\x00-\xff]/.test(String(payload))) notOnLua(WIDE_CHAR);
    const h = harness();
    const t = h.online();
    t.take();
    expect(h.client.publish('t', payload, qos as 0 | 1 | 2, false)).toBe('BAD_MESSAGE');
    expect(t.written.length).toBe(1);
    expect(h.client.outbox.msgs.length).toBe(0);
    expect(h.client.stats).toMatchObject({ published: 0, rejected: 1 });
  });

  it('refuses with OUTBOX_FULL when no packet id is free, and keeps nothing', () => {
    notOnLua('patches allocId_');
    const h = harness();
    (h.client as unknown as { allocId_: () => number }).allocId_ = () => 0;
    expect(h.client.publish('t', 'x', 1, false)).toBe('OUTBOX_FULL');
    expect(h.client.outbox.msgs.length).toBe(0);
    expect(h.client.stats.rejected).toBe(1);
  });

  it('caps maxMessages at 65535, one packet id each', () => {
    const h = harness({ maxMessages: 100000 });
    expect((h.client as unknown as { maxMessages_: number }).maxMessages_).toBe(65535);
  });

  it('refuses a message larger than maxBytes with TOO_LARGE', () => {
    const h = harness({ maxBytes: 100 });
    expect(h.client.publish('t', 'x'.repeat(100), 1, false)).toBe('TOO_LARGE');
    expect(typeof h.client.publish('t', 'x'.repeat(50), 1, false)).toBe('number');
  });
});

describe('QoS 0', () => {
  it('is written at once with retain and binary payload, and returns a token', () => {
    const h = harness();
    const t = h.online();
    t.take();
    const bytes = String.fromCharCode(0, 128, 255, 10);
    const token = h.client.publish('s/t', bytes, 0, true);
    expect(token).toBe(1);
    const [p] = pubs(t.take());
    expect(p.qos).toBe(0);
    expect(p.retain).toBe(true);
    expect(p.topic).toBe('s/t');
    expect(Buffer.from(p.payload as Buffer).toString('latin1')).toBe(bytes);
    expect(h.ev.done).toEqual([]);
    expect(h.client.stats.published).toBe(1);
  });
});

describe('QoS 1', () => {
  it('stays in the outbox until PUBACK, then reports acked once', () => {
    const h = harness();
    const t = h.online();
    t.take();
    const token = h.client.publish('s/t', 'v', 1, false) as number;
    const [p] = pubs(t.take());
    expect(p.qos).toBe(1);
    expect(p.dup).toBe(false);
    expect(p.messageId).toBe(1);
    expect(h.client.outbox.msgs.length).toBe(1);
    h.feed(broker.puback(1));
    h.feed(broker.puback(1));
    expect(h.ev.done).toEqual([[token, 'acked', 1]]);
    expect(h.client.outbox.msgs.length).toBe(0);
    expect(h.client.stats.acked).toBe(1);
  });

  it('ignores a PUBACK for an id it does not hold', () => {
    const h = harness();
    h.online();
    h.client.publish('s/t', 'v', 1, false);
    h.feed(broker.puback(7));
    expect(h.ev.done).toEqual([]);
    expect(h.ev.closes).toEqual([]);
  });
});

describe('QoS 2', () => {
  it('runs PUBLISH, PUBREC, PUBREL, PUBCOMP and reports acked at PUBCOMP', () => {
    const h = harness();
    const t = h.online();
    t.take();
    const token = h.client.publish('s/t', 'v', 2, false) as number;
    const [p] = pubs(t.take());
    expect(p.qos).toBe(2);
    h.feed(broker.pubrec(p.messageId!));
    const [rel] = t.take() as mp.IPubrelPacket[];
    expect(rel.cmd).toBe('pubrel');
    expect(rel.messageId).toBe(p.messageId);
    expect(h.ev.done).toEqual([]);
    h.feed(broker.pubrec(p.messageId!));
    expect(t.takeCmds()).toEqual(['pubrel']);
    h.feed(broker.puback(p.messageId!));
    expect(h.ev.done).toEqual([]);
    h.feed(broker.pubcomp(p.messageId!));
    expect(h.ev.done).toEqual([[token, 'acked', p.messageId]]);
    expect(h.client.outbox.msgs.length).toBe(0);
  });
});

describe('packet ids', () => {
  it('counts 1, 2, 3... and never uses 0', () => {
    const h = harness();
    const t = h.online();
    for (let i = 0; i < 3; i++) h.client.publish('t', 'x', 1, false);
    expect(pubs(t.take()).map((p) => p.messageId)).toEqual([1, 2, 3]);
  });

  it('wraps from 65535 to 1, skipping ids still in use', () => {
    // A saved outbox: next id 65535, one unacknowledged message holding id 1.
    const saved =
      String.fromCharCode(255, 255) +
      wire({ cmd: 'publish', topic: 'old', payload: Buffer.from('o'), qos: 1, messageId: 1, dup: true, retain: false });
    const h = harness({ store: { load: () => saved, save: () => 'OK' }, cleanSession: false });
    const t = h.online(true);
    h.client.publish('t', 'a', 1, false);
    h.client.publish('t', 'b', 1, false);
    h.client.subscribe('c/#', 1, undefined);
    h.client.publish('t', 'c', 1, false);
    const sent = t.take();
    expect(pubs(sent).map((p) => [p.payload.toString(), p.messageId, p.dup])).toEqual([
      ['o', 1, true],
      ['a', 65535, false],
      ['b', 2, false],
      ['c', 4, false],
    ]);
    expect((sent.find((p) => p.cmd === 'subscribe') as mp.ISubscribePacket).messageId).toBe(3);
  });

  it('never reuses an id across 70000 publications while one message stays in flight', () => {
    // A bare recording transport: the PUBLISH for topic "t" carries its id at bytes 5..6.
    const h = harness({ maxInflight: 2 });
    h.online();
    h.client.publish('stuck', 'x', 1, false);
    let last = '';
    const raw = { write: (d: string) => ((last = d), true), close: () => undefined };
    h.client.onClose(h.clock.now);
    h.client.connect(raw, h.clock.now);
    h.feed(broker.connack(false));
    const seen = new Set<number>();
    let bad = 0;
    for (let i = 0; i < 70000; i++) {
      h.client.publish('t', 'x', 1, false);
      const id = last.charCodeAt(5) * 256 + last.charCodeAt(6);
      if (id === 0 || id === 1 || last.charCodeAt(0) !== 0x32) bad++;
      seen.add(id);
      h.feed(broker.puback(id));
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(65534);
    expect(h.client.outbox.msgs.map((m) => m.packetId)).toEqual([1]);
  });

  it('never uses the id of a SUBSCRIBE or UNSUBSCRIBE awaiting its ack [MQTT-2.3.1-2]', () => {
    const h = harness();
    const t = h.online();
    t.take();
    h.client.subscribe('a', 1, undefined);
    h.client.subscribe('b', 1, undefined);
    h.client.unsubscribe('b');
    const held = t.take().map((p) => [p.cmd, (p as mp.ISubscribePacket).messageId]);
    // 'b' is forgotten at once, but its SUBSCRIBE still holds id 2 until its SUBACK.
    expect(held).toEqual([['subscribe', 1], ['subscribe', 2], ['unsubscribe', 3]]);
    // Every id comes round once in 65535 publications, each acknowledged at once.
    const cycle = () => {
      const seen = new Set<number>();
      for (let i = 0; i < 65535; i++) {
        h.client.publish('t', 'x', 1, false);
        // The PUBLISH for topic "t" carries its id at bytes 5..6.
        const last = t.written[t.written.length - 1];
        const id = last.charCodeAt(5) * 256 + last.charCodeAt(6);
        seen.add(id);
        h.feed(broker.puback(id));
      }
      return seen;
    };
    let seen = cycle();
    expect([seen.has(1), seen.has(2), seen.has(3)]).toEqual([false, false, false]);
    // Acknowledged, the ids are free again.
    h.feed(broker.suback(1, [1]) + broker.suback(2, [1]) + broker.unsuback(3));
    seen = cycle();
    expect([seen.has(1), seen.has(2), seen.has(3)]).toEqual([true, true, true]);
  });
});

describe('in-flight window', () => {
  it('ends a held message that cannot be encoded as BAD_MESSAGE instead of holding the window', () => {
    notOnLua('corrupts the outbox in place');
    const h = harness({ maxInflight: 1 });
    h.client.publish('t', 'a', 1, false);
    h.client.publish('t', 'b', 1, false);
    // Only a broken outbox holds such a message: publish() and the restore validate.
    h.client.outbox.msgs[0].packetId = 70000;
    const t = h.online();
    expect(h.ev.done).toEqual([[1, 'BAD_MESSAGE', 70000]]);
    expect(h.client.stats.dropped).toBe(1);
    expect(pubs(t.take()).map((p) => p.payload.toString())).toEqual(['b']);
    expect(h.client.outbox.msgs.map((m) => m.payload)).toEqual(['b']);
  });

  it('holds messages beyond maxInflight and sends them in order as acks arrive', () => {
    const h = harness({ maxInflight: 2 });
    const t = h.online();
    t.take();
    for (let i = 1; i <= 5; i++) h.client.publish('t', 'm' + i, 1, false);
    expect(pubs(t.take()).map((p) => p.payload.toString())).toEqual(['m1', 'm2']);
    h.feed(broker.puback(2));
    expect(pubs(t.take()).map((p) => p.payload.toString())).toEqual(['m3']);
    h.feed(broker.puback(1) + broker.puback(3));
    expect(pubs(t.take()).map((p) => p.payload.toString())).toEqual(['m4', 'm5']);
    h.feed(broker.puback(4) + broker.puback(5));
    expect(h.ev.done.map((d) => d[0])).toEqual([2, 1, 3, 4, 5]);
    expect(h.ev.done.every((d) => d[1] === 'acked')).toBe(true);
  });

  it('queues QoS 1/2 while offline and sends them after CONNACK', () => {
    const h = harness();
    expect(typeof h.client.publish('t', 'a', 1, false)).toBe('number');
    expect(typeof h.client.publish('t', 'b', 2, true)).toBe('number');
    const t = h.online();
    const sent = pubs(t.take());
    expect(sent.map((p) => [p.payload.toString(), p.qos, p.retain])).toEqual([
      ['a', 1, false],
      ['b', 2, true],
    ]);
  });
});

/**
 * The bounded outbox: limits in messages and bytes, the three overflow
 * policies, counters, and the rule that every drop is reported. The outbox
 * logic lives in the client session (publisher.ts); it is driven here through
 * publish() while offline, where every message stays QUEUED.
 */
import { MsgState } from '../../firmware/mqtt/outbox';
import { broker, harness } from '../support/scripted-transport';

/** A client offline with the given outbox bounds; `topics()` lists the outbox. */
function box(overflow: 'reject' | 'dropOldest' | 'latestPerTopic', maxMessages = 3, maxBytes = 1000) {
  const h = harness({ overflow, maxMessages, maxBytes });
  return { h, topics: () => h.client.outbox.msgs.map((m) => m.topic) };
}

/** A payload that makes a QoS 1 PUBLISH on `topic` exactly `size` bytes (2 header + 2 + topic + 2 id). */
const payloadFor = (topic: string, size: number) => 'x'.repeat(size - 6 - topic.length);

describe('Outbox', () => {
  it("'reject' refuses new messages when full and drops nothing", () => {
    const b = box('reject', 2);
    expect(b.h.client.publish('a', '', 1, false)).toBe(1);
    expect(b.h.client.publish('b', '', 1, false)).toBe(2);
    expect(b.h.client.publish('c', '', 1, false)).toBe('OUTBOX_FULL');
    expect(b.topics()).toEqual(['a', 'b']);
    expect(b.h.ev.done).toEqual([]);
    expect(b.h.client.stats.dropped).toBe(0);
  });

  it("'dropOldest' drops the oldest queued message and reports it", () => {
    const b = box('dropOldest', 2);
    const a = b.h.client.publish('a', '', 1, false);
    b.h.client.publish('b', '', 1, false);
    expect(b.h.client.publish('c', '', 1, false)).toBe(3);
    expect(b.topics()).toEqual(['b', 'c']);
    expect(b.h.ev.done.map((d) => [d[0], d[1]])).toEqual([[a, 'DROPPED']]);
    expect(b.h.client.stats.dropped).toBe(1);
  });

  it("'latestPerTopic' replaces a queued message on the same topic, else drops the oldest", () => {
    const b = box('latestPerTopic', 3);
    for (const t of ['a', 'b', 'c', 'b']) b.h.client.publish(t, '', 1, false);
    expect(b.topics()).toEqual(['a', 'c', 'b']);
    expect(b.h.ev.done.map((d) => d[1])).toEqual(['REPLACED']);
    b.h.client.publish('d', '', 1, false);
    expect(b.topics()).toEqual(['c', 'b', 'd']);
    expect(b.h.ev.done.map((d) => d[1])).toEqual(['REPLACED', 'DROPPED']);
    expect(b.h.client.stats.dropped).toBe(2);
  });

  it('makes room for a large message by dropping as many as needed within maxBytes', () => {
    const b = box('dropOldest', 10, 100);
    for (const t of ['a', 'b', 'c', 'd']) b.h.client.publish(t, payloadFor(t, 25), 1, false);
    expect(b.h.client.outbox.bytes).toBe(100);
    expect(b.h.client.publish('big', payloadFor('big', 60), 1, false)).toBe(5);
    expect(b.topics()).toEqual(['d', 'big']);
    expect(b.h.client.outbox.bytes).toBe(85);
    expect(b.h.client.stats.dropped).toBe(3);
  });

  it.each(['dropOldest', 'latestPerTopic'] as const)(
    "'%s' drops nothing when dropping every queued message would not make room",
    (overflow) => {
      const h = harness({ overflow, maxMessages: 10, maxBytes: 100, maxInflight: 2 });
      h.online();
      // a and b (30 bytes each) in flight, c and d (15 each) queued: 90 bytes.
      for (const [t, n] of [['a', 30], ['b', 30], ['c', 15], ['d', 15]] as const) h.client.publish(t, payloadFor(t, n), 1, false);
      // 50 more need 40 freed; c and d hold 30 (latestPerTopic would pick c first).
      expect(h.client.publish('c', payloadFor('c', 50), 1, false)).toBe('OUTBOX_FULL');
      expect(h.client.outbox.msgs.map((m) => m.topic)).toEqual(['a', 'b', 'c', 'd']);
      expect(h.client.outbox.bytes).toBe(90);
      expect(h.ev.done).toEqual([]);
      expect(h.client.stats).toMatchObject({ dropped: 0, rejected: 1 });
      // 40 bytes fit once c and d go.
      expect(typeof h.client.publish('c', payloadFor('c', 40), 1, false)).toBe('number');
      expect(h.ev.done.map((d) => d[1])).toEqual(overflow === 'dropOldest' ? ['DROPPED', 'DROPPED'] : ['REPLACED', 'DROPPED']);
    },
  );

  it('never drops a message already written (it may be in the broker session)', () => {
    const b = box('dropOldest', 2);
    b.h.online();
    b.h.client.publish('a', '', 1, false);
    b.h.client.publish('b', '', 2, false);
    b.h.feed(broker.pubrec(2));
    expect(b.h.client.outbox.msgs.map((m) => m.state)).toEqual([MsgState.AWAIT_PUBACK, MsgState.AWAIT_PUBCOMP]);
    expect(b.h.client.publish('c', '', 1, false)).toBe('OUTBOX_FULL');
    expect(b.topics()).toEqual(['a', 'b']);
    expect(b.h.ev.done).toEqual([]);
  });
});

describe('client outbox overflow', () => {
  it('returns OUTBOX_FULL and counts a rejection under reject', () => {
    const h = harness({ maxMessages: 2, overflow: 'reject' });
    expect(h.client.publish('t', '1', 1, false)).toBe(1);
    expect(h.client.publish('t', '2', 1, false)).toBe(2);
    expect(h.client.publish('t', '3', 1, false)).toBe('OUTBOX_FULL');
    expect(h.client.stats).toMatchObject({ published: 2, rejected: 1, dropped: 0 });
    expect(h.ev.done).toEqual([]);
  });

  it('defaults to dropOldest and reports the drop through onPublishDone', () => {
    const h = harness({ maxMessages: 2 });
    h.client.publish('t', '1', 1, false);
    h.client.publish('t', '2', 1, false);
    expect(h.client.publish('t', '3', 2, false)).toBe(3);
    expect(h.ev.done).toEqual([[1, 'DROPPED', 1]]);
    expect(h.client.stats).toMatchObject({ published: 3, dropped: 1, rejected: 0 });
    const t = h.online();
    expect(t.take().filter((p) => p.cmd === 'publish').map((p) => (p as { payload: Buffer }).payload.toString())).toEqual(['2', '3']);
  });

  it('latestPerTopic keeps the newest reading of each topic while offline', () => {
    const h = harness({ maxMessages: 2, overflow: 'latestPerTopic' });
    h.client.publish('temp', '20', 1, false);
    h.client.publish('hum', '50', 1, false);
    h.client.publish('temp', '21', 1, false);
    h.client.publish('temp', '22', 1, false);
    expect(h.client.outbox.msgs.map((m) => m.topic + '=' + m.payload)).toEqual(['hum=50', 'temp=22']);
    expect(h.ev.done.map((d) => d[1])).toEqual(['REPLACED', 'REPLACED']);
  });

  it('refuses when every held message is in flight, whatever the policy', () => {
    const h = harness({ maxMessages: 2, maxInflight: 2 });
    h.online();
    h.client.publish('t', '1', 1, false);
    h.client.publish('t', '2', 1, false);
    expect(h.client.publish('t', '3', 1, false)).toBe('OUTBOX_FULL');
    expect(h.client.stats.rejected).toBe(1);
  });
});

/**
 * The bounded outbox: limits in messages and bytes, the three overflow
 * policies, counters, and the rule that every drop is reported.
 */
import { MsgState, OutMessage, Outbox, PublishOutcome, Stats } from '../../firmware/mqtt/outbox';
import { harness } from '../support/scripted-transport';

const stats = (): Stats => ({ published: 0, acked: 0, dropped: 0, rejected: 0, received: 0, reconnects: 0, connacks: 0 });
let nextToken = 1;
const msg = (topic: string, size = 10, state = MsgState.QUEUED): OutMessage => ({
  token: nextToken++,
  topic,
  payload: '',
  qos: 1,
  retain: false,
  packetId: nextToken,
  state,
  size,
});

function box(overflow: 'reject' | 'dropOldest' | 'latestPerTopic', maxMessages = 3, maxBytes = 1000) {
  const done: [string, PublishOutcome][] = [];
  const s = stats();
  const o = new Outbox(maxMessages, maxBytes, overflow, s, (m, outcome) => done.push([m.topic + m.token, outcome]));
  return { o, s, done, topics: () => o.msgs.map((m) => m.topic) };
}

describe('Outbox', () => {
  it("'reject' refuses new messages when full and drops nothing", () => {
    const b = box('reject', 2);
    expect(b.o.admit(msg('a'))).toBe(true);
    expect(b.o.admit(msg('b'))).toBe(true);
    expect(b.o.admit(msg('c'))).toBe(false);
    expect(b.topics()).toEqual(['a', 'b']);
    expect(b.done).toEqual([]);
    expect(b.s.dropped).toBe(0);
  });

  it("'dropOldest' drops the oldest queued message and reports it", () => {
    const b = box('dropOldest', 2);
    const a = msg('a');
    b.o.admit(a);
    b.o.admit(msg('b'));
    expect(b.o.admit(msg('c'))).toBe(true);
    expect(b.topics()).toEqual(['b', 'c']);
    expect(b.done).toEqual([['a' + a.token, 'DROPPED']]);
    expect(b.s.dropped).toBe(1);
  });

  it("'latestPerTopic' replaces a queued message on the same topic, else drops the oldest", () => {
    const b = box('latestPerTopic', 3);
    b.o.admit(msg('a'));
    b.o.admit(msg('b'));
    b.o.admit(msg('c'));
    b.o.admit(msg('b'));
    expect(b.topics()).toEqual(['a', 'c', 'b']);
    expect(b.done.map((d) => d[1])).toEqual(['REPLACED']);
    b.o.admit(msg('d'));
    expect(b.topics()).toEqual(['c', 'b', 'd']);
    expect(b.done.map((d) => d[1])).toEqual(['REPLACED', 'DROPPED']);
    expect(b.s.dropped).toBe(2);
  });

  it('makes room for a large message by dropping as many as needed within maxBytes', () => {
    const b = box('dropOldest', 10, 100);
    for (const t of ['a', 'b', 'c', 'd']) b.o.admit(msg(t, 25));
    expect(b.o.admit(msg('big', 60))).toBe(true);
    expect(b.topics()).toEqual(['d', 'big']);
    expect(b.o.bytes).toBe(85);
    expect(b.s.dropped).toBe(3);
  });

  it('never drops a message already written (it may be in the broker session)', () => {
    const b = box('dropOldest', 2);
    b.o.admit(msg('a', 10, MsgState.AWAIT_PUBACK));
    b.o.admit(msg('b', 10, MsgState.AWAIT_PUBCOMP));
    expect(b.o.admit(msg('c'))).toBe(false);
    expect(b.topics()).toEqual(['a', 'b']);
    expect(b.done).toEqual([]);
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

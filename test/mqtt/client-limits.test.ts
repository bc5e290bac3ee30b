/**
 * Limits and corner cases of the session: SUBACK codes stay with their
 * filters when the subscription set changes while a batched SUBSCRIBE is
 * pending, the inbound QoS 2 id list is bounded (and what that costs), and
 * options are read with explicit undefined tests (0 and '' are values, as
 * they are for the Lua build).
 */
import * as mp from 'mqtt-packet';
import { Inbound } from '../../firmware/mqtt/publisher';
import { broker, harness, Harness } from '../support/scripted-transport';

/** Three filters subscribed offline, then one batched SUBSCRIBE on a new session; returns its id. */
function batched(h: Harness): number {
  h.client.subscribe('a', 0, undefined);
  h.client.subscribe('b', 1, undefined);
  h.client.subscribe('c', 2, undefined);
  const t = h.online(false);
  const subs = t.take().filter((p) => p.cmd === 'subscribe') as mp.ISubscribePacket[];
  expect(subs.map((s) => s.subscriptions.map((x) => x.topic))).toEqual([['a', 'b', 'c']]);
  return subs[0].messageId!;
}

describe('SUBACK of a batched SUBSCRIBE [MQTT-3.9.3-1]', () => {
  it('keeps each code with its filter when one filter is unsubscribed before the SUBACK', () => {
    const h = harness();
    const id = batched(h);
    expect(h.client.unsubscribe('b')).toBe(true);
    h.feed(broker.suback(id, [0, 1, 2]));
    expect(h.ev.subscribed).toEqual([
      ['a', 0],
      ['c', 2],
    ]);
  });

  it('keeps each code with its filter when one filter is subscribed again before the SUBACK', () => {
    const h = harness();
    const id = batched(h);
    h.client.subscribe('b', 0, undefined);
    const [again] = h.t.take() as mp.ISubscribePacket[];
    expect(again.messageId).not.toBe(id);
    h.feed(broker.suback(id, [0, 1, 128]));
    h.feed(broker.suback(again.messageId!, [0]));
    expect(h.ev.subscribed).toEqual([
      ['a', 0],
      ['c', 128],
      ['b', 0],
    ]);
  });
});

describe('inbound QoS 2 ids', () => {
  it(`remembers at most ${Inbound.QOS2_LIMIT} unreleased ids, forgetting the oldest first`, () => {
    const h = harness();
    h.online();
    const n = Inbound.QOS2_LIMIT + 1;
    for (let id = 1; id <= n; id++) h.feed(broker.publish('q', String(id), 2, id));
    expect(h.ev.messages.length).toBe(n);
    // The newest ids are still known: their DUP re-sends are not delivered again.
    for (let id = 2; id <= n; id++) h.feed(broker.publish('q', String(id), 2, id, true));
    expect(h.ev.messages.length).toBe(n);
    // Id 1 was forgotten to stay within the bound: its re-send is delivered again.
    h.feed(broker.publish('q', '1', 2, 1, true));
    expect(h.ev.messages.length).toBe(n + 1);
    // Every PUBLISH was still answered with PUBREC.
    expect(h.t.take().filter((p) => p.cmd === 'pubrec').length).toBe(2 * n);
  });
});

describe('options are read with explicit undefined tests', () => {
  it("an empty storeKey is a key, not 'use the default'", () => {
    const saved: string[] = [];
    const h = harness({ storeKey: '', store: { load: () => undefined, save: (k) => { saved.push(k); return 'OK'; } } });
    h.client.publish('t', 'x', 1, false);
    h.client.save();
    expect(saved).toEqual(['']);
  });

  it('connectTimeout 0 is a timeout of 0 ms, not the default', () => {
    const h = harness({ connectTimeout: 0 });
    h.open();
    h.advance(1000);
    expect(h.ev.closes).toEqual([['CONNACK_TIMEOUT', undefined]]);
  });

  it('maxInflight 0 holds every message in the outbox, unwritten', () => {
    const h = harness({ maxInflight: 0 });
    const t = h.online();
    t.take();
    expect(h.client.publish('t', 'x', 1, false)).toBe(1);
    expect(t.take()).toEqual([]);
    expect(h.client.outbox.msgs.length).toBe(1);
  });
});

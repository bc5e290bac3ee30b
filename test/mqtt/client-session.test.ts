/**
 * Session state across connections: resend on a persistent session,
 * re-publish on a new one, re-subscription, inbound QoS 1/2 (exactly once),
 * routing, store save/restore, and a broker stream split at every byte.
 */
import * as mp from 'mqtt-packet';
import { broker, harness, Harness } from '../support/scripted-transport';

/** [cmd, messageId, dup] of each packet, for order checks. */
const summary = (ps: mp.Packet[]) =>
  ps.map((p) => [p.cmd, (p as mp.IPublishPacket).messageId, (p as mp.IPublishPacket).dup === true]);

/** A, B (QoS 2, PUBREC received), C (QoS 2), D: written but unfinished on the first connection. */
function unfinished(h: Harness): void {
  const t = h.online(false);
  h.client.publish('t/a', 'A', 1, false);
  h.client.publish('t/b', 'B', 2, false);
  h.client.publish('t/c', 'C', 2, true);
  h.client.publish('t/d', 'D', 1, false);
  h.feed(broker.pubrec(2));
  expect(t.takeCmds()).toEqual(['connect', 'publish', 'publish', 'publish', 'publish', 'pubrel']);
  h.client.onClose(h.clock.now);
}

describe('persistent session', () => {
  it('re-sends unfinished PUBLISH (DUP=1, same id) and PUBREL in original order [MQTT-4.4.0-1]', () => {
    const h = harness({ cleanSession: false });
    unfinished(h);
    const t = h.online(true);
    expect(summary(t.take()).slice(1)).toEqual([
      ['publish', 1, true],
      ['pubrel', 2, false],
      ['publish', 3, true],
      ['publish', 4, true],
    ]);
    h.feed(broker.puback(1) + broker.pubcomp(2) + broker.pubrec(3) + broker.pubcomp(3) + broker.puback(4));
    expect(h.ev.done.map((d) => d[1])).toEqual(['acked', 'acked', 'acked', 'acked']);
    expect(h.ev.done.map((d) => d[0])).toEqual([1, 2, 3, 4]);
  });

  it('re-sends a SUBSCRIBE that never got its SUBACK, and nothing else', () => {
    const h = harness({ cleanSession: false });
    let t = h.online(false);
    h.client.subscribe('a/#', 1, undefined);
    h.client.subscribe('b', 0, undefined);
    const first = t.take().filter((p) => p.cmd === 'subscribe') as mp.ISubscribePacket[];
    h.feed(broker.suback(first[0].messageId!, [1]));
    h.client.onClose(h.clock.now);
    t = h.online(true);
    const subs = t.take().filter((p) => p.cmd === 'subscribe') as mp.ISubscribePacket[];
    expect(subs.map((s) => s.subscriptions.map((x) => x.topic))).toEqual([['b']]);
  });
});

describe('new session', () => {
  it('re-publishes unfinished messages as new on a clean session, QoS 2 past PUBREC included', () => {
    const h = harness({ cleanSession: true });
    unfinished(h);
    const t = h.online(false);
    const sent = t.take().slice(1) as mp.IPublishPacket[];
    expect(sent.map((p) => [p.cmd, p.payload.toString(), p.dup, p.qos, p.retain])).toEqual([
      ['publish', 'A', false, 1, false],
      ['publish', 'B', false, 2, false],
      ['publish', 'C', false, 2, true],
      ['publish', 'D', false, 1, false],
    ]);
    expect(h.ev.done).toEqual([]);
  });

  it('re-publishes when a persistent session was lost by the broker (sessionPresent 0)', () => {
    const h = harness({ cleanSession: false });
    unfinished(h);
    const t = h.online(false);
    expect(summary(t.take()).slice(1)).toEqual([
      ['publish', 1, false],
      ['publish', 2, false],
      ['publish', 3, false],
      ['publish', 4, false],
    ]);
  });

  it('re-subscribes every held subscription when sessionPresent is 0, not when it is 1', () => {
    const h = harness({ cleanSession: false });
    let t = h.online(false);
    h.client.subscribe('a/#', 1, undefined);
    h.client.subscribe('b/+', 2, undefined);
    const ids = (t.take().filter((p) => p.cmd === 'subscribe') as mp.ISubscribePacket[]).map((s) => s.messageId!);
    h.feed(broker.suback(ids[0], [1]) + broker.suback(ids[1], [2]));
    h.client.onClose(h.clock.now);

    t = h.online(true);
    expect(t.takeCmds()).toEqual(['connect']);
    h.client.onClose(h.clock.now);

    t = h.online(false);
    const [sub] = t.take().filter((p) => p.cmd === 'subscribe') as mp.ISubscribePacket[];
    expect(sub.subscriptions).toEqual([
      { topic: 'a/#', qos: 1 },
      { topic: 'b/+', qos: 2 },
    ]);
    h.feed(broker.suback(sub.messageId!, [1, 128]));
    expect(h.ev.subscribed.slice(2)).toEqual([
      ['a/#', 1],
      ['b/+', 128],
    ]);
  });
});

describe('subscribe / unsubscribe', () => {
  it('correlates SUBACK by packet id and reports each granted QoS or 0x80', () => {
    const h = harness();
    const t = h.online();
    t.take();
    h.client.subscribe('x', 2, undefined);
    h.client.subscribe('y', 1, undefined);
    const [sx, sy] = t.take() as mp.ISubscribePacket[];
    expect(sx.messageId).not.toBe(sy.messageId);
    h.feed(broker.suback(sy.messageId!, [128]));
    h.feed(broker.suback(sx.messageId!, [1]));
    expect(h.ev.subscribed).toEqual([
      ['y', 128],
      ['x', 1],
    ]);
  });

  it('refuses a malformed filter', () => {
    const h = harness();
    expect(h.client.subscribe('a/#/b', 0, undefined)).toBe('BAD_FILTER');
    expect(h.client.subscribe('a+', 0, undefined)).toBe('BAD_FILTER');
    expect(h.client.subscribe('', 0, undefined)).toBe('BAD_FILTER');
    // Nothing was remembered: a new session re-subscribes nothing.
    expect(h.online().takeCmds()).toEqual(['connect']);
  });

  it('sends UNSUBSCRIBE with its own packet id and forgets the filter', () => {
    const h = harness();
    const t = h.online();
    h.client.subscribe('x', 1, undefined);
    t.take();
    expect(h.client.unsubscribe('x')).toBe(true);
    expect(h.client.unsubscribe('x')).toBe(false);
    const [u] = t.take() as mp.IUnsubscribePacket[];
    expect(u.cmd).toBe('unsubscribe');
    expect(u.unsubscriptions).toEqual(['x']);
    h.client.publish('t', 'v', 1, false);
    const [p] = t.take() as mp.IPublishPacket[];
    expect(p.messageId).not.toBe(u.messageId);
    h.feed(broker.unsuback(u.messageId!));
    expect(h.ev.closes).toEqual([]);
    // Forgotten: a new session re-subscribes nothing (it re-publishes 't').
    h.client.onClose(h.clock.now);
    expect(h.online(false).takeCmds()).toEqual(['connect', 'publish']);
  });

  it('re-sends an UNSUBSCRIBE lost with the link whenever the session resumes, until its UNSUBACK', () => {
    const h = harness({ cleanSession: false });
    let t = h.online(false);
    h.client.subscribe('a', 1, undefined);
    const [s] = t.take().filter((p) => p.cmd === 'subscribe') as mp.ISubscribePacket[];
    h.feed(broker.suback(s.messageId!, [1]));
    h.client.unsubscribe('a');
    expect(t.takeCmds()).toEqual(['unsubscribe']);
    h.client.onClose(h.clock.now); // the UNSUBSCRIBE never reached the broker
    t = h.online(true);
    const [again] = t.take().filter((p) => p.cmd === 'unsubscribe') as mp.IUnsubscribePacket[];
    expect(again.unsubscriptions).toEqual(['a']);
    // Still unanswered: sent again at the next resume too.
    h.client.onClose(h.clock.now);
    t = h.online(true);
    const [third] = t.take().filter((p) => p.cmd === 'unsubscribe') as mp.IUnsubscribePacket[];
    expect(third.unsubscriptions).toEqual(['a']);
    h.feed(broker.unsuback(third.messageId!));
    h.client.onClose(h.clock.now);
    expect(h.online(true).takeCmds()).toEqual(['connect']);
  });

  it('sends an UNSUBSCRIBE made offline when the session resumes, before re-subscribing a filter subscribed again', () => {
    const h = harness({ cleanSession: false });
    const t = h.online(false);
    h.client.subscribe('a', 1, undefined);
    h.client.subscribe('b', 1, undefined);
    h.feed(broker.suback(1, [1]) + broker.suback(2, [1]));
    h.client.onClose(h.clock.now);
    h.client.unsubscribe('a');
    h.client.unsubscribe('b');
    h.client.subscribe('b', 0, undefined);
    t.take();
    const sent = h.online(true).take();
    expect(sent.map((p) => p.cmd)).toEqual(['connect', 'unsubscribe', 'subscribe']);
    expect((sent[1] as mp.IUnsubscribePacket).unsubscriptions).toEqual(['a', 'b']);
    expect((sent[2] as mp.ISubscribePacket).subscriptions).toEqual([{ topic: 'b', qos: 0 }]);
  });

  it('forgets unanswered UNSUBSCRIBEs on a new session (the broker holds no subscription)', () => {
    const h = harness({ cleanSession: false });
    h.online(false);
    h.client.subscribe('a', 1, undefined);
    h.feed(broker.suback(1, [1]));
    h.client.unsubscribe('a');
    h.client.onClose(h.clock.now);
    expect(h.online(false).takeCmds()).toEqual(['connect']);
    h.client.onClose(h.clock.now);
    expect(h.online(true).takeCmds()).toEqual(['connect']);
  });

  it('unsubscribing from inside a handler skips no other handler', () => {
    const h = harness();
    h.online();
    const seen: string[] = [];
    h.client.subscribe('a/x', 0, () => seen.push('0'));
    h.client.subscribe('a/#', 0, () => {
      seen.push('1');
      h.client.unsubscribe('a/x'); // an earlier one
      h.client.unsubscribe('a/#'); // itself
    });
    h.client.subscribe('a/+', 0, () => seen.push('2'));
    h.client.subscribe('+/x', 0, () => seen.push('3'));
    h.feed(broker.publish('a/x', 'v', 0));
    expect(seen).toEqual(['0', '1', '2', '3']);
    h.feed(broker.publish('a/x', 'v', 0));
    expect(seen.slice(4)).toEqual(['2', '3']);
  });
});

describe('inbound', () => {
  it('routes to matching handlers; onMessage gets only what no handler took', () => {
    const got: string[] = [];
    const h = harness();
    const t = h.online();
    h.client.subscribe('cmd/+/set', 1, (topic, payload) => got.push(topic + '=' + payload));
    t.take();
    h.feed(broker.publish('cmd/led/set', 'on', 0));
    h.feed(broker.publish('other/x', 'y', 0));
    expect(got).toEqual(['cmd/led/set=on']);
    expect(h.ev.messages).toEqual([['other/x', 'y', 0, false]]);
    expect(h.client.stats.received).toBe(2);
  });

  it('acknowledges QoS 1 with PUBACK after delivery, QoS 0 not at all', () => {
    const h = harness();
    const t = h.online();
    t.take();
    h.feed(broker.publish('a', '1', 0));
    expect(t.take()).toEqual([]);
    h.feed(broker.publish('a', '2', 1, 9, false, true));
    expect(summary(t.take())).toEqual([['puback', 9, false]]);
    expect(h.ev.messages[1]).toEqual(['a', '2', 1, true]);
  });

  it('delivers QoS 2 exactly once despite DUP re-sends before PUBREL', () => {
    const h = harness({ cleanSession: false });
    let t = h.online(false);
    t.take();
    h.feed(broker.publish('q', 'once', 2, 5));
    h.feed(broker.publish('q', 'once', 2, 5, true));
    expect(summary(t.take())).toEqual([
      ['pubrec', 5, false],
      ['pubrec', 5, false],
    ]);
    // The link drops before PUBREL; the broker re-sends on the resumed session.
    h.client.onClose(h.clock.now);
    t = h.online(true);
    t.take();
    h.feed(broker.publish('q', 'once', 2, 5, true));
    h.feed(broker.pubrel(5));
    expect(summary(t.take())).toEqual([
      ['pubrec', 5, false],
      ['pubcomp', 5, false],
    ]);
    expect(h.ev.messages).toEqual([['q', 'once', 2, false]]);
    // After PUBCOMP the id is free: a new message with it is delivered.
    h.feed(broker.publish('q', 'again', 2, 5));
    expect(h.ev.messages.length).toBe(2);
  });
});

describe('store', () => {
  function memoryStore() {
    const data = new Map<string, string>();
    const store = {
      saves: 0,
      load: (k: string) => data.get(k),
      save: (k: string, v: string) => {
        store.saves++;
        data.set(k, v);
        return 'OK';
      },
    };
    return store;
  }

  it('a fresh client restores queued and unfinished messages and the next packet id', () => {
    const store = memoryStore();
    const a = harness({ cleanSession: false, store, maxInflight: 3 });
    a.online(false);
    a.client.publish('t/a', 'A', 1, false);
    a.client.publish('t/b', 'B' + String.fromCharCode(0, 255), 2, true);
    a.client.publish('t/c', 'C', 2, false);
    a.client.publish('t/q', 'queued', 1, false);
    a.feed(broker.pubrec(2));
    a.client.save();
    expect(store.saves).toBe(1);

    const b = harness({ cleanSession: false, store });
    const view = (h: Harness) => h.client.outbox.msgs.map((m) => [m.topic, m.payload, m.qos, m.retain, m.packetId, m.state]);
    expect(view(b)).toEqual(view(a));
    expect(b.client.outbox.bytes).toBe(a.client.outbox.bytes);
    const t = b.online(true);
    expect(summary(t.take()).slice(1)).toEqual([
      ['publish', 1, true],
      ['pubrel', 2, false],
      ['publish', 3, true],
      ['publish', 4, false],
    ]);
    b.client.publish('t/n', 'new', 1, false);
    expect(summary(t.take())).toEqual([['publish', 5, false]]);
  });

  it('saves by itself at most once per saveIntervalMs, and only when something changed', () => {
    const store = memoryStore();
    const h = harness({ store, saveIntervalMs: 10000 });
    h.online();
    h.advance(20000);
    expect(store.saves).toBe(0);
    h.client.publish('t', '1', 1, false);
    h.advance(1000);
    expect(store.saves).toBe(1);
    h.client.publish('t', '2', 1, false);
    h.advance(5000);
    expect(store.saves).toBe(1);
    h.advance(5000);
    expect(store.saves).toBe(2);
  });

  it('ignores a corrupt tail and keeps the messages before it', () => {
    const store = memoryStore();
    const a = harness({ store });
    a.client.publish('t', 'kept', 1, false);
    a.client.save();
    store.save('mqtt.outbox', store.load('mqtt.outbox') + String.fromCharCode(0xf0, 1, 2));
    const b = harness({ store });
    expect(b.client.outbox.msgs.map((m) => m.payload)).toEqual(['kept']);
  });
});

describe('byte stream split anywhere', () => {
  const stream =
    broker.connack(true) +
    broker.publish('in/a', 'one', 1, 7) +
    broker.publish('in/b', 'two' + String.fromCharCode(0, 200), 2, 8) +
    broker.publish('in/b', 'two' + String.fromCharCode(0, 200), 2, 8, true) +
    broker.pubrel(8) +
    broker.puback(1) +
    broker.pubrec(2) +
    broker.pubcomp(2) +
    broker.pingresp() +
    broker.publish('in/c', 'x'.repeat(300), 0);

  /** Runs the client on the stream cut into the given chunks; returns its events and replies. */
  function run(chunks: string[]) {
    const h = harness({ cleanSession: false });
    h.client.publish('out/1', 'p', 1, false);
    h.client.publish('out/2', 'p', 2, false);
    const t = h.open();
    for (const c of chunks) h.feed(c);
    return { log: h.ev.log, wire: summary(t.all()) };
  }

  it('gives the same result whether the stream comes whole, cut once anywhere, or byte by byte', () => {
    const whole = run([stream]);
    expect(whole.log).toEqual([
      'connect:true',
      'message:in/a',
      'message:in/b',
      'done:1:acked',
      'done:2:acked',
      'message:in/c',
    ]);
    let mismatches = 0;
    for (let i = 1; i < stream.length; i++) {
      const cut = run([stream.substring(0, i), stream.substring(i)]);
      if (JSON.stringify(cut) !== JSON.stringify(whole)) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(run(stream.split(''))).toEqual(whole);
  });
});

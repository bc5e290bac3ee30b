/**
 * Topic filters [MQTT 4.7]: validation, matching (with the spec's own
 * examples and the $-topic rule), and the client's dispatch to handlers.
 */
import * as mp from 'mqtt-packet';
import { topicMatches, validFilter } from '../../firmware/mqtt/router';
import { broker, harness } from '../support/scripted-transport';

describe('validFilter', () => {
  it.each(['#', '+', 'a/#', 'a/+/b', '+/+', '/', 'a//b', '$SYS/#', 'sport/tennis/+'])('accepts %s', (f) => {
    expect(validFilter(f)).toBe(true);
  });
  it.each(['', 'a#', 'a/#/b', '#/a', 'a+', '+a/b', 'a/b+', 'sport+'])('rejects %j', (f) => {
    expect(validFilter(f)).toBe(false);
  });
});

describe('topicMatches', () => {
  const cases: [string, string, boolean][] = [
    // [MQTT 4.7.1.2]
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['#', 'a/b/c', true],
    ['sport/tennis/#', 'sport/tennis', true],
    ['sport/tennis/#', 'sport/tennisX', false],
    // [MQTT 4.7.1.3]
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['+/tennis/#', 'sport/tennis/x', true],
    ['a/+/c', 'a//c', true],
    // exact
    ['a/b', 'a/b', true],
    ['a/b', 'a/bc', false],
    ['a/bc', 'a/b', false],
    ['a/b', 'a', false],
    ['A/b', 'a/b', false],
    // [MQTT-4.7.2-1] wildcard-first filters never match $ topics
    ['#', '$SYS/broker/uptime', false],
    ['+/monitor/Clients', '$SYS/monitor/Clients', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
  ];
  it.each(cases)('%s vs %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('dispatch to subscription handlers', () => {
  it('dispatches to every matching handler; onMessage gets only what no handler took', () => {
    const h = harness();
    h.online();
    const seen: string[] = [];
    h.client.subscribe('a/+', 0, (t, p) => seen.push('plus:' + t + ':' + p));
    h.client.subscribe('a/#', 1, (t) => seen.push('hash:' + t));
    h.client.subscribe('b', 0, undefined);
    h.feed(broker.publish('a/x', 'v', 0));
    expect(seen).toEqual(['plus:a/x:v', 'hash:a/x']);
    expect(h.ev.messages).toEqual([]);
    h.feed(broker.publish('b', 'v', 0) + broker.publish('$a/x', 'v', 0));
    expect(h.ev.messages.map((m) => m[0])).toEqual(['b', '$a/x']);
    expect(seen.length).toBe(2);
  });

  it('replaces a repeated filter and removes one', () => {
    const h = harness();
    let t = h.online();
    const seen: string[] = [];
    h.client.subscribe('a', 0, () => seen.push('old'));
    h.client.subscribe('a', 2, () => seen.push('new'));
    h.feed(broker.publish('a', '', 0));
    expect(seen).toEqual(['new']);
    // One record: a new session re-subscribes 'a' once, at the newer QoS.
    h.client.onClose(h.clock.now);
    t = h.online(false);
    const subs = t.take().filter((p) => p.cmd === 'subscribe') as mp.ISubscribePacket[];
    expect(subs.map((s) => s.subscriptions)).toEqual([[{ topic: 'a', qos: 2 }]]);
    expect(h.client.unsubscribe('a')).toBe(true);
    expect(h.client.unsubscribe('a')).toBe(false);
    h.feed(broker.publish('a', '', 0));
    expect(seen).toEqual(['new']);
    expect(h.ev.messages.map((m) => m[0])).toEqual(['a']);
  });
});

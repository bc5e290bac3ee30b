/**
 * Topic filters [MQTT 4.7]: validation, matching (with the spec's own
 * examples and the $-topic rule), and dispatch to handlers.
 */
import { Router, topicMatches, validFilter } from '../../firmware/mqtt/router';

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

describe('Router', () => {
  it('dispatches to every matching handler and reports whether any took the message', () => {
    const r = new Router();
    const seen: string[] = [];
    r.add('a/+', 0, (t, p) => seen.push('plus:' + t + ':' + p));
    r.add('a/#', 1, (t) => seen.push('hash:' + t));
    r.add('b', 0, undefined);
    expect(r.dispatch('a/x', 'v', 0, false)).toBe(true);
    expect(seen).toEqual(['plus:a/x:v', 'hash:a/x']);
    expect(r.dispatch('b', 'v', 0, false)).toBe(false);
    expect(r.dispatch('$a/x', 'v', 0, false)).toBe(false);
  });

  it('replaces a repeated filter and removes one', () => {
    const r = new Router();
    const seen: string[] = [];
    r.add('a', 0, () => seen.push('old'));
    r.add('a', 2, () => seen.push('new'));
    expect(r.subs.map((s) => [s.topic, s.qos])).toEqual([['a', 2]]);
    r.dispatch('a', '', 0, false);
    expect(seen).toEqual(['new']);
    expect(r.remove('a')).toBe(true);
    expect(r.remove('a')).toBe(false);
    expect(r.dispatch('a', '', 0, false)).toBe(false);
  });
});

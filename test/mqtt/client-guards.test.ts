/**
 * Edges found by review: a pipelined persistent session writes each
 * SUBSCRIBE/UNSUBSCRIBE once; a throwing onClose never escapes onData; a
 * non-string topic is refused, not thrown on; an inbound message is
 * acknowledged only on the connection it came on.
 */
import * as mp from 'mqtt-packet';
import { broker, harness, ScriptedTransport } from '../support/scripted-transport';

const cmds = (ps: mp.Packet[], cmd: string) => ps.filter((p) => p.cmd === cmd);

describe('pipelined persistent session', () => {
  it.each([true, false])('a subscribe() before CONNACK is written once (sessionPresent %s)', (sp) => {
    const h = harness({ cleanSession: false, pipeline: true });
    const t = h.open();
    h.client.subscribe('cmd/#', 1, undefined);
    h.feed(broker.connack(sp));
    const subs = cmds(t.all(), 'subscribe') as mp.ISubscribePacket[];
    expect(subs.map((s) => s.subscriptions.map((x) => x.topic))).toEqual([['cmd/#']]);
  });

  it('an unsubscribe() before CONNACK on a resumed session is written once', () => {
    const h = harness({ cleanSession: false, pipeline: true });
    h.online(false);
    h.client.subscribe('a', 1, undefined);
    const sub = cmds(h.t.take(), 'subscribe')[0] as mp.ISubscribePacket;
    h.feed(broker.suback(sub.messageId!, [1]));
    h.client.onClose(h.clock.now);
    const t = h.open();
    h.client.unsubscribe('a');
    h.feed(broker.connack(true));
    expect(cmds(t.all(), 'unsubscribe').length).toBe(1);
  });
});

describe('a throwing onClose', () => {
  const throwing = () => {
    throw new Error('app bug');
  };

  it('does not escape onData on malformed bytes', () => {
    const h = harness({ onClose: throwing });
    h.online();
    expect(() => h.feed(String.fromCharCode(0xf0, 0))).not.toThrow();
    expect(h.client.closeReason).toBe('PROTOCOL_ERROR');
    expect(h.client.stats.thrown).toBe(1);
  });

  it('does not escape onData on an oversized packet that is not a PUBLISH', () => {
    const h = harness({ maxPacketSize: 10, onClose: throwing });
    h.online();
    expect(() => h.feed(broker.suback(1, new Array(20).fill(0)))).not.toThrow();
    expect(h.client.stats.thrown).toBe(1);
  });
});

it('subscribing again before the SUBACK keeps the first id in use until its SUBACK', () => {
  const h = harness();
  const t = h.online();
  t.take();
  h.client.subscribe('a', 0, undefined);
  h.client.subscribe('a', 1, undefined);
  const ids = (cmds(t.take(), 'subscribe') as mp.ISubscribePacket[]).map((s) => s.messageId);
  expect(ids).toEqual([1, 2]);
  // allocId_ skips held ids: white-box, since a reuse would need 65535 allocations to show.
  const held = () => (h.client as unknown as { held_: { packetId_: number }[] }).held_.map((x) => x.packetId_);
  expect(held()).toEqual([1]);
  h.feed(broker.suback(1, [0]) + broker.suback(2, [1]));
  expect(held()).toEqual([]);
  expect(h.ev.subscribed).toEqual([['a', 1]]);
});

it('subscribe() refuses a filter that is not a string with BAD_FILTER', () => {
  const h = harness();
  h.online();
  expect(h.client.subscribe(undefined as unknown as string, 1, undefined)).toBe('BAD_FILTER');
});

it('publish() refuses a topic that is not a string with BAD_MESSAGE', () => {
  const h = harness();
  h.online();
  expect(h.client.publish(undefined as unknown as string, 'x', 1, false)).toBe('BAD_MESSAGE');
  expect(h.client.publish(5 as unknown as string, 'x', 1, false)).toBe('BAD_MESSAGE');
  expect(h.client.stats.rejected).toBe(2);
});

it('a message whose handler reconnects is not acknowledged on the new connection', () => {
  let next = new ScriptedTransport();
  const h = harness({
    cleanSession: false,
    onClose: () => {
      next = new ScriptedTransport();
      h.client.connect(next, h.clock.now);
    },
  });
  const t = h.online();
  h.client.subscribe('cmd', 1, () => h.client.disconnect());
  t.take();
  h.feed(broker.publish('cmd', 'restart', 1, 7));
  expect(next.takeCmds()).toEqual(['connect']);
});

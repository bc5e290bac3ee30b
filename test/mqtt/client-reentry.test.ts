/**
 * Callbacks that call the client back while it is delivering them: a reply
 * published from a message handler, a publication chained from
 * onPublishDone, a reconnect from onClose, a one-shot subscription. The
 * client must finish its own work after the callback in a sane order. (Like
 * every session test, these also replay on the Lua build: test/lua/sessions.test.ts.)
 */
import * as mp from 'mqtt-packet';
import { broker, harness, ScriptedTransport } from '../support/scripted-transport';

const pubs = (ps: mp.Packet[]) => ps.filter((p) => p.cmd === 'publish') as mp.IPublishPacket[];

describe('callbacks that call the client', () => {
  it('a handler that publishes a reply: the reply is written before the PUBACK of the request', () => {
    const h = harness();
    const t = h.online();
    h.client.subscribe('req', 1, (_topic, payload) => {
      h.client.publish('res', payload + '!', 1, false);
    });
    t.take();
    h.feed(broker.publish('req', 'q', 1, 5));
    const sent = t.take();
    expect(sent.map((p) => p.cmd)).toEqual(['publish', 'puback']);
    expect(pubs(sent).map((p) => [p.topic, p.payload.toString()])).toEqual([['res', 'q!']]);
  });

  it('onPublishDone that publishes the next message: one in flight at a time, in order', () => {
    let sent = 1;
    const h = harness({
      maxInflight: 1,
      onPublishDone: (_msg, outcome) => {
        if (outcome === 'acked' && sent < 3) h.client.publish('t', String(++sent), 1, false);
      },
    });
    const t = h.online();
    t.take();
    h.client.publish('t', '1', 1, false);
    for (let id = 1; id <= 3; id++) {
      expect(pubs(t.take()).map((p) => [p.payload.toString(), p.messageId])).toEqual([[String(id), id]]);
      h.feed(broker.puback(id));
    }
    expect(t.take()).toEqual([]);
    expect(h.client.outbox.msgs).toEqual([]);
  });

  it('onClose that reconnects at once: CONNECT on the new transport, the old one closed once', () => {
    let next: ScriptedTransport | undefined;
    const h = harness({
      onClose: (reason) => {
        next = new ScriptedTransport();
        if (reason === 'PROTOCOL_ERROR') h.client.connect(next, h.clock.now);
      },
    });
    const t = h.online();
    h.feed(String.fromCharCode(0xf0, 0));
    expect(t.closes).toBe(1);
    expect(next!.takeCmds()).toEqual(['connect']);
    expect(h.client.phase).toBe(1);
    h.feed(broker.connack(false));
    expect(h.client.phase).toBe(2);
    expect(h.client.stats.reconnects).toBe(1);
  });

  it('a handler that unsubscribes itself gets one message; the next goes to onMessage', () => {
    const h = harness();
    const t = h.online();
    const got: string[] = [];
    h.client.subscribe('once', 0, (_topic, payload) => {
      got.push(payload);
      h.client.unsubscribe('once');
    });
    t.take();
    h.feed(broker.publish('once', 'a', 0) + broker.publish('once', 'b', 0));
    expect(got).toEqual(['a']);
    expect(h.ev.messages.map((m) => m[1])).toEqual(['b']);
    expect(t.takeCmds()).toEqual(['unsubscribe']);
  });
});

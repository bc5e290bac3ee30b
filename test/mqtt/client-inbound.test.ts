/**
 * Inbound packets that must not take the client down: a PUBLISH over
 * maxPacketSize (skipped, acknowledged, counted; a broker re-sends it on every
 * connection, so closing on it would loop forever) and application callbacks
 * that throw inside onData (caught, counted; the stream goes on).
 */
import * as mp from 'mqtt-packet';
import { createSupervisor } from '../../firmware/mqtt/supervisor';
import { seededRandom } from '../support/fake-clock';
import { broker, harness, ScriptedTransport } from '../support/scripted-transport';

const BIG = 'x'.repeat(200);

describe('a PUBLISH over maxPacketSize', () => {
  it('QoS 1: acknowledged, not delivered, counted; the connection and the rest of the chunk go on', () => {
    const h = harness({ maxPacketSize: 100 });
    const t = h.online();
    t.take();
    h.client.publish('out', 'v', 1, false);
    h.feed(broker.publish('big', BIG, 1, 7) + broker.publish('small', 's', 1, 8) + broker.puback(1));
    expect(t.take().map((p) => [p.cmd, (p as mp.IPubackPacket).messageId])).toEqual([
      ['publish', 1],
      ['puback', 7],
      ['puback', 8],
    ]);
    expect(h.ev.messages).toEqual([['small', 's', 1, false]]);
    expect(h.ev.done).toEqual([[1, 'acked', 1]]);
    expect(h.ev.closes).toEqual([]);
    expect(h.client.stats.tooLarge).toBe(1);
    expect(h.client.stats.received).toBe(1);
    expect(h.client.lastError).toBe('PACKET_TOO_LARGE');
  });

  it('QoS 2: PUBREC, then PUBCOMP for its PUBREL, never delivered; a DUP re-send is answered again', () => {
    const h = harness({ maxPacketSize: 100 });
    const t = h.online();
    t.take();
    h.feed(broker.publish('big', BIG, 2, 9));
    h.feed(broker.publish('big', BIG, 2, 9, true));
    h.feed(broker.pubrel(9));
    expect(t.take().map((p) => [p.cmd, (p as mp.IPubrecPacket).messageId])).toEqual([
      ['pubrec', 9],
      ['pubrec', 9],
      ['pubcomp', 9],
    ]);
    expect(h.ev.messages).toEqual([]);
    expect(h.client.stats.tooLarge).toBe(1);
  });

  it('QoS 0: nothing to answer; counted', () => {
    const h = harness({ maxPacketSize: 100 });
    const t = h.online();
    t.take();
    h.feed(broker.publish('big', BIG, 0));
    expect(t.take()).toEqual([]);
    expect([h.ev.messages.length, h.client.stats.tooLarge, h.ev.closes.length]).toEqual([0, 1, 0]);
  });

  it('whose topic alone is over the limit: still acknowledged with its id, fed byte by byte', () => {
    const h = harness({ maxPacketSize: 100 });
    const t = h.online();
    t.take();
    for (const c of broker.publish('t'.repeat(300), 'p', 1, 4242).split('')) h.feed(c);
    expect(t.take().map((p) => [p.cmd, (p as mp.IPubackPacket).messageId])).toEqual([['puback', 4242]]);
    expect(h.ev.closes).toEqual([]);
  });

  it('re-sent at every connection (retained or queued): the link stays up, outbound QoS 1 gets through, no reconnect loop', () => {
    const h = harness({ cleanSession: false, maxPacketSize: 100, keepAlive: 0 });
    const opens: number[] = [];
    const sup = createSupervisor({ client: h.client, host: 'b', open: () => opens.push(h.clock.now), random: seededRandom(1) });
    sup.start(h.clock.now);
    h.client.publish('out', 'v', 1, false);
    let t: ScriptedTransport | undefined;
    for (let i = 0; i < 300; i++) {
      h.clock.advance(1000, [h.client, sup]);
      if (sup.state === 3) {
        t = new ScriptedTransport();
        sup.onOpen(t, h.clock.now);
        h.feed(broker.connack(true) + broker.publish('big', BIG, 1, 7));
        h.feed(broker.puback(1));
      }
    }
    expect(opens.length).toBe(1);
    expect(h.ev.closes).toEqual([]);
    expect(h.ev.done).toEqual([[1, 'acked', 1]]);
    expect(t!.all().filter((p) => p.cmd === 'puback').length).toBe(1);
  });
});

describe('an application callback that throws inside onData', () => {
  it('a message handler: caught and counted, the message acknowledged, later packets of the chunk handled', () => {
    const h = harness({ onMessage: (topic) => { if (topic === 'bad') throw new Error('app bug'); } });
    const t = h.online();
    t.take();
    expect(() => h.feed(broker.publish('bad', 'v', 1, 3) + broker.publish('ok', 'v', 1, 4))).not.toThrow();
    expect(t.take().map((p) => [p.cmd, (p as mp.IPubackPacket).messageId])).toEqual([
      ['puback', 3],
      ['puback', 4],
    ]);
    expect([h.client.stats.thrown, h.client.stats.received]).toEqual([1, 2]);
    expect(h.ev.closes).toEqual([]);
  });

  it('QoS 2: its one delivery was the throwing call; a DUP re-send is not delivered again', () => {
    let calls = 0;
    const h = harness({ onMessage: () => { calls++; throw new Error('app bug'); } });
    const t = h.online();
    t.take();
    h.feed(broker.publish('a', 'b', 2, 5));
    h.feed(broker.publish('a', 'b', 2, 5, true));
    expect(calls).toBe(1);
    expect(t.takeCmds()).toEqual(['pubrec', 'pubrec']);
  });

  it('onPublishDone: the other acks of the chunk are handled and the window moves on', () => {
    let n = 0;
    const h = harness({ maxInflight: 1, onPublishDone: () => { if (n++ === 0) throw new Error('app bug'); } });
    const t = h.online();
    t.take();
    for (const v of ['1', '2', '3']) h.client.publish('t', v, 1, false);
    expect(t.take().length).toBe(1);
    // The throw came before the PUBACK of 1 let message 2 out: 2 is sent all the same, and acked in the same chunk.
    expect(() => h.feed(broker.puback(1) + broker.puback(2))).not.toThrow();
    expect(h.client.outbox.msgs.map((m) => m.packetId)).toEqual([3]);
    expect(t.take().map((p) => (p as mp.IPublishPacket).messageId)).toEqual([2, 3]);
    expect(h.client.stats.thrown).toBe(1);
  });

  it('onConnect: the session is up all the same', () => {
    const h = harness({ onConnect: () => { throw new Error('app bug'); } });
    h.client.publish('t', 'v', 1, false);
    const t = h.open();
    expect(() => h.feed(broker.connack(false))).not.toThrow();
    expect(t.takeCmds()).toEqual(['connect', 'publish']);
    expect(h.client.phase).toBe(2);
  });
});

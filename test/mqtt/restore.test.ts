/**
 * Restoring the outbox from the Store at creation: whatever the stored data
 * holds, the client starts with valid packet ids and states, within its
 * limits, and reports every message it does not take back.
 */
import * as mp from 'mqtt-packet';
import { MsgState } from '../../firmware/mqtt/outbox';
import { broker, harness, wire } from '../support/scripted-transport';
import { notOnLua, WIDE_CHAR } from '../support/session-recorder';

/** A saved PUBLISH as save() writes it (DUP=1: it was written before). */
const pub = (id: number, payload: string, qos: 1 | 2 = 1, dup = false) =>
  wire({ cmd: 'publish', topic: 'q', payload: Buffer.from(payload), qos, messageId: id, dup, retain: false });
const rel = (id: number) => wire({ cmd: 'pubrel', messageId: id });
/** A store holding `data` under the default key. */
const store = (data: string | undefined) => ({ load: () => data, save: () => 'OK' as const });
const pubs = (ps: mp.Packet[]) => ps.filter((p) => p.cmd === 'publish') as mp.IPublishPacket[];

describe('restore', () => {
  it('ignores data from the first char above 255 (no byte string holds one): ids stay in 1..65535', () => {
    notOnLua(WIDE_CHAR);
    // Read as a packet id, \u0100\u0005 would be 65541.
    const h = harness({ store: store('\u0100\u0005') });
    expect(h.client.outbox.msgs).toEqual([]);
    const t = h.online();
    h.client.publish('t', 'x', 1, false);
    expect(pubs(t.take()).map((p) => p.messageId)).toEqual([1]);
  });

  it('keeps the messages before a char above 255', () => {
    notOnLua(WIDE_CHAR);
    const h = harness({ store: store(String.fromCharCode(0, 9) + pub(3, 'a') + pub(4, 'b').replace('b', '\u0100') + pub(5, 'c')) });
    expect(h.client.outbox.msgs.map((m) => m.payload)).toEqual(['a']);
  });

  it('applies a PUBREL only to the QoS 2 PUBLISH right after it', () => {
    const saved = String.fromCharCode(0, 9) + rel(3) + pub(3, 'one', 1, true) + rel(4) + pub(5, 'two', 2, true) + pub(4, 'three', 2, true);
    const h = harness({ cleanSession: false, store: store(saved) });
    expect(h.client.outbox.msgs.map((m) => [m.packetId, m.qos, m.state])).toEqual([
      [3, 1, MsgState.AWAIT_PUBACK],
      [5, 2, MsgState.AWAIT_PUBREC],
      [4, 2, MsgState.AWAIT_PUBREC],
    ]);
    // The QoS 1 message is re-sent and completes only by PUBACK, never by PUBCOMP.
    const t = h.online(true);
    expect(pubs(t.take()).map((p) => [p.messageId, p.dup])).toEqual([[3, true], [5, true], [4, true]]);
    h.feed(broker.pubcomp(3));
    expect(h.ev.done).toEqual([]);
    h.feed(broker.puback(3));
    expect(h.ev.done).toEqual([[1, 'acked', 3]]);
  });

  it('still restores a released QoS 2 message as awaiting PUBCOMP', () => {
    const h = harness({ cleanSession: false, store: store(String.fromCharCode(0, 9) + rel(4) + pub(4, 'x', 2, true)) });
    expect(h.client.outbox.msgs.map((m) => m.state)).toEqual([MsgState.AWAIT_PUBCOMP]);
  });

  it('drops a repeated packet id and reports it', () => {
    const h = harness({ store: store(String.fromCharCode(0, 9) + pub(3, 'a') + pub(3, 'b')) });
    expect(h.client.outbox.msgs.map((m) => [m.packetId, m.payload])).toEqual([[3, 'a']]);
    expect(h.ev.done).toEqual([[2, 'DROPPED', 3]]);
    expect(h.client.stats.dropped).toBe(1);
  });

  it('takes back no more than maxMessages and maxBytes, reports the rest and saves without them', () => {
    let data = String.fromCharCode(0, 20);
    for (let i = 1; i <= 5; i++) data += pub(i, 'p');
    const files: Record<string, string> = { 'mqtt.outbox': data };
    const s = { load: (k: string) => files[k], save: (k: string, d: string) => ((files[k] = d), 'OK' as const) };
    const h = harness({ maxMessages: 3, store: s, saveIntervalMs: 1000 });
    expect(h.client.outbox.msgs.map((m) => m.packetId)).toEqual([1, 2, 3]);
    expect(h.ev.done.map((d) => [d[1], d[2]])).toEqual([['DROPPED', 4], ['DROPPED', 5]]);
    expect(h.client.stats.dropped).toBe(2);
    // One restored message is 8 bytes: maxBytes 20 holds two.
    const small = harness({ maxBytes: 20, store: store(data) });
    expect(small.client.outbox.msgs.map((m) => m.packetId)).toEqual([1, 2]);
    expect(small.client.outbox.bytes).toBe(16);
    // The dropped messages leave flash at the next periodic save.
    h.advance(1000);
    expect(harness({ store: s }).client.outbox.msgs.map((m) => m.packetId)).toEqual([1, 2, 3]);
  });
});

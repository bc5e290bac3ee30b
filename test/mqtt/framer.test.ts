/** Framer behaviour beyond the fixture tables: header timing, chunking contract, oversize skipping, factory. */
import { decodeFromBroker, decodePacket } from '../../firmware/mqtt/decode';
import { Framer, createFramer } from '../../firmware/mqtt/framer';
import { Packet, PacketType, Publish } from '../../firmware/mqtt/packets';
import { feed, fromBytes } from './codec-helpers';

const PUBACK_1 = fromBytes([0x40, 0x02, 0x00, 0x01]);
const PUBACK_2 = fromBytes([0x40, 0x02, 0x00, 0x02]);
const PINGRESP = fromBytes([0xd0, 0x00]);

test('needing more bytes is not an error', () => {
  const framer = new Framer(100, decodePacket);
  framer.push(PUBACK_1.substring(0, 3));
  expect(framer.next()).toBeUndefined();
  expect(framer.error).toBeUndefined();
  framer.push(PUBACK_1.substring(3));
  expect(framer.next()).toEqual({ type: PacketType.PUBACK, packetId: 1 });
  expect(framer.next()).toBeUndefined();
});

test('empty chunks change nothing', () => {
  expect(feed(100, ['', PUBACK_1.substring(0, 1), '', '', PUBACK_1.substring(1), ''])).toEqual({
    packets: [{ type: PacketType.PUBACK, packetId: 1 }],
    error: undefined,
    maxBuffered: 0,
  });
});

test('a packet split across three chunks between two whole ones', () => {
  const stream = PINGRESP + PUBACK_1 + PUBACK_2;
  expect(feed(100, [stream.substring(0, 3), stream.substring(3, 5), stream.substring(5)]).packets).toEqual([
    { type: PacketType.PINGRESP },
    { type: PacketType.PUBACK, packetId: 1 },
    { type: PacketType.PUBACK, packetId: 2 },
  ]);
});

test('a push while bytes are unread is refused (NOT_DRAINED), so nothing is joined without bound', () => {
  const framer = new Framer(100, decodePacket);
  framer.push(PUBACK_1 + PUBACK_2);
  expect(framer.next()).toEqual({ type: PacketType.PUBACK, packetId: 1 });
  framer.push(PINGRESP); // against the contract: PUBACK_2 is still unread
  expect(framer.error).toBe('NOT_DRAINED');
  expect([framer.next(), framer.buffered()]).toEqual([undefined, 0]);
  framer.reset();
  framer.push(PINGRESP);
  expect(framer.next()).toEqual({ type: PacketType.PINGRESP });
});

test('a push after a packet that ended its chunk is fine, without calling next() again', () => {
  const framer = new Framer(100, decodePacket);
  framer.push(PUBACK_1);
  expect(framer.next()).toEqual({ type: PacketType.PUBACK, packetId: 1 });
  framer.push(PUBACK_2);
  expect([framer.next(), framer.error]).toEqual([{ type: PacketType.PUBACK, packetId: 2 }, undefined]);
});

test('buffered() holds only the body of a packet that spans chunks', () => {
  const framer = new Framer(100, decodePacket);
  framer.push(fromBytes([0x30, 0x04, 0x00])); // header + 1 body byte
  expect(framer.next()).toBeUndefined();
  expect(framer.buffered()).toBe(1);
  framer.push(fromBytes([0x01, 0x74]));
  expect(framer.next()).toBeUndefined();
  expect(framer.buffered()).toBe(3);
  framer.push(fromBytes([0x78, 0x30]));
  expect(framer.next()).toMatchObject({ type: PacketType.PUBLISH, topic: 't', payload: 'x' });
  expect(framer.buffered()).toBe(0);
});

test('a remaining length over the maximum is refused from the header alone', () => {
  const framer = new Framer(16, decodePacket);
  framer.push(fromBytes([0x30, 0x11])); // 17 bytes announced, none sent
  expect(framer.next()).toBeUndefined();
  expect(framer.error).toBe('PACKET_TOO_LARGE');
});

test('a remaining length of exactly the maximum is accepted', () => {
  const result = feed(5, [fromBytes([0x30, 0x05, 0x00, 0x01, 0x74, 0x61, 0x62])]);
  expect(result.error).toBeUndefined();
  expect(result.packets).toEqual([
    { type: PacketType.PUBLISH, dup: false, qos: 0, retain: false, topic: 't', packetId: 0, payload: 'ab' },
  ]);
});

test('a 4th length byte with the continuation bit is refused before a 5th arrives', () => {
  const framer = new Framer(1 << 28, decodePacket);
  framer.push(fromBytes([0x30, 0x80, 0x80, 0x80]));
  expect(framer.next()).toBeUndefined();
  expect(framer.error).toBeUndefined();
  framer.push(fromBytes([0x80]));
  expect(framer.next()).toBeUndefined();
  expect(framer.error).toBe('MALFORMED_LENGTH');
});

test('a 4-byte remaining length is accepted', () => {
  const framer = new Framer(1 << 28, decodePacket);
  framer.push(fromBytes([0x30, 0x80, 0x80, 0x80, 0x01])); // 2097152
  expect(framer.next()).toBeUndefined();
  expect(framer.error).toBeUndefined();
});

test('an unknown type is refused at the first byte', () => {
  const framer = new Framer(100, decodePacket);
  framer.push(fromBytes([0xf0]));
  expect(framer.next()).toBeUndefined();
  expect(framer.error).toBe('UNKNOWN_TYPE');
});

test('a body wholly inside the chunk is decoded from that chunk only', () => {
  // Two packets arrive; the first spans chunks, the second is wholly inside
  // the second chunk and must not pick up the buffered part of the first.
  const first = fromBytes([0x30, 0x04, 0x00, 0x01, 0x61, 0x31]);
  const second = fromBytes([0x30, 0x04, 0x00, 0x01, 0x62, 0x32]);
  expect(feed(100, [first.substring(0, 4), first.substring(4) + second]).packets).toEqual([
    { type: PacketType.PUBLISH, dup: false, qos: 0, retain: false, topic: 'a', packetId: 0, payload: '1' },
    { type: PacketType.PUBLISH, dup: false, qos: 0, retain: false, topic: 'b', packetId: 0, payload: '2' },
  ]);
});

test('createFramer makes an independent framer', () => {
  const a = createFramer(100);
  const b = createFramer(100);
  expect(a).toBeInstanceOf(Framer);
  a.push(PUBACK_1.substring(0, 2));
  b.push(PINGRESP);
  expect(a.next()).toBeUndefined();
  expect(b.next()).toEqual({ type: PacketType.PINGRESP });
  a.push(PUBACK_1.substring(2));
  expect(a.next()).toEqual({ type: PacketType.PUBACK, packetId: 1 });
});

/** A PUBLISH as a byte string: fixed header, topic, packet id (QoS > 0), payload. */
function publish(flags: number, topic: string, id: number, payload: string): string {
  const u16 = (n: number) => String.fromCharCode(Math.floor(n / 256), n % 256);
  const body = u16(topic.length) + topic + (Math.floor(flags / 2) % 4 > 0 ? u16(id) : '') + payload;
  let len = '';
  for (let n = body.length; ; ) {
    const b = n % 128;
    n = Math.floor(n / 128);
    len += String.fromCharCode(n > 0 ? b + 128 : b);
    if (n === 0) break;
  }
  return String.fromCharCode(0x30 + flags) + len + body;
}

/** Every packet and the largest buffered() seen, feeding `chunks` to a framer with the client's decoder. */
function clientFeed(max: number, chunks: string[]) {
  const framer = new Framer(max, decodeFromBroker);
  const packets: unknown[] = [];
  let maxBuffered = 0;
  for (const c of chunks) {
    framer.push(c);
    for (let p = framer.next(); p !== undefined; p = framer.next()) packets.push(p);
    maxBuffered = Math.max(maxBuffered, framer.buffered());
  }
  return { packets, error: framer.error, maxBuffered };
}

const SKIPPED = { type: PacketType.PUBLISH, topic: '', payload: '' };

describe('an oversized PUBLISH under the client decoder (decodeFromBroker) is skipped, not refused', () => {
  const cases: [string, string, object][] = [
    ['QoS 1', publish(0x02, 'big', 7, 'x'.repeat(200)), { ...SKIPPED, qos: 1, packetId: 7, dup: false, retain: false }],
    ['QoS 2 DUP retain', publish(0x0d, 'big', 0x1234, 'x'.repeat(200)), { ...SKIPPED, qos: 2, packetId: 0x1234, dup: true, retain: true }],
    ['QoS 0', publish(0x00, 'big', 0, 'x'.repeat(200)), { ...SKIPPED, qos: 0, packetId: 0, dup: false, retain: false }],
    ['QoS 1, the topic alone over the limit', publish(0x02, 't'.repeat(300), 9, 'p'), { ...SKIPPED, qos: 1, packetId: 9 }],
    ['QoS 1, a 3-byte remaining length', publish(0x02, 'big', 65535, 'x'.repeat(17000)), { ...SKIPPED, qos: 1, packetId: 65535 }],
  ];
  it.each(cases)('%s: its flags and id, then the next packet; at most 4 bytes held, split anywhere', (_name, wire, expected) => {
    const stream = wire + PUBACK_2;
    const splits = [[stream], stream.split('')];
    for (let i = 0; i <= stream.length; i += 7) splits.push([stream.substring(0, i), stream.substring(i)]);
    for (const chunks of splits) {
      const r = clientFeed(100, chunks);
      expect(r.error).toBeUndefined();
      expect(r.packets).toEqual([expect.objectContaining(expected), { type: PacketType.PUBACK, packetId: 2 }]);
      expect(r.maxBuffered).toBeLessThanOrEqual(4);
    }
  });

  it('a PUBLISH within the limit is decoded as usual', () => {
    expect(clientFeed(100, [publish(0x02, 'a', 3, 'v')]).packets).toEqual([
      { type: PacketType.PUBLISH, dup: false, qos: 1, retain: false, topic: 'a', packetId: 3, payload: 'v' },
    ]);
  });

  const bad: [string, string, string][] = [
    ['QoS 3', String.fromCharCode(0x36, 0x80, 0x01), 'PACKET_TOO_LARGE'],
    ['DUP with QoS 0', String.fromCharCode(0x38, 0x80, 0x01), 'PACKET_TOO_LARGE'],
    // A topic length running past the end: the packet id is not there.
    ['QoS 1 whose id lies past its end', String.fromCharCode(0x32, 0x80, 0x01, 0x7f, 0xff) + 'x'.repeat(126), 'TRUNCATED'],
    ['QoS 1 with packet id 0', publish(0x02, 'big', 0, 'x'.repeat(200)), 'ZERO_PACKET_ID'],
  ];
  it.each(bad)('%s is still malformed, at its own end (not reading into the next packet)', (_name, wire, code) => {
    for (const chunks of [[wire + PUBACK_2], (wire + PUBACK_2).split('')]) {
      expect(clientFeed(100, chunks)).toMatchObject({ error: code, packets: [] });
    }
  });

  it('any other oversized packet stays PACKET_TOO_LARGE', () => {
    const suback = String.fromCharCode(0x90, 0x80, 0x01, 0, 1) + String.fromCharCode(0).repeat(126);
    expect(clientFeed(100, [suback]).error).toBe('PACKET_TOO_LARGE');
  });

  it('the full decoder (decodePacket, createFramer) keeps PACKET_TOO_LARGE for a PUBLISH', () => {
    const framer = createFramer(100);
    framer.push(publish(0x02, 'big', 7, 'x'.repeat(200)));
    expect([framer.next(), framer.error]).toEqual([undefined, 'PACKET_TOO_LARGE']);
  });
});

test('seeded: PUBLISH around the limit in random chunks, each decoded or skipped with its id, never over 4 bytes held while skipping', () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const MAX = 64;
  let skipped = 0;
  let decoded = 0;
  for (let i = 0; i < 2000; i++) {
    const qos = rnd(3);
    const topic = 't'.repeat(1 + rnd(80));
    const id = 1 + rnd(65535);
    const flags = qos * 2 + (qos > 0 ? rnd(2) * 8 : 0) + rnd(2);
    const wire = publish(flags, topic, id, 'p'.repeat(rnd(40))) + PINGRESP;
    const chunks: string[] = [];
    for (let at = 0; at < wire.length; ) {
      const n = 1 + rnd(20);
      chunks.push(wire.substring(at, at + n));
      at += n;
    }
    const framer = new Framer(MAX, decodeFromBroker);
    const got: Packet[] = [];
    for (const c of chunks) {
      framer.push(c);
      for (let p = framer.next(); p !== undefined; p = framer.next()) got.push(p);
      expect(framer.buffered()).toBeLessThanOrEqual(MAX);
    }
    expect(framer.error).toBeUndefined();
    const first = got[0] as Publish;
    const over = wire.length - 2 - (wire.charCodeAt(1) >= 128 ? 3 : 2) > MAX;
    expect([got.length, got[1], first.qos, first.packetId, first.dup, first.retain]).toEqual([
      2, { type: PacketType.PINGRESP }, qos, qos > 0 ? id : 0, flags >= 8, flags % 2 === 1,
    ]);
    expect(first.topic).toBe(over ? '' : topic);
    if (over) skipped++;
    else decoded++;
  }
  expect(Math.min(skipped, decoded)).toBeGreaterThan(500);
});

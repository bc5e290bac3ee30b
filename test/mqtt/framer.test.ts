/** Framer behaviour beyond the fixture tables: header timing, chunking contract, factory. */
import { decodePacket } from '../../firmware/mqtt/decode';
import { Framer, createFramer } from '../../firmware/mqtt/framer';
import { PacketType } from '../../firmware/mqtt/packets';
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

test('bytes left unread by a push without draining are kept in order', () => {
  const framer = new Framer(100, decodePacket);
  framer.push(PUBACK_1 + PUBACK_2);
  expect(framer.next()).toEqual({ type: PacketType.PUBACK, packetId: 1 });
  framer.push(PINGRESP); // against the contract: PUBACK_2 is still unread
  expect([framer.next(), framer.next(), framer.next()]).toEqual([
    { type: PacketType.PUBACK, packetId: 2 },
    { type: PacketType.PINGRESP },
    undefined,
  ]);
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

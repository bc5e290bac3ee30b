/**
 * Fixture-table tests of the codec: decode (directly and through the framer),
 * encode, round trips, every split point, all fixtures in one chunk.
 */
import { decodePacket } from '../../firmware/mqtt/decode';
import { encodeAck, encodePacket, encodePublish, encodeRemainingLength } from '../../firmware/mqtt/encode';
import { Packet, PacketType } from '../../firmware/mqtt/packets';
import { fixtures } from '../fixtures/packets';
import { byteByByte, everySplit, feed, fromBytes, splitPacket, toBytes } from './codec-helpers';

/** Large enough for every fixture. */
const MAX = 1 << 20;

describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  const wire = fromBytes(fixture.bytes);

  test('decodePacket gives the packet', () => {
    const { firstByte, body } = splitPacket(fixture.bytes);
    expect(decodePacket(firstByte, body)).toEqual(fixture.packet);
  });

  test('the framer gives the packet exactly once', () => {
    const result = feed(MAX, [wire]);
    expect(result.error).toBeUndefined();
    expect(result.packets).toEqual([fixture.packet]);
  });

  test('encodePacket gives the bytes', () => {
    const encoded = encodePacket(fixture.packet);
    expect(encoded).toBeDefined();
    expect(toBytes(encoded as string)).toEqual(fixture.bytes);
  });

  test('decode(encode(packet)) is the packet', () => {
    const encoded = encodePacket(fixture.packet) as string;
    expect(feed(MAX, [encoded]).packets).toEqual([fixture.packet]);
  });

  test('split at every point gives the packet exactly once', () => {
    for (const chunks of everySplit(wire)) {
      const result = feed(MAX, chunks);
      if (result.error !== undefined || result.packets.length !== 1) {
        throw new Error('split at ' + chunks[0].length + ': ' + JSON.stringify(result));
      }
      expect(result.packets[0]).toEqual(fixture.packet);
    }
  });

  test('byte by byte gives the packet exactly once', () => {
    const result = feed(MAX, byteByByte(wire));
    expect(result.error).toBeUndefined();
    expect(result.packets).toEqual([fixture.packet]);
  });

  if (fixture.packet.type === PacketType.PUBLISH) {
    const p = fixture.packet;
    test('encodePublish equals encodePacket', () => {
      expect(encodePublish(p.topic, p.payload, p.qos, p.retain, p.dup, p.packetId)).toBe(wire);
    });
  }
});

describe('all fixtures in one stream', () => {
  const stream = fixtures.map((f) => fromBytes(f.bytes)).join('');
  const expected = fixtures.map((f) => f.packet);

  test('in one chunk they come out in order', () => {
    const result = feed(MAX, [stream]);
    expect(result.error).toBeUndefined();
    expect(result.packets).toEqual(expected);
  });

  test('in chunks of 7 bytes they come out in order', () => {
    const chunks: string[] = [];
    for (let i = 0; i < stream.length; i += 7) chunks.push(stream.substring(i, i + 7));
    expect(feed(MAX, chunks).packets).toEqual(expected);
  });

  test('in chunks of 536 bytes (ESP32 socket size) they come out in order', () => {
    const chunks: string[] = [];
    for (let i = 0; i < stream.length; i += 536) chunks.push(stream.substring(i, i + 536));
    expect(feed(MAX, chunks).packets).toEqual(expected);
  });
});

describe('encodeRemainingLength [MQTT 2.2.3]', () => {
  test.each([
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [16383, [0xff, 0x7f]],
    [16384, [0x80, 0x80, 0x01]],
    [2097151, [0xff, 0xff, 0x7f]],
    [2097152, [0x80, 0x80, 0x80, 0x01]],
    [268435455, [0xff, 0xff, 0xff, 0x7f]],
  ])('%d', (length, bytes) => {
    expect(toBytes(encodeRemainingLength(length))).toEqual(bytes);
  });
});

describe('encodeAck', () => {
  test.each([
    [PacketType.PUBACK, 0x40],
    [PacketType.PUBREC, 0x50],
    [PacketType.PUBREL, 0x62], // flags 0010 [MQTT-3.6.1-1]
    [PacketType.PUBCOMP, 0x70],
    [PacketType.UNSUBACK, 0xb0],
  ])('type %d has first byte %d', (type, first) => {
    expect(toBytes(encodeAck(type, 0x1234))).toEqual([first, 0x02, 0x12, 0x34]);
  });
});

describe('encoders refuse what cannot be encoded', () => {
  const long = 'a'.repeat(65536);
  const connect: Packet = { type: PacketType.CONNECT, clientId: 'c', cleanSession: true, keepAlive: 60 };

  test('a 65535-byte topic is encoded, a 65536-byte one is not', () => {
    expect(encodePublish('a'.repeat(65535), '', 0, false, false, 0)?.length).toBe(1 + 3 + 2 + 65535); // header: type byte + 3 length bytes
    expect(encodePublish(long, '', 0, false, false, 0)).toBeUndefined();
    // 3 bytes per char: 21846 * 3 = 65538 bytes once encoded.
    expect(encodePublish('\u20ac'.repeat(21846), '', 0, false, false, 0)).toBeUndefined();
  });

  test('QoS outside 0..2', () => {
    expect(encodePublish('t', '', 3 as never, false, false, 1)).toBeUndefined();
    expect(encodePacket({ type: PacketType.SUBSCRIBE, packetId: 1, subscriptions: [{ topic: 't', qos: 3 as never }] })).toBeUndefined();
    expect(encodePacket({ ...connect, will: { topic: 'w', payload: '', qos: 3 as never, retain: false } })).toBeUndefined();
  });

  test('packet identifier outside 1..65535 where one is required', () => {
    for (const id of [0, 65536, 1.5, -1]) {
      expect(encodePublish('t', '', 1, false, false, id)).toBeUndefined();
      expect(encodePacket({ type: PacketType.PUBACK, packetId: id })).toBeUndefined();
      expect(encodePacket({ type: PacketType.SUBSCRIBE, packetId: id, subscriptions: [{ topic: 't', qos: 0 }] })).toBeUndefined();
      expect(encodePacket({ type: PacketType.UNSUBSCRIBE, packetId: id, topics: ['t'] })).toBeUndefined();
      expect(encodePacket({ type: PacketType.SUBACK, packetId: id, returnCodes: [0] })).toBeUndefined();
    }
    // QoS 0 carries no identifier, so any value is ignored [MQTT 3.3.2.2].
    expect(encodePublish('t', '', 0, false, false, 0)).toBe(fromBytes([0x30, 3, 0, 1, 0x74]));
  });

  test('CONNECT fields that cannot be encoded', () => {
    expect(encodePacket({ ...connect, keepAlive: 65536 })).toBeUndefined();
    expect(encodePacket({ ...connect, clientId: long })).toBeUndefined();
    expect(encodePacket({ ...connect, username: 'u', password: long })).toBeUndefined();
    // A password needs a user name [MQTT-3.1.2-22].
    expect(encodePacket({ ...connect, password: 'p' })).toBeUndefined();
    expect(encodePacket({ ...connect, username: 'u', password: 'p' })).toBeDefined();
  });

  test('return codes that are not a byte', () => {
    expect(encodePacket({ type: PacketType.CONNACK, sessionPresent: false, returnCode: 256 })).toBeUndefined();
    expect(encodePacket({ type: PacketType.SUBACK, packetId: 1, returnCodes: [0, 256] })).toBeUndefined();
  });
});

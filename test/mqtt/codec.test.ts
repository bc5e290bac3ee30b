/**
 * Fixture-table tests of the codec: decode (directly and through the framer),
 * encode, round trips, every split point, all fixtures in one chunk.
 */
import { decodePacket } from '../../firmware/mqtt/decode';
import { encodeAck, encodeConnect, encodeFilters, encodePacket, encodePublish, encodeRemainingLength } from '../../firmware/mqtt/encode';
import { Framer } from '../../firmware/mqtt/framer';
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

describe('encoders never throw on fields of the wrong type (dist/mqtt.js is a plain-JS API)', () => {
  // Each of these used to throw a TypeError, or to write a broken packet
  // (a number payload: NaN length, so remaining length 0, then "42").
  const values: unknown[] = [42, { a: 1 }, null, undefined, true, ['a']];

  test.each(values.map((v) => [JSON.stringify(v) ?? 'undefined', v]))('%s as payload, topic or password', (_name, v) => {
    const bad = v as never;
    expect(encodePublish('t', bad, 0, false, false, 0)).toBeUndefined();
    expect(encodePublish('t', bad, 1, false, false, 1)).toBeUndefined();
    expect(encodePublish(bad, 'p', 0, false, false, 0)).toBeUndefined();
    expect(encodePacket({ type: PacketType.PUBLISH, dup: false, qos: 1, retain: false, topic: 't', packetId: 1, payload: bad })).toBeUndefined();
    expect(encodePacket({ type: PacketType.PUBLISH, dup: false, qos: 1, retain: false, topic: bad, packetId: 1, payload: '' })).toBeUndefined();
    const connect = { type: PacketType.CONNECT, clientId: 'c', cleanSession: true, keepAlive: 60 } as const;
    expect(encodeConnect({ ...connect, clientId: bad })).toBeUndefined();
    // An undefined password means none.
    if (v !== undefined) expect(encodeConnect({ ...connect, username: 'u', password: bad })).toBeUndefined();
    expect(encodeConnect({ ...connect, will: { topic: bad, payload: '', qos: 0, retain: false } })).toBeUndefined();
    expect(encodeConnect({ ...connect, will: { topic: 'w', payload: bad, qos: 0, retain: false } })).toBeUndefined();
    expect(encodeFilters(PacketType.SUBSCRIBE, 1, [{ topic: bad, qos: 0 }])).toBeUndefined();
    expect(encodeFilters(PacketType.UNSUBSCRIBE, 1, [bad])).toBeUndefined();
  });

  test('a user name that is not a string is refused; undefined means none', () => {
    const connect = { type: PacketType.CONNECT, clientId: 'c', cleanSession: true, keepAlive: 60 } as const;
    expect(encodeConnect({ ...connect, username: 42 as never })).toBeUndefined();
    expect(encodeConnect({ ...connect, username: null as never })).toBeUndefined();
    expect(encodeConnect({ ...connect, username: undefined })).toBe(encodeConnect(connect));
  });

  test('payload and password chars above 255 are refused, not cut to 8 bits on the wire', () => {
    for (const wide of ['\u0100', 'ok\u20ac', '\ud83d\ude00']) {
      expect(encodePublish('t', wide, 0, false, false, 0)).toBeUndefined();
      expect(encodeConnect({ type: PacketType.CONNECT, clientId: 'c', cleanSession: true, keepAlive: 1, username: 'u', password: wide })).toBeUndefined();
      expect(encodeConnect({ type: PacketType.CONNECT, clientId: 'c', cleanSession: true, keepAlive: 1, will: { topic: 'w', payload: wide, qos: 0, retain: false } })).toBeUndefined();
    }
    // Every byte value is fine.
    expect(encodePublish('t', '\u00ff\u0000\u0080', 0, false, false, 0)).toBe(fromBytes([0x30, 6, 0, 1, 0x74, 0xff, 0x00, 0x80]));
  });
});

describe('encodePacket refuses every packet decodePacket would refuse', () => {
  const connect = { type: PacketType.CONNECT, clientId: 'c', cleanSession: true, keepAlive: 60 } as const;
  const publish = { type: PacketType.PUBLISH, dup: false, qos: 0, retain: false, topic: 't', packetId: 0, payload: '' } as const;
  const will = { topic: 'w', payload: '', qos: 0, retain: false } as const;
  const refused: [string, Packet][] = [
    ['U+0000 in the client id', { ...connect, clientId: 'a\u0000' }],
    ['U+0000 in the user name', { ...connect, username: '\u0000' }],
    ['U+0000 in a topic', { ...publish, topic: 'a\u0000b' }],
    ['a lone surrogate in a topic', { ...publish, topic: 'a\ud800' }],
    ['a lone surrogate in the client id', { ...connect, clientId: '\udc00' }],
    ['a wildcard topic', { ...publish, topic: 'a/#' }],
    ['a + topic', { ...publish, topic: '+' }],
    ['an empty topic', { ...publish, topic: '' }],
    ['a wildcard will topic', { ...connect, will: { ...will, topic: 'w/+' } }],
    ['an empty will topic', { ...connect, will: { ...will, topic: '' } }],
    ['SUBSCRIBE without filters', { type: PacketType.SUBSCRIBE, packetId: 1, subscriptions: [] }],
    ['UNSUBSCRIBE without filters', { type: PacketType.UNSUBSCRIBE, packetId: 1, topics: [] }],
    ['SUBSCRIBE empty filter', { type: PacketType.SUBSCRIBE, packetId: 1, subscriptions: [{ topic: '', qos: 0 }] }],
    ['UNSUBSCRIBE empty filter', { type: PacketType.UNSUBSCRIBE, packetId: 1, topics: ['a', ''] }],
    ['SUBSCRIBE filter a+b', { type: PacketType.SUBSCRIBE, packetId: 1, subscriptions: [{ topic: 'a+b', qos: 0 }] }],
    ['UNSUBSCRIBE filter a/#/b', { type: PacketType.UNSUBSCRIBE, packetId: 1, topics: ['a/#/b'] }],
    ['CONNACK return code 6', { type: PacketType.CONNACK, sessionPresent: false, returnCode: 6 }],
    ['CONNACK return code 255', { type: PacketType.CONNACK, sessionPresent: false, returnCode: 255 }],
    ['CONNACK session present with return code 5', { type: PacketType.CONNACK, sessionPresent: true, returnCode: 5 }],
    ['SUBACK return code 3', { type: PacketType.SUBACK, packetId: 1, returnCodes: [0, 3] }],
    ['SUBACK return code 0x81', { type: PacketType.SUBACK, packetId: 1, returnCodes: [0x81] }],
    ['SUBACK without return codes', { type: PacketType.SUBACK, packetId: 1, returnCodes: [] }],
    ['type 0', { type: 0, packetId: 1 } as never],
    ['type 15', { type: 15, packetId: 1 } as never],
    ['type 2.5', { type: 2.5, packetId: 1 } as never],
  ];

  test.each(refused)('%s', (_name, packet) => {
    expect(encodePacket(packet)).toBeUndefined();
  });

  test('the same fields made valid are encoded', () => {
    expect(encodePacket({ ...connect, clientId: 'a\u00e9', username: 'u' })).toBeDefined();
    expect(encodePacket({ ...publish, topic: 'a/\ud83d\ude00' })).toBeDefined();
    expect(encodePacket({ ...connect, will: { ...will, topic: 'w/x' } })).toBeDefined();
    expect(encodePacket({ type: PacketType.SUBSCRIBE, packetId: 1, subscriptions: [{ topic: 'a/+/#', qos: 2 }] })).toBeDefined();
    expect(encodePacket({ type: PacketType.CONNACK, sessionPresent: true, returnCode: 0 })).toBeDefined();
    expect(encodePacket({ type: PacketType.CONNACK, sessionPresent: false, returnCode: 5 })).toBeDefined();
    expect(encodePacket({ type: PacketType.SUBACK, packetId: 1, returnCodes: [0, 1, 2, 0x80] })).toBeDefined();
  });

  test('DUP is cleared at QoS 0 [MQTT-3.3.1-2], so the packet decodes', () => {
    const wire = encodePacket({ ...publish, dup: true }) as string;
    expect(wire.charCodeAt(0)).toBe(0x30);
    expect(feed(MAX, [wire]).packets).toEqual([publish]);
    expect(encodePublish('t', '', 0, false, true, 0)).toBe(wire);
    // At QoS 1 and 2 DUP is kept.
    expect(encodePublish('t', '', 1, false, true, 1)?.charCodeAt(0)).toBe(0x3a);
  });
});

test('a PUBLISH with a 4-byte remaining length decodes end to end and re-encodes to the same bytes', () => {
  // 2097152 is the smallest remaining length taking 4 bytes [MQTT 2.2.3].
  const length = 2097152;
  const payload = 'x'.repeat(length - 5);
  const wire = fromBytes([0x32, 0x80, 0x80, 0x80, 0x01, 0x00, 0x01, 0x74, 0x12, 0x34]) + payload;
  const packet: Packet = { type: PacketType.PUBLISH, dup: false, qos: 1, retain: false, topic: 't', packetId: 0x1234, payload };
  expect(encodePacket(packet)).toBe(wire);
  // The framer must accept the size; with the default it refuses it from the header.
  const framer = new Framer(length, decodePacket);
  const got: Packet[] = [];
  for (let i = 0; i < wire.length; i += 65536) {
    framer.push(wire.substring(i, i + 65536));
    for (let p = framer.next(); p !== undefined; p = framer.next()) got.push(p);
  }
  expect(framer.error).toBeUndefined();
  expect(got).toEqual([packet]);
  const small = new Framer(length - 1, decodePacket);
  small.push(wire.substring(0, 5));
  expect(small.next()).toBeUndefined();
  expect([small.error, small.buffered()]).toEqual(['PACKET_TOO_LARGE', 0]);
});

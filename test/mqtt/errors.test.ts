/**
 * Error-table tests: every malformed input gives exactly its CodecError code,
 * however it is split; errors are sticky until reset(); buffering is bounded;
 * the decoder never throws.
 */
import { decodePacket } from '../../firmware/mqtt/decode';
import { CodecError, codecErrorMessage } from '../../firmware/mqtt/errors';
import { Framer } from '../../firmware/mqtt/framer';
import { errorFixtureMaxPacketSize, errorFixtures, fixtures } from '../fixtures/packets';
import { byteByByte, everySplit, feed, fromBytes, splitPacket } from './codec-helpers';

/** Codes reported by the framer from the fixed header alone. */
const HEADER_CODES: CodecError[] = ['MALFORMED_LENGTH', 'PACKET_TOO_LARGE', 'UNKNOWN_TYPE'];

describe.each(errorFixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  const max = fixture.maxPacketSize ?? errorFixtureMaxPacketSize;
  const wire = fromBytes(fixture.bytes);

  test('the framer reports exactly this code and no packet', () => {
    const result = feed(max, [wire]);
    expect(result.error).toBe(fixture.error);
    expect(result.packets).toEqual([]);
  });

  test('split at every point or byte by byte: the same code', () => {
    for (const chunks of [...everySplit(wire), byteByByte(wire)]) {
      const result = feed(max, chunks);
      expect([result.error, result.packets.length]).toEqual([fixture.error, 0]);
    }
  });

  if (!HEADER_CODES.includes(fixture.error)) {
    test('decodePacket returns the code', () => {
      const { firstByte, body } = splitPacket(fixture.bytes);
      expect(decodePacket(firstByte, body)).toBe(fixture.error);
    });
  }

  test('after a valid packet in the same chunk: the packet, then the code', () => {
    const result = feed(max, [fromBytes([0xd0, 0x00]) + wire]);
    expect(result.packets).toEqual([{ type: 13 }]);
    expect(result.error).toBe(fixture.error);
  });
});

/**
 * Every CodecError, and nothing else: the set is closed, and each code in it
 * is one the decoder or framer produces (encoders return undefined instead).
 * The compiler checks this list against the type both ways.
 */
const ALL_CODES = [
  'BAD_FILTER', 'BAD_FLAGS', 'BAD_LENGTH', 'BAD_PROTOCOL', 'BAD_QOS', 'BAD_RETURN_CODE', 'BAD_UTF8', 'EMPTY_TOPIC',
  'MALFORMED_LENGTH', 'NO_TOPICS', 'NOT_DRAINED', 'PACKET_TOO_LARGE', 'TOPIC_WILDCARD', 'TRUNCATED', 'UNEXPECTED_TYPE',
  'UNKNOWN_TYPE', 'ZERO_PACKET_ID',
] as const;
type Listed = (typeof ALL_CODES)[number];
const everyCodeListed: [CodecError] extends [Listed] ? true : false = true;
const onlyCodesListed: [Listed] extends [CodecError] ? true : false = true;

test('every code has its own readable message', () => {
  expect(everyCodeListed && onlyCodesListed).toBe(true);
  const messages = ALL_CODES.map((code) => codecErrorMessage(code));
  for (const m of messages) expect(m).toMatch(/^\w.*\w$/);
  expect(new Set(messages).size).toBe(ALL_CODES.length);
});

test('the error fixtures cover every code the decoder and framer can produce', () => {
  const codes = new Set(errorFixtures.map((f) => f.error));
  // UNEXPECTED_TYPE comes from decodeFromBroker only (the client's decoder; see the fuzz),
  // NOT_DRAINED from a caller's misuse of push() (framer.test.ts).
  expect([...codes, 'UNEXPECTED_TYPE', 'NOT_DRAINED'].sort()).toEqual([...ALL_CODES].sort());
  for (const code of codes) expect(codecErrorMessage(code)).toMatch(/\w/);
});

describe('sticky error and reset()', () => {
  const bad = fromBytes([0x41, 0x02, 0x00, 0x01]); // PUBACK with flags 0001
  const good = fromBytes([0x40, 0x02, 0x00, 0x07]); // PUBACK 7

  test('after an error, valid input yields nothing and the error stays', () => {
    const framer = new Framer(100, decodePacket);
    framer.push(bad + good);
    expect(framer.next()).toBeUndefined();
    expect(framer.error).toBe('BAD_FLAGS');
    framer.push(good);
    expect(framer.next()).toBeUndefined();
    expect(framer.error).toBe('BAD_FLAGS');
    expect(framer.buffered()).toBe(0);
  });

  test('reset() clears the error and the buffer; the next connection decodes', () => {
    const framer = new Framer(100, decodePacket);
    framer.push(good.substring(0, 3)); // a partial packet...
    expect(framer.next()).toBeUndefined();
    expect(framer.buffered()).toBe(1);
    framer.reset(); // ...is dropped with the old connection
    expect(framer.buffered()).toBe(0);
    framer.push(bad);
    expect(framer.next()).toBeUndefined();
    framer.reset();
    expect(framer.error).toBeUndefined();
    framer.push(good);
    expect(framer.next()).toEqual({ type: 4, packetId: 7 });
    expect(framer.next()).toBeUndefined();
    expect(framer.error).toBeUndefined();
  });
});

describe('bounded buffering: never more than maxPacketSize + 5 bytes', () => {
  test('each valid fixture byte by byte with max = its remaining length', () => {
    for (const f of fixtures) {
      const body = splitPacket(f.bytes).body;
      const result = feed(body.length, byteByByte(fromBytes(f.bytes)));
      expect(result.packets).toEqual([f.packet]);
      expect(result.maxBuffered).toBeLessThanOrEqual(body.length + 5);
      // The bound is met by holding at most the body, not by dropping it.
      expect(result.maxBuffered).toBe(Math.max(0, body.length - 1));
    }
  });

  test('a packet just over the maximum is refused before its body is buffered', () => {
    const packet = fixtures.find((f) => f.name === 'PUBLISH remaining length 16384');
    if (packet === undefined) throw new Error('fixture missing');
    const result = feed(16383, byteByByte(fromBytes(packet.bytes)));
    expect(result.error).toBe('PACKET_TOO_LARGE');
    expect(result.maxBuffered).toBe(0);
  });

  test('a stream of packets in odd chunks stays within the bound', () => {
    const stream = fixtures.map((f) => fromBytes(f.bytes)).join('');
    const chunks: string[] = [];
    for (let i = 0, size = 1; i < stream.length; i += size, size = (size * 7) % 300 + 1) {
      chunks.push(stream.substring(i, i + size));
    }
    const result = feed(16384, chunks);
    expect(result.packets.length).toBe(fixtures.length);
    expect(result.maxBuffered).toBeLessThanOrEqual(16384 + 5);
  });
});

test('decodePacket never throws on mutated fixtures', () => {
  // Every byte of every small fixture replaced by a few values, and every
  // truncation: a bounded, deterministic sweep (the random fuzz lives elsewhere).
  let decoded = 0;
  for (const f of [...fixtures, ...errorFixtures]) {
    if (f.bytes.length > 64) continue;
    const { firstByte, body } = splitPacket(f.bytes);
    for (let i = 0; i <= body.length; i++) {
      for (const b of [0x00, 0x01, 0x23, 0x2b, 0x7f, 0x80, 0xc0, 0xed, 0xff]) {
        const mutated = body.substring(0, i) + String.fromCharCode(b) + body.substring(i + 1);
        for (const first of [firstByte, (firstByte + 16) % 256, firstByte ^ 0x0f]) {
          const r1 = decodePacket(first, mutated);
          const r2 = decodePacket(first, body.substring(0, i));
          expect(typeof r1 === 'string' || typeof r1 === 'object').toBe(true);
          expect(typeof r2 === 'string' || typeof r2 === 'object').toBe(true);
          decoded += 2;
        }
      }
    }
  }
  expect(decoded).toBeGreaterThan(10000);
});

/**
 * Seeded fuzz of the Framer + decoder: random bytes and mutated valid packets
 * (one byte replaced, one bit flipped, truncated, extended, remaining length
 * rewritten, fixed-header flags changed), each fed in random chunks.
 * Invariants checked on every input:
 *  - no exception escapes Framer.push / Framer.next (on Espruino a throwing
 *    `data` handler is removed for good);
 *  - every decoded packet re-encodes without throwing, and the re-encoding
 *    decodes to the same record;
 *  - buffered() never exceeds maxPacketSize + 5;
 *  - an error is sticky: more input changes nothing until reset().
 * Outcome counts are asserted too, so the suite cannot pass vacuously.
 * A second, smaller run streams several inputs back to back through the
 * client's decoder (decodeFromBroker) and checks it against decodePacket.
 */
import * as mqttPacket from 'mqtt-packet';
import { isDeepStrictEqual } from 'util';
import { encodePacket } from '../../firmware/mqtt/encode';
import { CodecError } from '../../firmware/mqtt/errors';
import { decodeFromBroker, decodePacket } from '../../firmware/mqtt/decode';
import { Framer } from '../../firmware/mqtt/framer';
import { Packet, PacketType } from '../../firmware/mqtt/packets';
import { hex, toByteString } from '../support/bytes';
import { randomPacket, randomPacketOfType, Rng } from '../support/random';

const SEED = 0xf022c0de;
const INPUTS = 100000;
const MAX_PACKET_SIZE = 512;
/** A bound, not a speed goal: the loop stops here so a hang cannot stall CI. */
const DEADLINE_MS = 100000;

/** The packet types a broker sends to a client. */
const FROM_BROKER = [PacketType.CONNACK, PacketType.PUBLISH, PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL,
  PacketType.PUBCOMP, PacketType.SUBACK, PacketType.UNSUBACK, PacketType.PINGRESP];

/**
 * Valid packets encoded by mqtt-packet (an independent encoder) to mutate;
 * with `fromBroker`, 9 in 10 are of a type a client receives.
 */
function validPool(rng: Rng, fromBroker?: boolean): string[] {
  const pool: string[] = [];
  const opts = { maxPayload: 700, maxChars: 6, maxLevels: 3 };
  for (let i = 0; i < 600; i++) {
    const p = fromBroker && rng.bool(0.9) ? randomPacketOfType(rng, rng.pick(FROM_BROKER), opts) : randomPacket(rng, opts);
    pool.push(toByteString(mqttPacket.generate(toMqtt(p))));
  }
  return pool;
}

/** Minimal record -> mqtt-packet object mapping (the oracle test has the full one). */
function toMqtt(p: Packet): mqttPacket.Packet {
  const buf = (s: string): Buffer => Buffer.from(s, 'latin1');
  const cmds = ['', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe',
    'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect'];
  const o: { [k: string]: unknown } = { cmd: cmds[p.type] };
  switch (p.type) {
    case 1:
      Object.assign(o, { protocolId: 'MQTT', protocolVersion: 4, clientId: p.clientId, clean: p.cleanSession,
        keepalive: p.keepAlive, username: p.username });
      if (p.will) o.will = { topic: p.will.topic, payload: buf(p.will.payload), qos: p.will.qos, retain: p.will.retain };
      if (p.password !== undefined) o.password = buf(p.password);
      break;
    case 2:
      Object.assign(o, { sessionPresent: p.sessionPresent, returnCode: p.returnCode });
      break;
    case 3:
      Object.assign(o, { topic: p.topic, payload: buf(p.payload), qos: p.qos, dup: p.dup, retain: p.retain });
      if (p.qos > 0) o.messageId = p.packetId;
      break;
    case 8:
      Object.assign(o, { messageId: p.packetId, subscriptions: p.subscriptions });
      break;
    case 9:
      Object.assign(o, { messageId: p.packetId, granted: p.returnCodes });
      break;
    case 10:
      Object.assign(o, { messageId: p.packetId, unsubscriptions: p.topics });
      break;
    case 12: case 13: case 14:
      break;
    default:
      o.messageId = p.packetId;
  }
  return o as unknown as mqttPacket.Packet;
}

/** Remaining length as a variable byte integer [MQTT 2.2.3] (test-side copy). */
function varint(n: number): string {
  let s = '';
  do {
    const d = n % 128;
    n = Math.floor(n / 128);
    s += String.fromCharCode(n > 0 ? d + 128 : d);
  } while (n > 0);
  return s;
}

/** Splits a wire packet into first byte, remaining length and body. */
function split(wire: string): { first: number; body: string } {
  let i = 1;
  while (wire.charCodeAt(i) >= 128) i++;
  return { first: wire.charCodeAt(0), body: wire.substring(i + 1) };
}

/** One fuzz input: what it was made from (for failure messages) and its bytes. */
interface Input { kind: string; bytes: string }

/** Builds input number `i` of a mix of random and mutated-valid inputs. */
function makeInput(rng: Rng, pool: string[]): Input {
  const valid = rng.pick(pool);
  const kind = rng.int(0, 9);
  const at = rng.int(0, valid.length - 1);
  const h = split(valid);
  switch (kind) {
    case 0:
      return { kind: 'random bytes', bytes: rng.bytes(rng.int(0, 40)) };
    case 1: {
      // Plausible header (types 1..14, any flags) and random body.
      const body = rng.bytes(rng.int(0, 40));
      return { kind: 'random body', bytes: String.fromCharCode(rng.int(16, 239)) + varint(body.length) + body };
    }
    case 2:
      return { kind: 'valid', bytes: valid };
    case 3:
      return { kind: 'byte replaced', bytes: valid.substring(0, at) + rng.bytes(1) + valid.substring(at + 1) };
    case 4: {
      const b = valid.charCodeAt(at) ^ (1 << rng.int(0, 7));
      return { kind: 'bit flipped', bytes: valid.substring(0, at) + String.fromCharCode(b) + valid.substring(at + 1) };
    }
    case 5:
      return { kind: 'truncated', bytes: valid.substring(0, at) };
    case 6:
      return { kind: 'extended', bytes: valid + rng.bytes(rng.int(1, 20)) };
    case 7: {
      // Remaining length off by a little, huge, or a 5-byte (malformed) integer.
      const r = rng.next();
      const len = r < 0.6 ? Math.max(0, h.body.length + rng.int(-4, 4)) : rng.int(0, 268435455);
      const enc = r < 0.9 ? varint(len) : '\xff\xff\xff\xff' + String.fromCharCode(rng.int(0, 255));
      return { kind: 'length altered', bytes: String.fromCharCode(h.first) + enc + h.body };
    }
    case 8: {
      // Same type, other fixed-header flags (QoS 3, reserved bits...).
      const first = (h.first & 0xf0) | rng.int(0, 15);
      return { kind: 'flags changed', bytes: String.fromCharCode(first) + varint(h.body.length) + h.body };
    }
    default: {
      // Two bytes replaced inside the body, keeping the header intact.
      let body = h.body;
      for (let k = 0; k < 2 && body.length > 0; k++) {
        const j = rng.int(0, body.length - 1);
        body = body.substring(0, j) + String.fromCharCode(rng.pick([0, 0x23, 0x2b, 0xff, 0xc0, rng.int(0, 255)])) + body.substring(j + 1);
      }
      return { kind: 'body bytes replaced', bytes: String.fromCharCode(h.first) + varint(h.body.length) + body };
    }
  }
}

/**
 * Re-encodes a decoded packet and decodes it again with `checker` (a framer
 * with the same decoder); a problem string or undefined.
 */
function roundTrip(p: Packet, checker: Framer): string | undefined {
  const wire = encodePacket(p);
  if (wire === undefined) return 'decoded packet does not re-encode';
  checker.reset();
  checker.push(wire);
  const again = checker.next();
  if (checker.error !== undefined) return 're-encoding fails to decode: ' + checker.error;
  return isDeepStrictEqual(again, p) ? undefined : 're-encoding decodes differently';
}

describe('framer fuzz (seed 0x' + SEED.toString(16) + ', ' + INPUTS + ' inputs)', () => {
  test('no throw, bounded buffer, sticky errors, decoded packets round-trip', () => {
    const rng = new Rng(SEED);
    const pool = validPool(rng);
    const framer = new Framer(MAX_PACKET_SIZE, decodePacket);
    const checker = new Framer(1 << 20, decodePacket);
    const errors: { [code: string]: number } = {};
    const failures: string[] = [];
    let decoded = 0;
    let incomplete = 0;
    let done = 0;
    const started = Date.now();
    const fail = (input: Input, cuts: number[], what: string): void => {
      if (failures.length < 5) failures.push(what + ' [' + input.kind + '] ' + hex(input.bytes) + ' cuts ' + cuts.join(','));
    };

    for (; done < INPUTS && Date.now() - started < DEADLINE_MS; done++) {
      const input = makeInput(rng, pool);
      framer.reset();
      const cuts: number[] = [];
      let error: CodecError | undefined;
      let got = 0;
      try {
        for (let at = 0; at < input.bytes.length; ) {
          const n = rng.bool(0.5) ? input.bytes.length : rng.int(1, 64);
          cuts.push(at);
          framer.push(input.bytes.substring(at, at + n));
          at += n;
          for (let p = framer.next(); p !== undefined; p = framer.next()) {
            got++;
            const problem = roundTrip(p, checker);
            if (problem !== undefined) fail(input, cuts, problem + ' ' + JSON.stringify(p));
          }
          if (framer.buffered() > MAX_PACKET_SIZE + 5) fail(input, cuts, 'buffered ' + framer.buffered());
          if (error !== undefined && framer.error !== error) fail(input, cuts, 'error changed/cleared');
          error = framer.error;
        }
        if (error !== undefined) {
          // Sticky: a valid packet after the error must not come out.
          framer.push(rng.pick(pool));
          if (framer.next() !== undefined || framer.error !== error) fail(input, cuts, 'error not sticky');
        }
      } catch (e) {
        fail(input, cuts, 'threw ' + String(e));
      }
      decoded += got;
      if (error !== undefined) errors[error] = (errors[error] || 0) + 1;
      else if (framer.buffered() > 0 || got === 0) incomplete++;
    }

    console.log('fuzz: ' + done + ' inputs in ' + (Date.now() - started) + ' ms; decoded ' + decoded +
      ', incomplete ' + incomplete + ', errors ' + JSON.stringify(errors));
    expect(failures).toEqual([]);
    expect(done).toBe(INPUTS);
    // Both outcomes were exercised, and the decoder's main checks fired.
    expect(decoded).toBeGreaterThan(INPUTS / 10);
    expect(incomplete).toBeGreaterThan(0);
    const mustSee: CodecError[] = ['MALFORMED_LENGTH', 'PACKET_TOO_LARGE', 'UNKNOWN_TYPE', 'BAD_FLAGS', 'BAD_QOS', 'BAD_FILTER',
      'ZERO_PACKET_ID', 'TOPIC_WILDCARD', 'EMPTY_TOPIC', 'BAD_UTF8', 'TRUNCATED', 'BAD_LENGTH', 'BAD_PROTOCOL', 'NO_TOPICS',
      'BAD_RETURN_CODE'];
    expect(mustSee.filter((code) => !(errors[code] > 0))).toEqual([]);
  }, 120000);

  test('reset() after an error clears it and the framer decodes again', () => {
    const framer = new Framer(MAX_PACKET_SIZE, decodePacket);
    framer.push('\x00\x00');
    expect(framer.next()).toBeUndefined();
    expect(framer.error).toBe('UNKNOWN_TYPE');
    framer.push('\xc0\x00');
    expect(framer.next()).toBeUndefined();
    expect(framer.error).toBe('UNKNOWN_TYPE');
    framer.reset();
    expect(framer.error).toBeUndefined();
    expect(framer.buffered()).toBe(0);
    framer.push('\xc0\x00');
    expect(framer.next()).toEqual({ type: 12 });
  });
});

/** What a framer made of a stream fed in the given chunks. */
interface Outcome { packets: Packet[]; error: CodecError | undefined; maxBuffered: number }

function run(framer: Framer, chunks: string[]): Outcome {
  const packets: Packet[] = [];
  let maxBuffered = 0;
  framer.reset();
  for (const chunk of chunks) {
    framer.push(chunk);
    for (let p = framer.next(); p !== undefined; p = framer.next()) packets.push(p);
    maxBuffered = Math.max(maxBuffered, framer.buffered());
  }
  return { packets, error: framer.error, maxBuffered };
}

const STREAMS = 20000;

describe('client decoder stream fuzz (decodeFromBroker, seed 0x' + (SEED + 1).toString(16) + ', ' + STREAMS + ' streams)', () => {
  test('several inputs back to back, in chunks of 1..300 bytes: no throw, bounded, agrees with decodePacket', () => {
    const rng = new Rng(SEED + 1);
    const pool = validPool(rng, true);
    const client = new Framer(MAX_PACKET_SIZE, decodeFromBroker);
    const full = new Framer(MAX_PACKET_SIZE, decodePacket);
    const checker = new Framer(1 << 20, decodeFromBroker);
    const errors: { [code: string]: number } = {};
    const failures: string[] = [];
    let decoded = 0;
    let multi = 0;
    let skipped = 0;
    for (let i = 0; i < STREAMS; i++) {
      // Mostly valid packets (a stream must get past its first packet), some mutated.
      let stream = '';
      const count = rng.int(1, 6);
      for (let k = 0; k < count; k++) stream += rng.bool(0.7) ? rng.pick(pool) : makeInput(rng, pool).bytes;
      const chunks: string[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = rng.bool(0.2) ? rng.int(1, 3) : rng.int(1, 300);
        chunks.push(stream.substring(at, at + n));
        at += n;
      }
      const fail = (what: string): void => {
        if (failures.length < 5) failures.push(what + ': ' + hex(stream) + ' chunks ' + chunks.map((c) => c.length).join(','));
      };
      let ours: Outcome;
      try {
        ours = run(client, chunks);
      } catch (e) {
        fail('threw ' + String(e));
        continue;
      }
      const ref = run(full, chunks);
      decoded += ours.packets.length;
      if (ours.packets.length > 1) multi++;
      if (ours.error !== undefined) errors[ours.error] = (errors[ours.error] || 0) + 1;
      if (ours.maxBuffered > MAX_PACKET_SIZE + 5) fail('buffered ' + ours.maxBuffered);
      // An oversized PUBLISH is skipped, not an error (framer.ts): it comes
      // out with an empty topic, where decodePacket stops with PACKET_TOO_LARGE.
      let n = ours.packets.length;
      for (let k = 0; k < ours.packets.length; k++) {
        const p = ours.packets[k];
        if (FROM_BROKER.indexOf(p.type) < 0) fail('a client received type ' + p.type);
        if (p.type === PacketType.PUBLISH && p.topic === '') {
          skipped++;
          if (ref.error !== 'PACKET_TOO_LARGE' || ref.packets.length !== k) fail('skipped a PUBLISH that decodePacket does not refuse as too large');
          n = k;
          break;
        }
        const problem = roundTrip(p, checker);
        if (problem !== undefined) fail(problem + ' ' + JSON.stringify(p));
      }
      // Same packets as the full decoder up to the first one only a broker
      // receives, where the client's decoder stops with UNEXPECTED_TYPE.
      if (!isDeepStrictEqual(ref.packets.slice(0, n), ours.packets.slice(0, n))) fail('packets differ from decodePacket');
      // A stream that ends inside an oversized PUBLISH leaves ours skipping (no error yet).
      const skipping = ours.error === undefined && ref.error === 'PACKET_TOO_LARGE';
      if (n === ours.packets.length && !skipping && ours.error !== 'UNEXPECTED_TYPE' && (ours.error !== ref.error || ref.packets.length !== n)) {
        fail('outcome differs from decodePacket: ' + ours.error + ' vs ' + ref.error);
      }
    }
    console.log('client stream fuzz: decoded ' + decoded + ', multi-packet streams ' + multi + ', oversized PUBLISH skipped ' + skipped + ', errors ' + JSON.stringify(errors));
    expect(failures).toEqual([]);
    expect(decoded).toBeGreaterThan(STREAMS);
    expect(multi).toBeGreaterThan(STREAMS / 4);
    expect(skipped).toBeGreaterThan(0);
    const mustSee: CodecError[] = ['UNEXPECTED_TYPE', 'BAD_FLAGS', 'BAD_QOS', 'ZERO_PACKET_ID', 'TOPIC_WILDCARD', 'BAD_UTF8',
      'TRUNCATED', 'BAD_LENGTH', 'BAD_RETURN_CODE', 'PACKET_TOO_LARGE', 'UNKNOWN_TYPE'];
    expect(mustSee.filter((code) => !(errors[code] > 0))).toEqual([]);
  }, 60000);
});

/**
 * A small seeded PRNG (mulberry32) and generators of random VALID MQTT 3.1.1
 * packets of all 14 types, in the codec's record form (firmware/mqtt/packets).
 * Same seed, same sequence: a failing fuzz or oracle case is reproducible
 * from the seed printed in the test name.
 *
 * "Valid" follows the spec's MUST rules that a receiver may check:
 * - strings are well-formed UTF-8 without U+0000 [MQTT-1.5.3-1, -2]; they also
 *   avoid the code points the spec says SHOULD NOT appear (C0/C1 controls,
 *   non-characters) [MQTT 1.5.3], so a strict codec may reject them;
 * - PUBLISH and will topics are non-empty and wildcard-free [MQTT-3.3.2-2];
 *   topic filters are non-empty, '+' fills a whole level and '#' is last
 *   [MQTT-4.7.1-2, -3];
 * - DUP is 0 for QoS 0 [MQTT-3.3.1-2]; packet identifiers are 1..65535;
 * - a password only comes with a user name [MQTT-3.1.2-22]; an empty client id
 *   only with clean session [MQTT-3.1.3-7]; will QoS/retain are 0 without a
 *   will [MQTT-3.1.2-13, -15];
 * - CONNACK session present is 0 unless the return code is 0 [MQTT-3.2.2-4].
 */
import {
  Ack,
  Connack,
  Connect,
  Empty,
  Packet,
  PacketType,
  Publish,
  QoS,
  Suback,
  Subscribe,
  Unsubscribe,
} from '../../firmware/mqtt/packets';

/** Seeded PRNG: mulberry32, 32-bit state, period 2^32. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in lo..hi inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p (default 1/2). */
  bool(p?: number): boolean {
    return this.next() < (p === undefined ? 0.5 : p);
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** A byte string of n uniformly random bytes. */
  bytes(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(0, 255));
    return s;
  }

  /** A QoS level 0..2. */
  qos(): QoS {
    return this.int(0, 2) as QoS;
  }

  /** A packet identifier 1..65535, biased towards the edges. */
  packetId(): number {
    const r = this.next();
    if (r < 0.1) return 1;
    if (r < 0.2) return 65535;
    if (r < 0.3) return this.pick([127, 128, 255, 256, 32767, 32768]);
    return this.int(1, 65535);
  }
}

/** Size limits for generated packets. */
export interface GenOptions {
  /** Largest PUBLISH payload, in bytes (default 2000). */
  maxPayload?: number;
  /** Most characters per topic level / string (default 12). */
  maxChars?: number;
  /** Most levels per topic (default 5). */
  maxLevels?: number;
}

/** A random Unicode scalar value that MQTT strings may carry (see header). */
function randomCodePoint(rng: Rng): number {
  const r = rng.next();
  if (r < 0.55) return rng.int(0x20, 0x7e); // 1-byte UTF-8
  if (r < 0.7) return rng.int(0xa0, 0x7ff); // 2-byte, above the C1 controls
  if (r < 0.85) {
    // 3-byte, skipping surrogates and the non-characters U+FDD0..U+FDEF, U+FFFE/F.
    const cp = rng.int(0x800, 0xfffd);
    if (cp >= 0xd800 && cp <= 0xdfff) return 0xe000 + (cp - 0xd800);
    if (cp >= 0xfdd0 && cp <= 0xfdef) return 0xfdf0 + (cp - 0xfdd0);
    return cp;
  }
  // 4-byte (astral, a surrogate pair in JS), skipping U+xFFFE and U+xFFFF.
  const astral = rng.int(0x10000, 0x10ffff);
  return (astral & 0xfffe) === 0xfffe ? astral - 2 : astral;
}

/**
 * A random string of 0..maxChars code points. `forbidden` lists ASCII chars to
 * avoid (e.g. "+#/" for a topic level); they are replaced by 'x'.
 */
export function randomString(rng: Rng, maxChars: number, forbidden?: string): string {
  const n = rng.int(0, maxChars);
  let s = '';
  for (let i = 0; i < n; i++) {
    const cp = randomCodePoint(rng);
    const ch = String.fromCodePoint(cp);
    s += forbidden !== undefined && forbidden.indexOf(ch) >= 0 ? 'x' : ch;
  }
  return s;
}

/** A random non-empty, wildcard-free topic name (levels may be empty). */
export function randomTopicName(rng: Rng, opts?: GenOptions): string {
  const levels = rng.int(1, (opts && opts.maxLevels) || 5);
  const parts: string[] = [];
  for (let i = 0; i < levels; i++) {
    parts.push(randomString(rng, (opts && opts.maxChars) || 12, '+#/'));
  }
  const topic = parts.join('/');
  return topic.length === 0 ? 'a' : topic;
}

/** A random valid topic filter: '+' levels and an optional trailing '#'. */
export function randomTopicFilter(rng: Rng, opts?: GenOptions): string {
  const levels = rng.int(1, (opts && opts.maxLevels) || 5);
  const parts: string[] = [];
  for (let i = 0; i < levels; i++) {
    const last = i === levels - 1;
    if (last && rng.bool(0.15)) parts.push('#');
    else if (rng.bool(0.15)) parts.push('+');
    else parts.push(randomString(rng, (opts && opts.maxChars) || 12, '+#/'));
  }
  const filter = parts.join('/');
  return filter.length === 0 ? '#' : filter;
}

/** Random payload length: mostly small, sometimes up to maxPayload. */
function payloadLength(rng: Rng, maxPayload: number): number {
  const r = rng.next();
  if (r < 0.1) return 0;
  if (r < 0.5) return rng.int(0, Math.min(16, maxPayload));
  if (r < 0.8) return rng.int(0, Math.min(256, maxPayload));
  return rng.int(0, maxPayload);
}

/** A random valid CONNECT: optional will, user name and password. */
export function randomConnect(rng: Rng, opts?: GenOptions): Connect {
  const maxChars = (opts && opts.maxChars) || 12;
  const clientId = rng.bool(0.1) ? '' : randomString(rng, 23);
  const p: Connect = {
    type: PacketType.CONNECT,
    clientId,
    cleanSession: clientId === '' ? true : rng.bool(),
    keepAlive: rng.bool(0.2) ? rng.pick([0, 1, 65535]) : rng.int(0, 65535),
  };
  if (rng.bool()) {
    p.will = {
      topic: randomTopicName(rng, opts),
      payload: rng.bytes(payloadLength(rng, Math.min(300, (opts && opts.maxPayload) || 2000))),
      qos: rng.qos(),
      retain: rng.bool(),
    };
  }
  if (rng.bool(0.6)) {
    p.username = randomString(rng, maxChars);
    if (rng.bool(0.7)) p.password = rng.bytes(rng.int(0, 40));
  }
  return p;
}

/** A random valid PUBLISH; packetId is 0 for QoS 0. */
export function randomPublish(rng: Rng, opts?: GenOptions): Publish {
  const qos = rng.qos();
  return {
    type: PacketType.PUBLISH,
    dup: qos > 0 && rng.bool(),
    qos,
    retain: rng.bool(),
    topic: randomTopicName(rng, opts),
    packetId: qos > 0 ? rng.packetId() : 0,
    payload: rng.bytes(payloadLength(rng, (opts && opts.maxPayload) || 2000)),
  };
}

const ACK_TYPES: Ack['type'][] = [
  PacketType.PUBACK,
  PacketType.PUBREC,
  PacketType.PUBREL,
  PacketType.PUBCOMP,
  PacketType.UNSUBACK,
];
const EMPTY_TYPES: Empty['type'][] = [PacketType.PINGREQ, PacketType.PINGRESP, PacketType.DISCONNECT];

/** A random valid packet of the given control packet type (1..14). */
export function randomPacketOfType(rng: Rng, type: PacketType, opts?: GenOptions): Packet {
  switch (type) {
    case PacketType.CONNECT:
      return randomConnect(rng, opts);
    case PacketType.CONNACK: {
      const returnCode = rng.bool(0.5) ? 0 : rng.int(0, 5);
      const p: Connack = { type, sessionPresent: returnCode === 0 && rng.bool(), returnCode };
      return p;
    }
    case PacketType.PUBLISH:
      return randomPublish(rng, opts);
    case PacketType.SUBSCRIBE: {
      const n = rng.int(1, 5);
      const p: Subscribe = { type, packetId: rng.packetId(), subscriptions: [] };
      for (let i = 0; i < n; i++) p.subscriptions.push({ topic: randomTopicFilter(rng, opts), qos: rng.qos() });
      return p;
    }
    case PacketType.SUBACK: {
      const n = rng.int(1, 8);
      const p: Suback = { type, packetId: rng.packetId(), returnCodes: [] };
      for (let i = 0; i < n; i++) p.returnCodes.push(rng.pick([0, 1, 2, 0x80]));
      return p;
    }
    case PacketType.UNSUBSCRIBE: {
      const n = rng.int(1, 5);
      const p: Unsubscribe = { type, packetId: rng.packetId(), topics: [] };
      for (let i = 0; i < n; i++) p.topics.push(randomTopicFilter(rng, opts));
      return p;
    }
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
    case PacketType.UNSUBACK:
      return { type, packetId: rng.packetId() };
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
    case PacketType.DISCONNECT:
      return { type };
  }
}

/** All 14 control packet types, in wire order. */
export const ALL_TYPES: PacketType[] = [
  PacketType.CONNECT,
  PacketType.CONNACK,
  PacketType.PUBLISH,
  ...ACK_TYPES.slice(0, 4),
  PacketType.SUBSCRIBE,
  PacketType.SUBACK,
  PacketType.UNSUBSCRIBE,
  PacketType.UNSUBACK,
  ...EMPTY_TYPES,
];

/**
 * A random valid packet of any type. PUBLISH is drawn more often (it has the
 * most fields and is the hot path); every type still appears.
 */
export function randomPacket(rng: Rng, opts?: GenOptions): Packet {
  const type = rng.bool(0.3) ? PacketType.PUBLISH : rng.pick(ALL_TYPES);
  return randomPacketOfType(rng, type, opts);
}

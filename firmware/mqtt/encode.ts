/**
 * MQTT 3.1.1 packet encoder: Packet records to byte strings. Bytes are built
 * with String.fromCharCode, called directly (typescript-to-lua cannot alias
 * it, and on Espruino a wrapper function would cost heap), and `+` only.
 * Every encoder returns undefined, and never throws, when a field cannot be
 * represented on the wire or would make a packet our own decoder refuses:
 * a string field that is not a string, text that is not a well-formed MQTT
 * string (utf8.ts), a byte string with a char above 255, a value out of range.
 *
 * The client calls encodeConnect, encodePublish, encodeFilters and encodeAck
 * directly, so a client-only bundle leaves out encodePacket and with it the
 * CONNACK and SUBACK encoders, which only a broker needs.
 */
import { Connect, Limit, Packet, PacketType, QoS, SUBACK_FAILURE, Subscription } from './packets';
import { topicNameError, validFilter } from './router';
import { encodeUtf8, WIDE } from './utf8';

/** True when n is an integer in lo..hi. */
function inRange(n: number, lo: number, hi: number): boolean {
  return n >= lo && n <= hi && Math.floor(n) === n;
}

/** Two-byte big-endian integer [MQTT 1.5.2]; n must be 0..65535. */
function u16(n: number): string {
  return String.fromCharCode(Math.floor(n / 256), n % 256);
}

/**
 * Length-prefixed field [MQTT 1.5.3]: `s` UTF-8 encoded first when `text`,
 * taken as a byte string otherwise. Undefined when `s` is not a string, not
 * well-formed text (see encodeUtf8), has a char above 255 (bytes), or is over
 * 65535 bytes.
 */
function field(s: string, text: boolean): string | undefined {
  if (typeof s !== 'string') return undefined;
  // A wider char would lose its high bits on the wire; only wide hosts hold one.
  if (!text && WIDE) for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return undefined;
  const bytes = text ? encodeUtf8(s) : s;
  return bytes === undefined || bytes.length > 65535 ? undefined : u16(bytes.length) + bytes;
}

/**
 * Encodes the remaining length as a variable byte integer [MQTT 2.2.3]:
 * 7 bits per byte, least significant first, bit 7 set on all but the last.
 * `length` must be an integer in 0..268435455 (1 to 4 bytes result).
 */
export function encodeRemainingLength(length: number): string {
  let out = '';
  do {
    const digit = length % 128;
    length = Math.floor(length / 128);
    out += String.fromCharCode(length > 0 ? digit + 128 : digit);
  } while (length > 0);
  return out;
}

/**
 * Encodes PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK: 4 bytes. PUBREL carries
 * its mandatory fixed-header flags 0010 [MQTT-3.6.1-1]. `packetId` must be an
 * integer in 1..65535 (encodePacket checks it; this hot-path helper does not).
 */
export function encodeAck(type: PacketType, packetId: number): string {
  return String.fromCharCode(type * 16 + (type === PacketType.PUBREL ? 2 : 0), 2) + u16(packetId);
}

/**
 * Encodes a PUBLISH [MQTT 3.3] without building a packet record: header,
 * topic and packet identifier first, then the payload appended once.
 * `payload` is a byte string; `packetId` is ignored for QoS 0 and must be
 * 1..65535 otherwise; `dup` is ignored for QoS 0 [MQTT-3.3.1-2]. Undefined
 * when qos is not 0..2, the id is out of range, the topic is not an encodable
 * string (see field) or the payload not a byte string, or the packet exceeds
 * the remaining length. The topic name's syntax is the caller's to check
 * (topicNameError: publish() and encodePacket do), to keep this path lean.
 */
export function encodePublish(
  topic: string,
  payload: string,
  qos: QoS,
  retain: boolean,
  dup: boolean,
  packetId: number,
): string | undefined {
  let head = field(topic, true);
  // The identifier is present only for QoS 1 and 2 [MQTT 3.3.2.2].
  if (head === undefined || typeof payload !== 'string' || !inRange(qos, 0, 2) || (qos > 0 && !inRange(packetId, 1, 65535))) return undefined;
  // A byte string, as in field().
  if (WIDE) for (let i = 0; i < payload.length; i++) if (payload.charCodeAt(i) > 255) return undefined;
  if (qos > 0) head += u16(packetId);
  const length = head.length + payload.length;
  if (length > Limit.MAX_REMAINING_LENGTH) return undefined;
  // DUP is 0 for QoS 0 [MQTT-3.3.1-2].
  return String.fromCharCode(PacketType.PUBLISH * 16 + (dup && qos > 0 ? 8 : 0) + qos * 2 + (retain ? 1 : 0)) + encodeRemainingLength(length) + head + payload;
}

/**
 * Encodes CONNECT [MQTT 3.1] as protocol "MQTT" level 4. Undefined when a
 * string field cannot be encoded (see field), keepAlive is not 0..65535, the
 * will QoS is not 0..2, the will topic is not a valid topic name, or a
 * password is given without a user name [MQTT-3.1.2-22].
 */
export function encodeConnect(p: Connect): string | undefined {
  const will = p.will;
  // Payload fields in the order of [MQTT 3.1.3], '' when absent; no array:
  // an undefined element would be a nil that Lua's `#` skips.
  const id = field(p.clientId, true);
  const topic = will === undefined ? '' : field(will.topic, true);
  const message = will === undefined ? '' : field(will.payload, false);
  const user = p.username === undefined ? '' : field(p.username, true);
  const pass = p.password === undefined ? '' : field(p.password, false);
  if (id === undefined || topic === undefined || message === undefined || user === undefined || pass === undefined) return undefined;
  // Flags per [MQTT 3.1.2.3].
  let flags = p.cleanSession ? 2 : 0;
  if (will !== undefined) flags += 4 + will.qos * 8 + (will.retain ? 32 : 0);
  if (p.username !== undefined) flags += 128;
  if (p.password !== undefined) flags += 64;
  // Password bit without user name bit [MQTT-3.1.2-22].
  const bad = (will !== undefined && !inRange(will.qos, 0, 2)) || (flags >= 64 && flags < 128);
  if (bad || !inRange(p.keepAlive, 0, 65535)) return undefined;
  // The will topic must be a topic name, as decodePacket requires:
  // non-empty, no wildcard [MQTT-4.7.3-1, MQTT-3.3.2-2].
  if (will !== undefined && topicNameError(will.topic) !== undefined) return undefined;
  const body = u16(4) + 'MQTT' + String.fromCharCode(4, flags) + u16(p.keepAlive) + id + topic + message + user + pass;
  // Fixed header [MQTT 2.2]; five fields of at most 65537 bytes stay far
  // below the remaining-length limit.
  return String.fromCharCode(PacketType.CONNECT * 16) + encodeRemainingLength(body.length) + body;
}

/**
 * Encodes SUBSCRIBE (`type` 8, `filters` are Subscriptions) [MQTT 3.8] or
 * UNSUBSCRIBE (`type` 10, `filters` are strings) [MQTT 3.10]: packet
 * identifier, then each length-prefixed filter, followed by its requested QoS
 * byte for SUBSCRIBE. Both carry fixed-header flags 0010 [MQTT-3.8.1-1,
 * MQTT-3.10.1-1]. Undefined when the id is not 1..65535, the list is empty
 * [MQTT-3.8.3-3, MQTT-3.10.3-2], a QoS is not 0..2, or a filter cannot be
 * encoded (see field) or is not a valid filter (validFilter).
 */
export function encodeFilters(
  type: PacketType.SUBSCRIBE | PacketType.UNSUBSCRIBE,
  packetId: number,
  filters: (Subscription | string)[],
): string | undefined {
  if (!inRange(packetId, 1, 65535) || filters.length === 0) return undefined;
  let body = u16(packetId);
  for (let i = 0; i < filters.length; i++) {
    // The type, not typeof, tells the list apart: a SUBSCRIBE never goes out without QoS bytes.
    const plain = type === PacketType.UNSUBSCRIBE;
    const sub = filters[i] as Subscription;
    const filter = plain ? (filters[i] as string) : sub.topic;
    const qos = plain ? 0 : sub.qos;
    const f = field(filter, true);
    if (f === undefined || !validFilter(filter) || !inRange(qos, 0, 2)) return undefined;
    body += plain ? f : f + String.fromCharCode(qos);
  }
  if (body.length > Limit.MAX_REMAINING_LENGTH) return undefined;
  return String.fromCharCode(type * 16 + 2) + encodeRemainingLength(body.length) + body;
}

/**
 * Encodes any of the 14 MQTT 3.1.1 control packets to a byte string.
 * Returns undefined for any packet that decodePacket would refuse, or that
 * cannot be encoded: see the encoders above, and a PUBLISH topic that is not
 * a topic name, a CONNACK return code outside 0..5 or with session present
 * [MQTT-3.2.2-4], a SUBACK without return codes or with one outside 0, 1, 2,
 * 0x80 [MQTT-3.9.3-2], a type outside 1..14.
 */
export function encodePacket(p: Packet): string | undefined {
  switch (p.type) {
    case PacketType.CONNECT:
      return encodeConnect(p);
    case PacketType.CONNACK:
      // Session present only with return code 0 [MQTT-3.2.2-4].
      return inRange(p.returnCode, 0, 5) && !(p.sessionPresent && p.returnCode > 0) ? String.fromCharCode(0x20, 2, p.sessionPresent ? 1 : 0, p.returnCode) : undefined;
    case PacketType.PUBLISH: {
      // encodePublish checks that the topic is a string first.
      const w = encodePublish(p.topic, p.payload, p.qos, p.retain, p.dup, p.packetId);
      return w !== undefined && topicNameError(p.topic) === undefined ? w : undefined;
    }
    case PacketType.SUBSCRIBE:
      return encodeFilters(p.type, p.packetId, p.subscriptions);
    case PacketType.UNSUBSCRIBE:
      return encodeFilters(p.type, p.packetId, p.topics);
    case PacketType.SUBACK: {
      if (!inRange(p.packetId, 1, 65535) || p.returnCodes.length === 0) return undefined;
      let body = u16(p.packetId);
      for (let i = 0; i < p.returnCodes.length; i++) {
        const code = p.returnCodes[i];
        if (!inRange(code, 0, 2) && code !== SUBACK_FAILURE) return undefined;
        body += String.fromCharCode(code);
      }
      if (body.length > Limit.MAX_REMAINING_LENGTH) return undefined;
      return String.fromCharCode(0x90) + encodeRemainingLength(body.length) + body;
    }
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
    case PacketType.DISCONNECT:
      return String.fromCharCode(p.type * 16, 0);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
    case PacketType.UNSUBACK:
      return inRange(p.packetId, 1, 65535) ? encodeAck(p.type, p.packetId) : undefined;
  }
  return undefined;
}

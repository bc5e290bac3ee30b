/**
 * MQTT 3.1.1 packet encoder: Packet records to byte strings. Bytes are built
 * with String.fromCharCode, called directly (typescript-to-lua cannot alias
 * it, and on Espruino a wrapper function would cost heap), and `+` only;
 * every encoder returns undefined when a field cannot be represented on the
 * wire, and never throws.
 *
 * The client calls encodeConnect, encodePublish, encodeFilters and encodeAck
 * directly, so a client-only bundle leaves out encodePacket and with it the
 * CONNACK and SUBACK encoders, which only a broker needs.
 */
import { Connect, Limit, Packet, PacketType, QoS, Subscription } from './packets';
import { encodeUtf8 } from './utf8';

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
 * taken as bytes otherwise. Undefined when over 65535 bytes.
 */
function field(s: string, text: boolean): string | undefined {
  const bytes = text ? encodeUtf8(s) : s;
  return bytes.length > 65535 ? undefined : u16(bytes.length) + bytes;
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
 * 1..65535 otherwise. Undefined when qos is not 0..2, the id is out of range,
 * the topic exceeds 65535 bytes or the packet exceeds the remaining length.
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
  if (head === undefined || !inRange(qos, 0, 2) || (qos > 0 && !inRange(packetId, 1, 65535))) return undefined;
  if (qos > 0) head += u16(packetId);
  const length = head.length + payload.length;
  if (length > Limit.MAX_REMAINING_LENGTH) return undefined;
  return String.fromCharCode(PacketType.PUBLISH * 16 + (dup ? 8 : 0) + qos * 2 + (retain ? 1 : 0)) + encodeRemainingLength(length) + head + payload;
}

/**
 * Encodes CONNECT [MQTT 3.1] as protocol "MQTT" level 4. Undefined when a
 * string is too long, keepAlive is not 0..65535, the will QoS is not 0..2, or
 * a password is given without a user name [MQTT-3.1.2-22].
 */
export function encodeConnect(p: Connect): string | undefined {
  const will = p.will;
  // Payload fields as bytes, in the order of [MQTT 3.1.3]; flags per
  // [MQTT 3.1.2.3]. Length-prefixed in the loop below, which sees a field too
  // long: an undefined array element would be a nil that Lua's `#` skips.
  const fields = [encodeUtf8(p.clientId)];
  let flags = p.cleanSession ? 2 : 0;
  if (will !== undefined) {
    flags += 4 + will.qos * 8 + (will.retain ? 32 : 0);
    fields.push(encodeUtf8(will.topic), will.payload);
  }
  if (p.username !== undefined) {
    flags += 128;
    fields.push(encodeUtf8(p.username));
  }
  if (p.password !== undefined) {
    flags += 64;
    fields.push(p.password);
  }
  // Password bit without user name bit [MQTT-3.1.2-22].
  const bad = (will !== undefined && !inRange(will.qos, 0, 2)) || (flags >= 64 && flags < 128);
  if (bad || !inRange(p.keepAlive, 0, 65535)) return undefined;
  let body = u16(4) + 'MQTT' + String.fromCharCode(4, flags) + u16(p.keepAlive);
  for (let i = 0; i < fields.length; i++) {
    const f = field(fields[i], false);
    if (f === undefined) return undefined;
    body += f;
  }
  // Fixed header [MQTT 2.2]; five fields of at most 65537 bytes stay far
  // below the remaining-length limit.
  return String.fromCharCode(PacketType.CONNECT * 16) + encodeRemainingLength(body.length) + body;
}

/**
 * Encodes SUBSCRIBE (`type` 8, `filters` are Subscriptions) [MQTT 3.8] or
 * UNSUBSCRIBE (`type` 10, `filters` are strings) [MQTT 3.10]: packet
 * identifier, then each length-prefixed filter, followed by its requested QoS
 * byte for SUBSCRIBE. Both carry fixed-header flags 0010 [MQTT-3.8.1-1,
 * MQTT-3.10.1-1]. Undefined when the id is not 1..65535, a QoS is not 0..2 or
 * a filter is too long.
 */
export function encodeFilters(
  type: PacketType.SUBSCRIBE | PacketType.UNSUBSCRIBE,
  packetId: number,
  filters: (Subscription | string)[],
): string | undefined {
  if (!inRange(packetId, 1, 65535)) return undefined;
  let body = u16(packetId);
  for (let i = 0; i < filters.length; i++) {
    const sub = filters[i];
    const plain = typeof sub === 'string';
    const f = field(plain ? sub : sub.topic, true);
    if (f === undefined || (!plain && !inRange(sub.qos, 0, 2))) return undefined;
    body += plain ? f : f + String.fromCharCode(sub.qos);
  }
  if (body.length > Limit.MAX_REMAINING_LENGTH) return undefined;
  return String.fromCharCode(type * 16 + 2) + encodeRemainingLength(body.length) + body;
}

/**
 * Encodes any of the 14 MQTT 3.1.1 control packets to a byte string.
 * Returns undefined when a field cannot be encoded: a string over 65535
 * bytes, a remaining length over 268435455, a QoS outside 0..2, a packet
 * identifier outside 1..65535 where one is required, a CONNACK/SUBACK return
 * code that is not a byte. Topic syntax is not re-validated.
 */
export function encodePacket(p: Packet): string | undefined {
  switch (p.type) {
    case PacketType.CONNECT:
      return encodeConnect(p);
    case PacketType.CONNACK:
      return inRange(p.returnCode, 0, 255) ? String.fromCharCode(0x20, 2, p.sessionPresent ? 1 : 0, p.returnCode) : undefined;
    case PacketType.PUBLISH:
      return encodePublish(p.topic, p.payload, p.qos, p.retain, p.dup, p.packetId);
    case PacketType.SUBSCRIBE:
      return encodeFilters(p.type, p.packetId, p.subscriptions);
    case PacketType.UNSUBSCRIBE:
      return encodeFilters(p.type, p.packetId, p.topics);
    case PacketType.SUBACK: {
      if (!inRange(p.packetId, 1, 65535)) return undefined;
      let body = u16(p.packetId);
      for (let i = 0; i < p.returnCodes.length; i++) {
        if (!inRange(p.returnCodes[i], 0, 255)) return undefined;
        body += String.fromCharCode(p.returnCodes[i]);
      }
      if (body.length > Limit.MAX_REMAINING_LENGTH) return undefined;
      return String.fromCharCode(0x90) + encodeRemainingLength(body.length) + body;
    }
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
    case PacketType.DISCONNECT:
      return String.fromCharCode(p.type * 16, 0);
    default:
      return inRange(p.packetId, 1, 65535) ? encodeAck(p.type, p.packetId) : undefined;
  }
}

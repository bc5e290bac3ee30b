/**
 * MQTT 3.1.1 packet decoder: one complete packet (fixed header byte 1 and the
 * remaining-length bytes) to a Packet record, or a CodecError code for any
 * violation. Never throws, whatever the bytes.
 *
 * Two entry points share the readers: decodeFromBroker knows only the packets
 * a client may receive, so a client-only bundle carries no CONNECT,
 * SUBSCRIBE or UNSUBSCRIBE decoder; decodePacket adds those and decodes all 14.
 */
import { CodecError } from './errors';
import { Ack, Connect, Empty, Packet, PacketType, QoS, SUBACK_FAILURE, Subscription } from './packets';
import { topicNameError, validFilter } from './router';
import { decodeUtf8 } from './utf8';

// The body being decoded, the read position in it, and why the last read
// failed. Module state rather than a reader object so that decoding a PUBLISH
// allocates nothing but its packet; the decoders never re-enter themselves.
let src = '';
let pos = 0;
let failure: CodecError = 'TRUNCATED';

/** Reads a two-byte integer [MQTT 1.5.2] at pos; -1 when truncated. */
function readU16(): number {
  if (pos + 2 > src.length) return -1;
  pos += 2;
  return src.charCodeAt(pos - 2) * 256 + src.charCodeAt(pos - 1);
}

/**
 * Reads a length-prefixed field at pos [MQTT 1.5.3]: raw bytes, or decoded
 * UTF-8 text when `text` is set. Undefined (with `failure` set) when the
 * field is truncated or the text is not well-formed UTF-8 or has U+0000.
 */
function readField(text: boolean): string | undefined {
  const length = readU16();
  failure = 'TRUNCATED';
  if (length < 0 || pos + length > src.length) return undefined;
  const bytes = src.substring(pos, (pos += length));
  failure = 'BAD_UTF8';
  return text ? decodeUtf8(bytes) : bytes;
}

/** Reads a packet identifier, which must be non-zero [MQTT-2.3.1-1]; 0 on failure. */
function readPacketId(): number {
  const id = readU16();
  failure = id < 0 ? 'TRUNCATED' : 'ZERO_PACKET_ID';
  return id > 0 ? id : 0;
}

/**
 * Decodes one complete packet that a broker may send to a client: CONNACK,
 * PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK or PINGRESP.
 * `firstByte` is fixed-header byte 1 and `body` the remaining-length bytes.
 * CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and DISCONNECT give
 * 'UNEXPECTED_TYPE' (a broker never sends them); any other violation gives
 * its CodecError code, as decodePacket does. Never throws.
 */
export function decodeFromBroker(firstByte: number, body: string): Packet | CodecError {
  const type = Math.floor(firstByte / 16);
  const flags = firstByte % 16;
  const n = body.length;
  src = body;
  pos = 0;
  if (type === PacketType.PUBLISH) {
    // PUBLISH [MQTT 3.3]: fixed-header flags are DUP, QoS (2 bits), RETAIN.
    const qos = Math.floor(flags / 2) % 4;
    if (qos === 3) return 'BAD_QOS'; // [MQTT-3.3.1-4]
    if (flags >= 8 && qos === 0) return 'BAD_FLAGS'; // DUP must be 0 for QoS 0 [MQTT-3.3.1-2]
    const topic = readField(true);
    if (topic === undefined) return failure;
    const bad = topicNameError(topic);
    if (bad !== undefined) return bad;
    // The identifier is present only for QoS 1 and 2 [MQTT 3.3.2.2].
    const packetId = qos > 0 ? readPacketId() : 0;
    if (qos > 0 && packetId === 0) return failure;
    const payload = src.substring(pos);
    // Let the body go: on a small heap a PUBLISH body is worth freeing before the next packet.
    src = '';
    return { type: PacketType.PUBLISH, dup: flags >= 8, qos: qos as QoS, retain: flags % 2 === 1, topic, packetId, payload };
  }
  if (type < 1 || type > 14) return 'UNKNOWN_TYPE'; // reserved [MQTT 2.2.1]
  // These go to a broker only: a client never legally receives them.
  const toBroker = type === PacketType.CONNECT || type === PacketType.SUBSCRIBE || type === PacketType.UNSUBSCRIBE;
  if (toBroker || type === PacketType.PINGREQ || type === PacketType.DISCONNECT) return 'UNEXPECTED_TYPE';
  // Fixed flags: 0010 for PUBREL, 0000 for the rest [MQTT-2.2.2-1, MQTT-2.2.2-2].
  if (flags !== (type === PacketType.PUBREL ? 2 : 0)) return 'BAD_FLAGS';
  if (type === PacketType.PINGRESP) return n === 0 ? { type: PacketType.PINGRESP } : 'BAD_LENGTH';
  if (type === PacketType.SUBACK) {
    // A packet identifier, then one return code 0, 1, 2 or 0x80 per filter [MQTT-3.9.3-2].
    const id = readPacketId();
    if (id === 0) return failure;
    if (n === 2) return 'BAD_LENGTH';
    const codes: number[] = [];
    while (pos < n) {
      const code = src.charCodeAt(pos++);
      if (code > 2 && code !== SUBACK_FAILURE) return 'BAD_RETURN_CODE';
      codes.push(code);
    }
    return { type: PacketType.SUBACK, packetId: id, returnCodes: codes };
  }
  // CONNACK and the acks: exactly two bytes.
  if (n !== 2) return 'BAD_LENGTH';
  if (type !== PacketType.CONNACK) {
    const packetId = readPacketId();
    return packetId === 0 ? failure : { type: type as Ack['type'], packetId };
  }
  const ackFlags = body.charCodeAt(0);
  const returnCode = body.charCodeAt(1);
  // Bits 7-1 are reserved [MQTT 3.2.2.1]; session present only with return code 0 [MQTT-3.2.2-4].
  if (ackFlags > (returnCode === 0 ? 1 : 0)) return 'BAD_FLAGS';
  if (returnCode > 5) return 'BAD_RETURN_CODE'; // [MQTT 3.2.2.3]
  return { type: PacketType.CONNACK, sessionPresent: ackFlags === 1, returnCode };
}

/** The bit of `flags` with value `bit` (a power of two) is set. */
function hasBit(flags: number, bit: number): boolean {
  return Math.floor(flags / bit) % 2 === 1;
}

/** CONNECT [MQTT 3.1]: only protocol "MQTT" level 4 is accepted. */
function decodeConnect(): Packet | CodecError {
  const name = readField(false);
  if (name === undefined) return failure;
  if (pos + 4 > src.length) return 'TRUNCATED';
  const level = src.charCodeAt(pos);
  const flags = src.charCodeAt(pos + 1);
  pos += 2;
  if (name !== 'MQTT' || level !== 4) return 'BAD_PROTOCOL'; // [MQTT-3.1.2-1, MQTT-3.1.2-2]
  const willFlag = hasBit(flags, 4);
  const willQos = Math.floor(flags / 8) % 4;
  if (willQos === 3) return 'BAD_QOS'; // [MQTT-3.1.2-14]
  // Reserved bit 0 [MQTT-3.1.2-3]; will QoS and retain must be 0 without a
  // will [MQTT-3.1.2-13, MQTT-3.1.2-15]; a password needs a user name [MQTT-3.1.2-22].
  if (flags % 2 === 1 || (!willFlag && flags % 64 >= 8) || (hasBit(flags, 64) && flags < 128)) return 'BAD_FLAGS';
  const packet: Connect = { type: PacketType.CONNECT, clientId: '', cleanSession: hasBit(flags, 2), keepAlive: readU16() };
  const clientId = readField(true);
  if (clientId === undefined) return failure;
  packet.clientId = clientId;
  if (willFlag) {
    const topic = readField(true);
    if (topic === undefined) return failure;
    const bad = topicNameError(topic);
    if (bad !== undefined) return bad;
    const payload = readField(false);
    if (payload === undefined) return failure;
    packet.will = { topic, payload, qos: willQos as QoS, retain: hasBit(flags, 32) };
  }
  if (flags >= 128) {
    packet.username = readField(true);
    if (packet.username === undefined) return failure;
  }
  if (hasBit(flags, 64)) {
    packet.password = readField(false);
    if (packet.password === undefined) return failure;
  }
  return pos === src.length ? packet : 'BAD_LENGTH';
}

/**
 * SUBSCRIBE [MQTT 3.8] or UNSUBSCRIBE [MQTT 3.10]: a packet identifier, then
 * a non-empty list [MQTT-3.8.3-3, MQTT-3.10.3-2] of filters (UNSUBSCRIBE) or
 * of filters each followed by a requested QoS byte whose upper 6 bits are
 * reserved [MQTT-3-8.3-4] (SUBSCRIBE). Each filter must be non-empty with
 * its wildcards in place [MQTT-4.7.1-2, MQTT-4.7.1-3].
 */
function decodeFilters(type: PacketType.SUBSCRIBE | PacketType.UNSUBSCRIBE): Packet | CodecError {
  const packetId = readPacketId();
  if (packetId === 0) return failure;
  if (pos === src.length) return 'NO_TOPICS';
  const topics: string[] = [];
  const subscriptions: Subscription[] = [];
  while (pos < src.length) {
    const topic = readField(true);
    if (topic === undefined) return failure;
    if (topic === '') return 'EMPTY_TOPIC'; // [MQTT-4.7.3-1]
    if (!validFilter(topic)) return 'BAD_FILTER';
    if (type === PacketType.UNSUBSCRIBE) {
      topics.push(topic);
    } else {
      if (pos >= src.length) return 'TRUNCATED';
      const b = src.charCodeAt(pos++);
      if (b > 3) return 'BAD_FLAGS';
      if (b === 3) return 'BAD_QOS';
      subscriptions.push({ topic, qos: b as QoS });
    }
  }
  return type === PacketType.SUBSCRIBE ? { type, packetId, subscriptions } : { type, packetId, topics };
}

/**
 * Decodes any of the 14 control packets: `firstByte` is fixed-header byte 1
 * and `body` the remaining-length bytes. Returns the packet, or a CodecError
 * code (`typeof result === 'string'`) for any violation of MQTT 3.1.1:
 * reserved flags, QoS 3, packet identifier 0, topic syntax, UTF-8,
 * CONNECT/CONNACK/SUBACK fields, truncated fields, wrong or left-over length.
 * Never throws.
 */
export function decodePacket(firstByte: number, body: string): Packet | CodecError {
  const type = Math.floor(firstByte / 16);
  const filters = type === PacketType.SUBSCRIBE || type === PacketType.UNSUBSCRIBE;
  if (!filters && type !== PacketType.CONNECT && type !== PacketType.PINGREQ && type !== PacketType.DISCONNECT) {
    return decodeFromBroker(firstByte, body);
  }
  // Fixed flags: 0010 for SUBSCRIBE and UNSUBSCRIBE, 0000 for the rest [MQTT-2.2.2-1, MQTT-2.2.2-2].
  if (firstByte % 16 !== (filters ? 2 : 0)) return 'BAD_FLAGS';
  src = body;
  pos = 0;
  if (type === PacketType.CONNECT) return decodeConnect();
  if (filters) return decodeFilters(type);
  return body.length === 0 ? { type: type as Empty['type'] } : 'BAD_LENGTH';
}

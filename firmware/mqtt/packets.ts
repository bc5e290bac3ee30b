/**
 * MQTT 3.1.1 control packets as plain records: the contract between the codec,
 * the framer and the client. Strings named `payload` or `password` are byte
 * strings (one char per byte, 0..255); topics, client id and user name are
 * ordinary strings that the codec encodes to and decodes from UTF-8.
 */

/** Control packet types, the high nibble of the fixed header [MQTT 2.2.1]. */
export const enum PacketType {
  CONNECT = 1,
  CONNACK = 2,
  PUBLISH = 3,
  PUBACK = 4,
  PUBREC = 5,
  PUBREL = 6,
  PUBCOMP = 7,
  SUBSCRIBE = 8,
  SUBACK = 9,
  UNSUBSCRIBE = 10,
  UNSUBACK = 11,
  PINGREQ = 12,
  PINGRESP = 13,
  DISCONNECT = 14,
}

/** Largest value of the remaining length, a variable byte integer [MQTT 2.2.3]. */
export const enum Limit {
  MAX_REMAINING_LENGTH = 268435455,
}

/** Quality of service levels [MQTT 4.3]. */
export type QoS = 0 | 1 | 2;

/** CONNACK return codes [MQTT 3.2.2.3]. */
export const enum ConnackCode {
  ACCEPTED = 0,
  UNACCEPTABLE_PROTOCOL_VERSION = 1,
  IDENTIFIER_REJECTED = 2,
  SERVER_UNAVAILABLE = 3,
  BAD_USER_NAME_OR_PASSWORD = 4,
  NOT_AUTHORIZED = 5,
}

/** SUBACK return code for a refused subscription [MQTT 3.9.3]. */
export const SUBACK_FAILURE = 0x80;

/** Will message carried in CONNECT [MQTT 3.1.2.5]. */
export interface Will {
  topic: string;
  /** Byte string. */
  payload: string;
  qos: QoS;
  retain: boolean;
}

/** CONNECT [MQTT 3.1]. protocolName "MQTT" and protocolLevel 4 are implied. */
export interface Connect {
  type: PacketType.CONNECT;
  clientId: string;
  cleanSession: boolean;
  /** Seconds, 0..65535; 0 disables keepalive. */
  keepAlive: number;
  will?: Will;
  username?: string;
  /** Byte string (binary data per [MQTT 3.1.3.5]). */
  password?: string;
}

/** CONNACK [MQTT 3.2]. */
export interface Connack {
  type: PacketType.CONNACK;
  sessionPresent: boolean;
  returnCode: number;
}

/** PUBLISH [MQTT 3.3]. packetId is 0 when qos is 0 (no identifier on the wire). */
export interface Publish {
  type: PacketType.PUBLISH;
  dup: boolean;
  qos: QoS;
  retain: boolean;
  topic: string;
  packetId: number;
  /** Byte string. */
  payload: string;
}

/** The packets whose whole variable header is a packet identifier. */
export interface Ack {
  type:
    | PacketType.PUBACK
    | PacketType.PUBREC
    | PacketType.PUBREL
    | PacketType.PUBCOMP
    | PacketType.UNSUBACK;
  packetId: number;
}

/** One topic filter and its requested QoS in SUBSCRIBE [MQTT 3.8.3]. */
export interface Subscription {
  topic: string;
  qos: QoS;
}

/** SUBSCRIBE [MQTT 3.8]. */
export interface Subscribe {
  type: PacketType.SUBSCRIBE;
  packetId: number;
  subscriptions: Subscription[];
}

/** SUBACK [MQTT 3.9]: one return code (0, 1, 2 or SUBACK_FAILURE) per filter. */
export interface Suback {
  type: PacketType.SUBACK;
  packetId: number;
  returnCodes: number[];
}

/** UNSUBSCRIBE [MQTT 3.10]. */
export interface Unsubscribe {
  type: PacketType.UNSUBSCRIBE;
  packetId: number;
  topics: string[];
}

/** Packets with no variable header or payload. */
export interface Empty {
  type: PacketType.PINGREQ | PacketType.PINGRESP | PacketType.DISCONNECT;
}

export type Packet =
  | Connect
  | Connack
  | Publish
  | Ack
  | Subscribe
  | Suback
  | Unsubscribe
  | Empty;

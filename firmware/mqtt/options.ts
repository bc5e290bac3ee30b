/**
 * The client's options, callbacks and result codes: the application-facing
 * contract of client.ts, kept apart so that the engine file stays small.
 * Defaults apply to options left undefined; an explicit 0 is taken as given.
 * The core applies them with `??`, not `||`: Lua treats 0 and '' as true, JS
 * as false, and `??` reads an option the same way on both (and costs no
 * helper function on Espruino).
 */
import { CodecError } from './errors';
import { Will } from './packets';
import { MessageHandler } from './router';
import { Overflow, PublishDone } from './outbox';
import { Store } from './transport';

/** Why a connection ended: reported once per connection through onClose. */
export type CloseReason =
  | 'DISCONNECTED' // disconnect() sent DISCONNECT: the broker drops the will [MQTT-3.14.4-3]
  | 'CONNECTION_LOST' // the host reported the link closed (client.onClose)
  | 'PROTOCOL_ERROR' // malformed or unexpected packet from the broker; detail has the codec code
  | 'KEEPALIVE_TIMEOUT' // nothing arrived within pingTimeout of a PINGREQ (dead or half-open link)
  | 'CONNACK_TIMEOUT' // no CONNACK within connectTimeout
  | 'BAD_CONNECT' // CONNECT could not be encoded (a string too long, password without user name...), or the credentials provider threw (detail CREDENTIALS_FAILED)
  | 'REFUSED_PROTOCOL_VERSION' // CONNACK 1 [MQTT 3.2.2.3]
  | 'REFUSED_IDENTIFIER' // CONNACK 2
  | 'REFUSED_SERVER_UNAVAILABLE' // CONNACK 3
  | 'REFUSED_BAD_CREDENTIALS' // CONNACK 4
  | 'REFUSED_NOT_AUTHORIZED'; // CONNACK 5

/** What onClose and lastError add to a reason: the codec code behind PROTOCOL_ERROR, or CREDENTIALS_FAILED. */
export type CloseDetail = CodecError | 'CREDENTIALS_FAILED';

/** Why publish() refused a message (nothing was accepted, no callback follows). */
export type PublishError =
  | 'EMPTY_TOPIC' // [MQTT-4.7.3-1]
  | 'TOPIC_WILDCARD' // [MQTT-3.3.2-2]
  | 'BAD_UTF8' // topic not well-formed UTF-8, or U+0000 in it [MQTT-1.5.3-1, MQTT-1.5.3-2]
  | 'STRING_TOO_LONG' // topic over 65535 bytes
  | 'BAD_MESSAGE' // payload not a byte string (a char above 255: encode text as UTF-8) or over the MQTT maximum, or QoS not 0..2
  | 'TOO_LARGE' // the message alone exceeds maxBytes
  | 'NOT_CONNECTED' // QoS 0 while no session can carry it
  | 'OUTBOX_FULL'; // the overflow policy found no room (or no packet id is free)

/** Credentials returned by the provider called before every CONNECT. */
export interface Credentials {
  username?: string;
  /** Byte string. */
  password?: string;
}

/** Client options, read once by createClient or createPublisher. Only clientId is required. */
export interface ClientOptions {
  clientId: string;
  /**
   * Default true. With false the broker keeps the session across connections.
   * CONNACK's session-present flag is trusted: a broker that claims a session
   * it lost gets no re-subscription (no messages until subscribe() or a new
   * session), and messages in flight are re-sent as DUPs, which it takes as
   * new; a QoS 2 message past PUBREC was already the broker's to lose.
   */
  cleanSession?: boolean;
  /** Seconds, 0..65535. Default 60. 0 turns keepalive off [MQTT 3.1.2.10]: no PINGREQ, so a dead or half-open link goes unnoticed until the host reports it. */
  keepAlive?: number;
  /** Ms to wait for any byte after a PINGREQ. Default 1.5 x keepAlive. */
  pingTimeout?: number;
  will?: Will;
  username?: string;
  /** Byte string. */
  password?: string;
  /** Called before every CONNECT (short-lived tokens); overrides username/password when it returns a record. */
  credentials?: (this: void) => Credentials | undefined;
  /** QoS 1/2 PUBLISH written but not yet completed, at most. Default 10. */
  maxInflight?: number;
  /** Outbox bound in messages, at most 65535 (one packet id each). Default 50. */
  maxMessages?: number;
  /** Outbox bound in encoded PUBLISH bytes. Default 8192. */
  maxBytes?: number;
  /** Default 'dropOldest': for telemetry the newest reading is worth most. */
  overflow?: Overflow;
  /**
   * Largest inbound remaining length accepted. Default 4096. A larger PUBLISH
   * is skipped unread: acknowledged, counted in stats.tooLarge (lastError
   * PACKET_TOO_LARGE), never delivered; any other larger packet closes with
   * PROTOCOL_ERROR / PACKET_TOO_LARGE.
   */
  maxPacketSize?: number;
  /** Ms to wait for CONNACK. Default 10000. */
  connectTimeout?: number;
  /** Write PUBLISH/SUBSCRIBE before CONNACK [MQTT 3.1.4] (persistent session: QoS 0 and 1 only; QoS 2, PUBREL and subscriptions wait for CONNACK). Default false. */
  pipeline?: boolean;
  /** Where save() keeps the outbox; it is restored at creation. */
  store?: Store;
  /** Store key. Default 'mqtt.outbox'. */
  storeKey?: string;
  /** If > 0, tick() saves a changed outbox at most once per this many ms. Default 0 (only save()). */
  saveIntervalMs?: number;
  onConnect?: (this: void, sessionPresent: boolean) => void;
  onClose?: (this: void, reason: CloseReason, detail: CloseDetail | undefined) => void;
  /**
   * Inbound messages that no subscription handler took. QoS 2 is delivered
   * once per packet id within one run only: the ids are not stored, so after
   * a restart on a persistent session a re-sent DUP may be delivered again.
   * A handler that throws does not stop the client (stats.thrown): its
   * message counts as delivered and is acknowledged.
   */
  onMessage?: MessageHandler;
  onPublishDone?: PublishDone;
  /** One call per filter of each SUBACK: granted QoS 0..2 or 0x80 (failure). */
  onSubscribed?: (this: void, topic: string, granted: number) => void;
}

/**
 * The bounded outbox of QoS 1/2 messages: its records and outcomes (the
 * logic lives in publisher.ts, which owns it). As in MQTT-C it doubles as the
 * retransmit store: a message stays there, with its handshake state, from the
 * moment publish() accepts it until the broker completes the flow or the
 * overflow policy drops it (or, never expected, it cannot be encoded).
 * Nothing leaves it silently: every removal goes through the single
 * `onPublishDone` callback with an outcome.
 */
import { QoS } from './packets';

/** Where an outgoing message is in its handshake [MQTT 4.3.2, 4.3.3]. */
export const enum MsgState {
  /** Accepted; its PUBLISH has not been written in the current session. */
  QUEUED = 0,
  /** QoS 1 PUBLISH written, waiting for PUBACK. */
  AWAIT_PUBACK = 1,
  /** QoS 2 PUBLISH written, waiting for PUBREC. */
  AWAIT_PUBREC = 2,
  /** QoS 2 PUBREL written, waiting for PUBCOMP. */
  AWAIT_PUBCOMP = 3,
}

/** One accepted QoS 1/2 message: the handle passed to onPublishDone. */
export interface OutMessage {
  /** The number publish() returned for this message. */
  token: number;
  topic: string;
  /** Byte string. */
  payload: string;
  qos: QoS;
  retain: boolean;
  /** Assigned on acceptance, kept for the message's whole life (1..65535). */
  packetId: number;
  state: MsgState;
  /** Encoded PUBLISH size in bytes: what counts against maxBytes. */
  size: number;
}

/** What happens when a new message does not fit. */
export type Overflow = 'reject' | 'dropOldest' | 'latestPerTopic';

/** How a QoS 1/2 message left the outbox. */
export type PublishOutcome = 'acked' | 'DROPPED' | 'REPLACED' | 'BAD_MESSAGE';

/** The one client-level completion callback (no per-message closures). */
export type PublishDone = (this: void, msg: OutMessage, outcome: PublishOutcome) => void;

/** Counters the client exposes as `stats`; the outbox counts `dropped`. */
export interface Stats {
  /** Messages accepted by publish(), all QoS. */
  published: number;
  /** QoS 1/2 messages completed by PUBACK or PUBCOMP. */
  acked: number;
  /** Accepted messages removed unacknowledged: by the overflow policy, beyond the limits on restore, or unencodable. */
  dropped: number;
  /** publish() calls refused (invalid input, offline QoS 0, outbox full). */
  rejected: number;
  /** Inbound application messages delivered. */
  received: number;
  /** CONNECTs written after the first one. */
  reconnects: number;
  /** CONNACKs that accepted the connection. */
  connacks: number;
  /** Inbound PUBLISH over maxPacketSize: skipped unread, acknowledged, never delivered. */
  tooLarge: number;
  /** Exceptions thrown by application callbacks inside onData, caught there. */
  thrown: number;
}

/**
 * The client's outbox, `client.outbox`: accepted QoS 1/2 messages in
 * acceptance order (also the resend order [MQTT-4.6.0-1]) and their total
 * encoded size. The client admits, finishes and drops; readers only read.
 */
export interface Outbox {
  msgs: OutMessage[];
  /** Sum of `size` over msgs: what counts against maxBytes. */
  bytes: number;
}

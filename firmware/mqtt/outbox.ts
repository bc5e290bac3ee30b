/**
 * The bounded outbox of QoS 1/2 messages. As in MQTT-C it doubles as the
 * retransmit store: a message stays here, with its handshake state, from the
 * moment publish() accepts it until the broker completes the flow or the
 * overflow policy drops it. Nothing leaves it silently: every removal goes
 * through the single `onPublishDone` callback with an outcome.
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
export type PublishOutcome = 'acked' | 'DROPPED' | 'REPLACED';

/** The one client-level completion callback (no per-message closures). */
export type PublishDone = (this: void, msg: OutMessage, outcome: PublishOutcome) => void;

/** Counters the client exposes as `stats`; the outbox counts `dropped`. */
export interface Stats {
  /** Messages accepted by publish(), all QoS. */
  published: number;
  /** QoS 1/2 messages completed by PUBACK or PUBCOMP. */
  acked: number;
  /** Accepted messages removed by the overflow policy. */
  dropped: number;
  /** publish() calls refused (invalid input, offline QoS 0, outbox full). */
  rejected: number;
  /** Inbound application messages delivered. */
  received: number;
  /** CONNECTs written after the first one. */
  reconnects: number;
  /** CONNACKs that accepted the connection. */
  connacks: number;
}

/** A bounded, ordered message store with an overflow policy. */
export class Outbox {
  /** Messages in acceptance order: also the resend order [MQTT-4.6.0-1]. */
  msgs: OutMessage[];
  bytes: number;
  maxMessages: number;
  maxBytes: number;
  overflow: Overflow;
  stats: Stats;
  done: PublishDone | undefined;

  constructor(
    maxMessages: number,
    maxBytes: number,
    overflow: Overflow,
    stats: Stats,
    done: PublishDone | undefined,
  ) {
    this.msgs = [];
    this.bytes = 0;
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.overflow = overflow;
    this.stats = stats;
    this.done = done;
  }

  /**
   * Appends `msg`, first making room by the overflow policy (each victim is
   * counted and reported through onPublishDone). Returns false when no room
   * can be made: only QUEUED messages are ever dropped, since a
   * written PUBLISH may already be in the broker's session.
   */
  admit(msg: OutMessage): boolean {
    while (this.msgs.length >= this.maxMessages || this.bytes + msg.size > this.maxBytes) {
      const victim = this.victim(msg.topic);
      if (!victim) return false;
      this.stats.dropped++;
      this.finish(victim, victim.topic === msg.topic && this.overflow === 'latestPerTopic' ? 'REPLACED' : 'DROPPED');
    }
    this.msgs.push(msg);
    this.bytes += msg.size;
    return true;
  }

  /** The QUEUED message to drop for a new one on `topic`, or undefined. */
  victim(topic: string): OutMessage | undefined {
    if (this.overflow === 'reject') return undefined;
    let oldest: OutMessage | undefined;
    for (const m of this.msgs) {
      if (m.state !== MsgState.QUEUED) continue;
      if (this.overflow === 'latestPerTopic' && m.topic === topic) return m;
      if (!oldest) oldest = m;
    }
    return oldest;
  }

  /** Removes `msg` and reports `outcome` for it. */
  finish(msg: OutMessage, outcome: PublishOutcome): void {
    const i = this.msgs.indexOf(msg);
    if (i < 0) return;
    this.msgs.splice(i, 1);
    this.bytes -= msg.size;
    if (this.done) this.done(msg, outcome);
  }

  /** The message with `packetId` in `state`, or undefined. */
  find(packetId: number, state: MsgState): OutMessage | undefined {
    for (const m of this.msgs) if (m.packetId === packetId && m.state === state) return m;
    return undefined;
  }
}

/**
 * The session half of the client engine: the state that outlives one
 * connection (outbox, subscriptions, inbound QoS 2 ids, packet ids) and what
 * is written on it: resend or restart on (re)connect, the in-flight window,
 * the outbox overflow policy, acknowledgements, subscriptions and inbound
 * delivery. client.ts adds the connection half (CONNECT/CONNACK, keepalive,
 * close, publish) on top of this class. Members ending in `_` are internal:
 * the device build renames them to short names (esbuild mangleProps).
 */
import { encodeAck, encodeFilters, encodePublish } from './encode';
import { ClientOptions } from './options';
import { MsgState, OutMessage, Outbox, Overflow, PublishDone, PublishOutcome, Stats } from './outbox';
import { Packet, PacketType, QoS } from './packets';
import { MessageHandler, Sub, topicMatches, validFilter } from './router';
import { Transport } from './transport';

/** Connection phase: no transport, CONNECT written, CONNACK accepted. */
export const enum Phase {
  CLOSED = 0,
  CONNECTING = 1,
  CONNECTED = 2,
}

/**
 * Inbound.QOS2_LIMIT: inbound QoS 2 packet ids remembered between PUBLISH
 * and PUBREL, at most.
 * A broker holds far fewer unreleased messages to one client (mosquitto's
 * default in-flight window is 20), so the list only fills against a broker
 * that never releases: the oldest id is then forgotten, and only a re-sent
 * duplicate of that one message could be delivered twice. Bounded RAM wins
 * over exactly-once for a broker that breaks the flow [MQTT 4.3.3].
 */
export const enum Inbound {
  QOS2_LIMIT = 32,
}

/** Session state and the packets that keep it; extended by MqttClient. */
export class Session {
  /** Read by the supervisor: 0 closed, 1 CONNECT written, 2 CONNACK accepted. */
  phase: Phase;
  stats: Stats;
  outbox: Outbox;
  /** Subscriptions in the order they were made; a repeated filter replaces its record [MQTT-3.8.4-3]. */
  protected subs_: Sub[];
  protected cleanSession_: boolean;
  protected maxInflight_: number;
  protected maxMessages_: number;
  protected maxBytes_: number;
  protected overflow_: Overflow;
  protected done_: PublishDone | undefined;
  protected message_: MessageHandler | undefined;
  protected subscribed_: ClientOptions['onSubscribed'];
  protected transport_: Transport | undefined;
  /** True when PUBLISH/SUBSCRIBE may be written (after CONNACK, or pipelining). */
  protected canSend_: boolean;
  /** The time given by the host's last call (ms). */
  protected now_: number;
  protected lastSent_: number;
  protected nextId_: number;
  /** Inbound QoS 2 packet ids delivered but not yet released [MQTT 4.3.3], oldest first. */
  protected inbound_: number[];
  /** Packet ids of UNSUBSCRIBEs awaiting UNSUBACK. */
  protected unsubIds_: number[];
  /** The outbox changed since the last save. */
  protected dirty_: boolean;

  /** Reads the session options of `o` once (see ClientOptions). */
  constructor(o: ClientOptions) {
    this.phase = Phase.CLOSED;
    this.stats = { published: 0, acked: 0, dropped: 0, rejected: 0, received: 0, reconnects: 0, connacks: 0 };
    this.outbox = { msgs: [], bytes: 0 };
    this.subs_ = [];
    this.cleanSession_ = o.cleanSession !== false;
    this.maxInflight_ = o.maxInflight ?? 10;
    this.maxMessages_ = o.maxMessages ?? 50;
    this.maxBytes_ = o.maxBytes ?? 8192;
    this.overflow_ = o.overflow ?? 'dropOldest';
    this.done_ = o.onPublishDone;
    this.message_ = o.onMessage;
    this.subscribed_ = o.onSubscribed;
    this.transport_ = undefined;
    this.canSend_ = false;
    this.now_ = 0;
    this.lastSent_ = 0;
    this.nextId_ = 1;
    this.inbound_ = [];
    this.unsubIds_ = [];
    this.dirty_ = false;
  }

  /**
   * Subscribes to `filter` at `qos`; `handler` (optional) receives the
   * matching messages. The subscription is remembered and re-sent when a
   * session is lost; SUBACK reaches onSubscribed. Returns 'BAD_FILTER' for an
   * invalid or unencodable filter, else undefined.
   */
  subscribe(filter: string, qos: QoS, handler: MessageHandler | undefined): 'BAD_FILTER' | undefined {
    const id = this.allocId_();
    const packet = validFilter(filter) ? encodeFilters(PacketType.SUBSCRIBE, id, [{ topic: filter, qos: qos }]) : undefined;
    if (packet === undefined) return 'BAD_FILTER';
    let sub: Sub | undefined;
    for (const s of this.subs_) if (s.topic === filter) sub = s;
    if (sub === undefined) {
      sub = { topic: filter, qos: qos, handler_: handler, packetId_: 0, index_: 0, granted_: -1 };
      this.subs_.push(sub);
    }
    sub.qos = qos;
    sub.handler_ = handler;
    sub.granted_ = -1;
    if (this.canSend_) {
      sub.packetId_ = id;
      sub.index_ = 0;
      this.send_(packet);
    }
    return undefined;
  }

  /**
   * Forgets `filter` locally and, when connected, sends UNSUBSCRIBE. Offline
   * on a persistent session the broker keeps the subscription: its messages
   * then reach onMessage. Returns false when `filter` was not subscribed.
   */
  unsubscribe(filter: string): boolean {
    const subs = this.subs_;
    let i = subs.length - 1;
    while (i >= 0 && subs[i].topic !== filter) i--;
    if (i < 0) return false;
    subs.splice(i, 1);
    if (this.canSend_) {
      const id = this.allocId_();
      this.unsubIds_.push(id);
      this.send_(encodeFilters(PacketType.UNSUBSCRIBE, id, [filter]));
    }
    return true;
  }

  /**
   * Writes bytes on the current transport (none: dropped) and notes the time
   * for keepalive. `undefined` (a packet that cannot be encoded, impossible
   * for input validated on entry) writes nothing. write()'s back-pressure
   * result is not acted on: see Transport.
   */
  protected send_(data: string | undefined): void {
    if (data !== undefined && this.transport_) this.transport_.write(data);
    this.lastSent_ = this.now_;
  }

  /**
   * Starts an accepted session's subscriptions. `resume` (sessionPresent on
   * a persistent session): re-subscribe what was never acknowledged; the
   * unfinished messages are then re-sent by pump_(true). Otherwise the broker
   * holds no state for us: forget inbound QoS 2 ids and pending UNSUBSCRIBEs,
   * make every unfinished message QUEUED so that it is re-published as new (a
   * QoS 2 message past PUBREC too: its PUBREL means nothing to the new
   * session, and re-publishing risks a duplicate rather than a loss), and
   * re-subscribe everything. Subscriptions go in one SUBSCRIBE.
   */
  protected startSession_(resume: boolean): void {
    if (!resume) {
      this.inbound_ = [];
      this.unsubIds_ = [];
      for (const m of this.outbox.msgs) m.state = MsgState.QUEUED;
    }
    const list: Sub[] = [];
    for (const s of this.subs_) {
      if (!resume || s.granted_ < 0 || s.packetId_ !== 0) list.push(s);
      s.packetId_ = 0;
    }
    if (list.length === 0) return;
    const id = this.allocId_();
    for (let i = 0; i < list.length; i++) {
      list[i].packetId_ = id;
      list[i].index_ = i;
    }
    this.send_(encodeFilters(PacketType.SUBSCRIBE, id, list));
  }

  /**
   * Writes QUEUED messages in order while the in-flight window has room;
   * with `resend` (a resumed session) first re-sends, in place, each message
   * in flight: PUBLISH with DUP=1 and the same id, or PUBREL past PUBREC.
   * Messages in flight always precede QUEUED ones in the outbox, so the
   * original order is kept [MQTT-4.4.0-1].
   */
  protected pump_(resend: boolean): void {
    if (!this.canSend_) return;
    let n = 0;
    for (const m of this.outbox.msgs) {
      const queued = m.state === MsgState.QUEUED;
      if (!queued) n++;
      if (!queued && resend && m.state === MsgState.AWAIT_PUBCOMP) {
        this.send_(encodeAck(PacketType.PUBREL, m.packetId));
      } else if (queued ? n < this.maxInflight_ : resend) {
        if (queued) n++;
        this.send_(encodePublish(m.topic, m.payload, m.qos, m.retain, !queued, m.packetId));
        // Moves to the state awaiting the broker's answer.
        m.state = m.qos === 1 ? MsgState.AWAIT_PUBACK : MsgState.AWAIT_PUBREC;
        this.dirty_ = true;
      }
    }
  }

  /** Removes `msg` from the outbox and reports `outcome` for it. */
  protected finish_(msg: OutMessage, outcome: PublishOutcome): void {
    const box = this.outbox;
    box.msgs.splice(box.msgs.indexOf(msg), 1);
    box.bytes -= msg.size;
    this.dirty_ = true;
    if (this.done_) this.done_(msg, outcome);
  }

  /**
   * Reacts to one inbound packet of an accepted session (client.ts handles
   * CONNACK; decodeFromBroker passes only what a broker may send).
   * One method rather than one per packet type: on Espruino every function
   * costs heap.
   */
  protected handle_(p: Packet): void {
    switch (p.type) {
      case PacketType.PUBLISH: {
        // Every subscription whose filter matches gets it once; onMessage gets
        // what no handler took. QoS 2 is delivered once per packet id until
        // PUBREL [MQTT 4.3.3] (within Inbound.QOS2_LIMIT).
        const inbound = this.inbound_;
        if (p.qos === 2) {
          if (inbound.indexOf(p.packetId) >= 0) return this.send_(encodeAck(PacketType.PUBREC, p.packetId));
          if (inbound.length >= Inbound.QOS2_LIMIT) inbound.shift();
          inbound.push(p.packetId);
        }
        this.stats.received++;
        let taken = false;
        for (const s of this.subs_) {
          if (s.handler_ && topicMatches(s.topic, p.topic)) {
            taken = true;
            s.handler_(p.topic, p.payload, p.qos, p.retain);
          }
        }
        if (!taken && this.message_) this.message_(p.topic, p.payload, p.qos, p.retain);
        // Acknowledge after delivery, and only on the connection it came from.
        if (p.qos > 0 && this.phase !== Phase.CLOSED) {
          this.send_(encodeAck(p.qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, p.packetId));
        }
        return;
      }
      case PacketType.PUBACK:
      case PacketType.PUBREC:
      case PacketType.PUBCOMP: {
        // The answer for the outbox message with this id in the matching
        // state: PUBREC moves it to AWAIT_PUBCOMP; PUBACK and PUBCOMP complete
        // it. Late or duplicate acks, which find no such message, are ignored.
        const rec = p.type === PacketType.PUBREC;
        const state = rec ? MsgState.AWAIT_PUBREC : p.type === PacketType.PUBACK ? MsgState.AWAIT_PUBACK : MsgState.AWAIT_PUBCOMP;
        for (const m of this.outbox.msgs) {
          if (m.packetId === p.packetId && m.state === state) {
            this.dirty_ = true;
            if (rec) {
              m.state = MsgState.AWAIT_PUBCOMP;
            } else {
              this.stats.acked++;
              this.finish_(m, 'acked');
              this.pump_(false);
            }
            break;
          }
        }
        // A repeated PUBREC is answered again [MQTT-4.3.3-2 (sender side)].
        if (rec) this.send_(encodeAck(PacketType.PUBREL, p.packetId));
        return;
      }
      case PacketType.PUBREL: {
        const i = this.inbound_.indexOf(p.packetId);
        if (i >= 0) this.inbound_.splice(i, 1);
        return this.send_(encodeAck(PacketType.PUBCOMP, p.packetId));
      }
      case PacketType.SUBACK:
        // Each filter sent with this packet id takes the code at its index [MQTT-3.9.3-1].
        for (const s of this.subs_) {
          if (s.packetId_ === p.packetId && s.index_ < p.returnCodes.length) {
            s.packetId_ = 0;
            s.granted_ = p.returnCodes[s.index_];
            if (this.subscribed_) this.subscribed_(s.topic, s.granted_);
          }
        }
        return;
      case PacketType.UNSUBACK: {
        const j = this.unsubIds_.indexOf(p.packetId);
        if (j >= 0) this.unsubIds_.splice(j, 1);
      }
    }
  }

  /**
   * Next free packet id in 1..65535, skipping ids held by an outbox message
   * or a pending SUBSCRIBE or UNSUBSCRIBE [MQTT-2.3.1-2]; 0 if all are taken.
   */
  protected allocId_(): number {
    for (let n = 0; n < 65535; n++) {
      const id = this.nextId_;
      this.nextId_ = id >= 65535 ? 1 : id + 1;
      let used = this.unsubIds_.indexOf(id) >= 0;
      for (const m of this.outbox.msgs) if (m.packetId === id) used = true;
      for (const s of this.subs_) if (s.packetId_ === id) used = true;
      if (!used) return id;
    }
    return 0;
  }
}

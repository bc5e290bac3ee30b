/**
 * The full MQTT 3.1.1 client: the Publisher (publisher.ts: connection,
 * session, publish) plus subscriptions. It adds subscribe/unsubscribe, the
 * router (a handler per filter, onMessage for the rest), SUBACK/UNSUBACK
 * correlation, re-subscription when a session is lost, re-sending of
 * unanswered UNSUBSCRIBEs when it resumes, and keeps the ids of pending
 * SUBSCRIBE/UNSUBSCRIBE packets out of the id allocator. It plugs in
 * through three overrides (startSession_, receive_, allocId_) so that a
 * publish-only bundle carries none of this file.
 */
import { encodeFilters } from './encode';
import { ClientOptions } from './options';
import { Packet, PacketType, QoS } from './packets';
import { Phase, Publisher } from './publisher';
import { MessageHandler, Sub, topicMatches } from './router';

export { Phase };

/** A packet id held for a request that no subscription record tracks any more. */
interface Held {
  /** The filter of an UNSUBSCRIBE; '' for the SUBSCRIBE of a filter unsubscribed before its SUBACK. */
  topic: string;
  /** The packet's id; 0 for an UNSUBSCRIBE made offline, sent when the session resumes. */
  packetId_: number;
}

/** The client with subscriptions (see the file comment). */
export class MqttClient extends Publisher {
  /** Subscriptions in the order they were made; a repeated filter replaces its record [MQTT-3.8.4-3]. */
  protected subs_: Sub[];
  /** UNSUBSCRIBEs awaiting UNSUBACK and SUBSCRIBEs of forgotten filters awaiting SUBACK, each holding its id [MQTT-2.3.1-2]. */
  protected held_: Held[];
  /** Index in subs_ of the handler being run; unsubscribe() moves it back with the records it shifts. */
  protected routing_: number;
  protected subscribed_: ClientOptions['onSubscribed'];

  /** Reads `o` once; see ClientOptions for defaults. Restores a saved outbox from o.store. */
  constructor(o: ClientOptions) {
    super(o);
    this.subs_ = [];
    this.held_ = [];
    this.routing_ = 0;
    this.subscribed_ = o.onSubscribed;
  }

  /**
   * Subscribes to `filter` at `qos`; `handler` (optional) receives the
   * matching messages. The subscription is remembered and re-sent when a
   * session is lost; SUBACK reaches onSubscribed. Returns 'BAD_FILTER' for an
   * invalid or unencodable filter, else undefined.
   */
  subscribe(filter: string, qos: QoS, handler: MessageHandler | undefined): 'BAD_FILTER' | undefined {
    const id = this.allocId_();
    // encodeFilters refuses a non-string, invalid or too long filter and a bad QoS.
    const packet = encodeFilters(PacketType.SUBSCRIBE, id, [{ topic: filter, qos: qos }]);
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
    if (this.started_()) {
      // A SUBSCRIBE of this filter still unanswered keeps its id until its SUBACK [MQTT-2.3.1-2].
      if (sub.packetId_ !== 0) this.held_.push({ topic: '', packetId_: sub.packetId_ });
      sub.packetId_ = id;
      sub.index_ = 0;
      this.send_(packet);
    }
    return undefined;
  }

  /**
   * Forgets `filter` locally (safe from inside a handler) and sends
   * UNSUBSCRIBE: now when connected, else when the session resumes. Until
   * UNSUBACK it is re-sent whenever the session resumes, since the broker
   * may still hold the subscription; a new session forgets it (the broker
   * holds nothing). Meanwhile its messages reach onMessage. Returns false
   * when `filter` was not subscribed. No callback reports UNSUBACK.
   */
  unsubscribe(filter: string): boolean {
    const subs = this.subs_;
    let i = subs.length - 1;
    while (i >= 0 && subs[i].topic !== filter) i--;
    if (i < 0) return false;
    const sub = subs[i];
    subs.splice(i, 1);
    // Removed at or before the running handler: the next one moved down by one.
    if (i <= this.routing_) this.routing_--;
    // Its SUBSCRIBE, if still unanswered, keeps its id until the SUBACK [MQTT-2.3.1-2].
    if (sub.packetId_ !== 0) this.held_.push({ topic: '', packetId_: sub.packetId_ });
    const id = this.started_() ? this.allocId_() : 0;
    this.held_.push({ topic: filter, packetId_: id });
    if (id !== 0) this.send_(encodeFilters(PacketType.UNSUBSCRIBE, id, [filter]));
    return true;
  }

  /**
   * Starts the session (Publisher), then its subscriptions: on a resumed
   * session re-sends the unanswered UNSUBSCRIBEs (in one packet, before any
   * SUBSCRIBE, so that a filter subscribed again wins) and re-subscribes
   * what was never acknowledged; on a new one forgets the UNSUBSCRIBEs and
   * re-subscribes everything, in one SUBSCRIBE. Ids held for SUBACKs are
   * freed: no answer outlives its connection.
   */
  protected startSession_(resume: boolean): void {
    super.startSession_(resume);
    const held = this.held_;
    const filters: string[] = [];
    this.held_ = [];
    for (const u of held) {
      if (resume && u.topic !== '') {
        this.held_.push(u);
        filters.push(u.topic);
      }
    }
    if (filters.length > 0) {
      const unsubId = this.allocId_();
      for (const u of this.held_) u.packetId_ = unsubId;
      this.send_(encodeFilters(PacketType.UNSUBSCRIBE, unsubId, filters));
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

  /** True once startSession_ ran on this connection: at CONNACK, or at CONNECT on a pipelined clean session. */
  private started_(): boolean {
    return this.phase === Phase.CONNECTED || (this.canSend_ && this.cleanSession_);
  }

  /**
   * Routes a message to every subscription whose filter matches it, once
   * each; onMessage (Publisher) gets what no handler took. Correlates SUBACK
   * and UNSUBACK with their requests.
   */
  protected receive_(p: Packet): void {
    switch (p.type) {
      case PacketType.PUBLISH: {
        let taken = false;
        const subs = this.subs_;
        // By index, not for..of: a handler may unsubscribe, and then
        // unsubscribe() keeps routing_ on the next record (no copy per message).
        for (this.routing_ = 0; this.routing_ < subs.length; this.routing_++) {
          const s = subs[this.routing_];
          if (s.handler_ && topicMatches(s.topic, p.topic)) {
            taken = true;
            s.handler_(p.topic, p.payload, p.qos, p.retain);
          }
        }
        if (!taken) super.receive_(p);
        return;
      }
      case PacketType.SUBACK:
      case PacketType.UNSUBACK: {
        // Each filter sent with this packet id takes the code at its index [MQTT-3.9.3-1].
        for (const s of this.subs_) {
          if (p.type === PacketType.SUBACK && s.packetId_ === p.packetId && s.index_ < p.returnCodes.length) {
            s.packetId_ = 0;
            s.granted_ = p.returnCodes[s.index_];
            if (this.subscribed_) this.subscribed_(s.topic, s.granted_);
          }
        }
        // The answered request no longer holds its id.
        const held = this.held_;
        for (let i = held.length - 1; i >= 0; i--) if (held[i].packetId_ === p.packetId) held.splice(i, 1);
      }
    }
  }

  /**
   * The Publisher's next free id that no pending SUBSCRIBE or UNSUBSCRIBE
   * holds either [MQTT-2.3.1-2]; 0 if all are taken. Each try skips a
   * different id, so one more try than there are such holders suffices.
   */
  protected allocId_(): number {
    for (let n = this.subs_.length + this.held_.length; n >= 0; n--) {
      const id = super.allocId_();
      let used = false;
      for (const u of this.held_) if (id > 0 && u.packetId_ === id) used = true;
      for (const s of this.subs_) if (id > 0 && s.packetId_ === id) used = true;
      if (!used) return id;
    }
    return 0;
  }
}

/** Creates a client from `options` (a factory for Lua hosts, which cannot `new`). Throws only for a missing clientId. */
export function createClient(options: ClientOptions): MqttClient {
  if (typeof options.clientId !== 'string') throw 'clientId required';
  return new MqttClient(options);
}

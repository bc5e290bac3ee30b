/**
 * The session half of the client engine: the state that outlives one
 * connection (outbox, subscriptions, inbound QoS 2 ids, packet ids) and what
 * is written on it - resend or restart on (re)connect, the in-flight window,
 * acknowledgements, inbound delivery. client.ts adds the connection half
 * (CONNECT/CONNACK, keepalive, close, the public API) on top of this class.
 */
import { encodeAck, encodePacket, encodePublish } from './encode';
import { ClientOptions } from './options';
import { MsgState, OutMessage, Outbox, Stats } from './outbox';
import { PacketType, Publish, Suback } from './packets';
import { MessageHandler, Router, Sub } from './router';
import { Transport } from './transport';

/** Connection phase: no transport, CONNECT written, CONNACK accepted. */
export const enum Phase {
  CLOSED = 0,
  CONNECTING = 1,
  CONNECTED = 2,
}

/** Session state and the packets that keep it; extended by MqttClient. */
export class Session {
  /** Read by the supervisor: 0 closed, 1 CONNECT written, 2 CONNACK accepted. */
  phase: Phase;
  stats: Stats;
  outbox: Outbox;
  router: Router;
  protected cleanSession: boolean;
  protected maxInflight: number;
  protected message: MessageHandler | undefined;
  protected subscribed: ClientOptions['onSubscribed'];
  protected transport: Transport | undefined;
  /** True when PUBLISH/SUBSCRIBE may be written (after CONNACK, or pipelining). */
  protected canSend: boolean;
  /** The time given by the host's last call (ms). */
  protected now: number;
  protected lastSent: number;
  protected nextId: number;
  /** Inbound QoS 2 packet ids delivered but not yet released [MQTT 4.3.3]. */
  protected inbound: number[];
  /** Packet ids of UNSUBSCRIBEs awaiting UNSUBACK. */
  protected unsubIds: number[];
  /** The outbox changed since the last save. */
  protected dirty: boolean;

  /** Reads the session options of `o` once (see ClientOptions). */
  constructor(o: ClientOptions) {
    this.phase = Phase.CLOSED;
    this.stats = { published: 0, acked: 0, dropped: 0, rejected: 0, received: 0, reconnects: 0, connacks: 0 };
    this.outbox = new Outbox(o.maxMessages || 50, o.maxBytes || 8192, o.overflow || 'dropOldest', this.stats, o.onPublishDone);
    this.router = new Router();
    this.cleanSession = o.cleanSession !== false;
    this.maxInflight = o.maxInflight || 10;
    this.message = o.onMessage;
    this.subscribed = o.onSubscribed;
    this.transport = undefined;
    this.canSend = false;
    this.now = 0;
    this.lastSent = 0;
    this.nextId = 1;
    this.inbound = [];
    this.unsubIds = [];
    this.dirty = false;
  }

  /** Writes bytes on the current transport (none: dropped) and notes the time for keepalive. */
  protected send(data: string): void {
    if (this.transport) this.transport.write(data);
    this.lastSent = this.now;
  }

  /**
   * The broker holds no state for us: forget inbound QoS 2 ids and pending
   * UNSUBSCRIBEs, re-publish every unfinished message as new (a QoS 2 message
   * past PUBREC too: its PUBREL means nothing to the new session, and being
   * re-published risks a duplicate rather than a loss), and re-subscribe.
   */
  protected newSession(): void {
    this.inbound = [];
    this.unsubIds = [];
    for (const m of this.outbox.msgs) m.state = MsgState.QUEUED;
    this.resubscribe(true);
  }

  /**
   * Persistent session resumed: re-send unfinished PUBLISH (DUP=1, same id)
   * and PUBREL in their original order [MQTT-4.4.0-1], and any SUBSCRIBE not
   * yet acknowledged.
   */
  protected resend(): void {
    for (const m of this.outbox.msgs) {
      if (m.state === MsgState.AWAIT_PUBCOMP) this.send(encodeAck(PacketType.PUBREL, m.packetId));
      else if (m.state !== MsgState.QUEUED) this.write(m, true);
    }
    this.resubscribe(false);
  }

  /** One SUBSCRIBE for all held subscriptions (`all`) or those never acknowledged. */
  protected resubscribe(all: boolean): void {
    const list: Sub[] = [];
    for (const s of this.router.subs) {
      if (all || s.granted < 0 || s.packetId !== 0) list.push(s);
      s.packetId = 0;
    }
    if (list.length === 0) return;
    const id = this.allocId();
    for (const s of list) s.packetId = id;
    this.send(encodePacket({ type: PacketType.SUBSCRIBE, packetId: id, subscriptions: list }) || '');
  }

  /** Writes QUEUED messages in order while the in-flight window has room. */
  protected pump(): void {
    if (!this.canSend) return;
    let n = 0;
    for (const m of this.outbox.msgs) {
      if (m.state !== MsgState.QUEUED) n++;
      else if (n < this.maxInflight) {
        this.write(m, false);
        n++;
      }
    }
  }

  /** Writes m's PUBLISH and moves it to the state awaiting the broker's answer. */
  protected write(m: OutMessage, dup: boolean): void {
    this.send(encodePublish(m.topic, m.payload, m.qos, m.retain, dup, m.packetId) || '');
    m.state = m.qos === 1 ? MsgState.AWAIT_PUBACK : MsgState.AWAIT_PUBREC;
    this.dirty = true;
  }

  /** PUBACK / PUBCOMP: the message is done. Late or duplicate acks are ignored. */
  protected complete(packetId: number, state: MsgState): void {
    const m = this.outbox.find(packetId, state);
    if (!m) return;
    this.stats.acked++;
    this.dirty = true;
    this.outbox.finish(m, 'acked');
    this.pump();
  }

  /** Inbound PUBLISH; QoS 2 is delivered once per packet id until PUBREL [MQTT 4.3.3]. */
  protected receive(p: Publish): void {
    const id = p.packetId;
    if (p.qos === 2) {
      if (this.inbound.indexOf(id) >= 0) return this.send(encodeAck(PacketType.PUBREC, id));
      this.inbound.push(id);
    }
    this.stats.received++;
    if (!this.router.dispatch(p.topic, p.payload, p.qos, p.retain) && this.message) {
      this.message(p.topic, p.payload, p.qos, p.retain);
    }
    // Acknowledge after delivery, and only on the connection it came from.
    if (p.qos > 0 && this.phase !== Phase.CLOSED) {
      this.send(encodeAck(p.qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, id));
    }
  }

  /** SUBACK codes map, in order, to the filters sent with its packet id [MQTT-3.9.3-1]. */
  protected suback(p: Suback): void {
    let i = 0;
    for (const s of this.router.subs) {
      if (s.packetId !== p.packetId || i >= p.returnCodes.length) continue;
      s.packetId = 0;
      s.granted = p.returnCodes[i++];
      if (this.subscribed) this.subscribed(s.topic, s.granted);
    }
  }

  /** Next free packet id in 1..65535, skipping ids still in use [MQTT-2.3.1-2]. */
  protected allocId(): number {
    for (let n = 0; n < 65535; n++) {
      const id = this.nextId;
      this.nextId = id >= 65535 ? 1 : id + 1;
      if (!this.idInUse(id)) return id;
    }
    return 0;
  }

  /** True when an outbox message, a pending SUBSCRIBE or UNSUBSCRIBE holds `id`. */
  protected idInUse(id: number): boolean {
    for (const m of this.outbox.msgs) if (m.packetId === id) return true;
    for (const s of this.router.subs) if (s.packetId === id) return true;
    return this.unsubIds.indexOf(id) >= 0;
  }
}

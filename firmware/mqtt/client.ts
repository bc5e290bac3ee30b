/**
 * The MQTT 3.1.1 client engine (connection half; session.ts holds the session
 * half): a portable core driven by its host through
 * connect(transport, now), onData(chunk, now), onClose(now) and tick(now).
 * It never reaches a global: time arrives as `now` (ms), bytes go out through
 * the Transport, persistence through the Store. It never loses an accepted
 * QoS 1/2 message silently: each one stays in the outbox until PUBACK/PUBCOMP
 * or an overflow drop, and both end in onPublishDone.
 */
import { CodecError } from './errors';
import { encodeAck, encodePacket, encodePublish } from './encode';
import { Framer } from './framer';
import { ClientOptions, CloseReason, PublishError } from './options';
import { MsgState, OutMessage } from './outbox';
import { Connack, Packet, PacketType, QoS, Will } from './packets';
import { restoreOutbox, serialiseOutbox } from './persist';
import { MessageHandler, validFilter } from './router';
import { Phase, Session } from './session';
import { Store, Transport } from './transport';
import { chr } from './utf8';

/** Close reasons for CONNACK return codes 1..5 [MQTT 3.2.2.3]. */
const REFUSED: CloseReason[] = [
  'REFUSED_PROTOCOL_VERSION',
  'REFUSED_IDENTIFIER',
  'REFUSED_SERVER_UNAVAILABLE',
  'REFUSED_BAD_CREDENTIALS',
  'REFUSED_NOT_AUTHORIZED',
];

/** The PublishError for an invalid topic name, or undefined [MQTT 4.7]. */
function topicError(topic: string): PublishError | undefined {
  if (topic.length === 0) return 'EMPTY_TOPIC';
  if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) return 'TOPIC_WILDCARD';
  return topic.indexOf(chr(0)) >= 0 ? 'BAD_UTF8' : undefined;
}

export { Phase };

/** The client: the connection half on top of Session (see the file comment). */
export class MqttClient extends Session {
  /** Why the last connection ended (read by the supervisor). */
  closeReason: CloseReason | undefined;
  /** The codec code behind the last PROTOCOL_ERROR, else undefined. */
  lastError: CodecError | undefined;
  private clientId: string;
  private keepAlive: number;
  private pingTimeout: number;
  private connectTimeout: number;
  /** Kept for every CONNECT: reconnects need the will and static credentials again. */
  private will: Will | undefined;
  private username: string | undefined;
  private password: string | undefined;
  private credentials: ClientOptions['credentials'];
  private pipeline: boolean;
  private store: Store | undefined;
  private storeKey: string;
  private saveInterval: number;
  private connected: ClientOptions['onConnect'];
  private closed: ClientOptions['onClose'];
  private framer: Framer;
  private connectedAt: number;
  private lastRecv: number;
  /** When the unanswered PINGREQ was written, -1 when none is pending. */
  private pingAt: number;
  private tokens: number;
  private connects: number;
  private savedAt: number;

  /** Reads `o` once; see ClientOptions for defaults. Restores a saved outbox from o.store. */
  constructor(o: ClientOptions) {
    super(o);
    const keepAlive = o.keepAlive === undefined ? 60 : o.keepAlive;
    this.closeReason = undefined;
    this.lastError = undefined;
    this.clientId = o.clientId;
    this.keepAlive = keepAlive;
    this.pingTimeout = o.pingTimeout || keepAlive * 1500;
    this.connectTimeout = o.connectTimeout || 10000;
    this.will = o.will;
    this.username = o.username;
    this.password = o.password;
    this.credentials = o.credentials;
    this.pipeline = o.pipeline === true;
    this.store = o.store;
    this.storeKey = o.storeKey || 'mqtt.outbox';
    this.saveInterval = o.saveIntervalMs || 0;
    this.connected = o.onConnect;
    this.closed = o.onClose;
    this.framer = new Framer(o.maxPacketSize || 4096);
    this.connectedAt = 0;
    this.lastRecv = 0;
    this.pingAt = -1;
    this.tokens = 0;
    this.connects = 0;
    this.savedAt = 0;
    this.restore();
  }

  /**
   * Starts a session on an OPEN transport: writes CONNECT (credentials are
   * asked for now) and, with `pipeline` on a clean session, the queued
   * messages and subscriptions right after it [MQTT 3.1.4]. Ignored unless
   * the client is closed. The outcome arrives as onConnect or onClose.
   */
  connect(transport: Transport, now: number): void {
    if (this.phase !== Phase.CLOSED) return;
    this.phase = Phase.CONNECTING;
    this.transport = transport;
    this.now = this.connectedAt = this.lastRecv = now;
    this.pingAt = -1;
    this.framer.reset();
    if (this.connects++ > 0) this.stats.reconnects++;
    const c = this.credentials ? this.credentials() : undefined;
    const packet = encodePacket({
      type: PacketType.CONNECT,
      clientId: this.clientId,
      cleanSession: this.cleanSession,
      keepAlive: this.keepAlive,
      will: this.will,
      username: c ? c.username : this.username,
      password: c ? c.password : this.password,
    });
    if (!packet) return this.close('BAD_CONNECT', undefined);
    this.send(packet);
    // Only a clean session is known in advance to start empty [MQTT-3.2.2-1].
    if (this.pipeline && this.cleanSession) {
      this.canSend = true;
      this.newSession();
      this.pump();
    }
  }

  /** Feeds received bytes (split anywhere). Never throws on bad input: it closes with PROTOCOL_ERROR. */
  onData(chunk: string, now: number): void {
    if (this.phase === Phase.CLOSED) return;
    this.now = this.lastRecv = now;
    // Any byte proves the link alive, not only PINGRESP (mqtt_as model).
    this.pingAt = -1;
    const framer = this.framer;
    framer.push(chunk);
    let p = framer.next();
    // handle() may close the connection: re-read the phase (TS keeps the narrowing).
    while (p && (this.phase as Phase) !== Phase.CLOSED) {
      this.handle(p);
      p = framer.next();
    }
    if (framer.error && (this.phase as Phase) !== Phase.CLOSED) this.close('PROTOCOL_ERROR', framer.error);
  }

  /** The host reports that the link was lost: reason CONNECTION_LOST. */
  onClose(now: number): void {
    this.now = now;
    this.transport = undefined;
    this.close('CONNECTION_LOST', undefined);
  }

  /**
   * Drives time (call about once a second): CONNACK timeout, keepalive
   * PINGREQ when nothing was sent or received for keepAlive seconds, dead
   * link when nothing arrives within pingTimeout of it, and periodic save.
   */
  tick(now: number): void {
    this.now = now;
    const ka = this.keepAlive * 1000;
    if (this.phase === Phase.CONNECTING && now - this.connectedAt >= this.connectTimeout) {
      this.close('CONNACK_TIMEOUT', undefined);
    } else if (this.phase === Phase.CONNECTED && ka > 0) {
      if (this.pingAt >= 0) {
        if (now - this.pingAt >= this.pingTimeout) this.close('KEEPALIVE_TIMEOUT', undefined);
      } else if (now - this.lastSent >= ka || now - this.lastRecv >= ka) {
        // [MQTT-3.1.2-23]; pinging on silence from the broker also catches half-open TCP.
        this.send(chr(PacketType.PINGREQ * 16) + chr(0));
        this.pingAt = now;
      }
    }
    if (this.dirty && this.saveInterval > 0 && now - this.savedAt >= this.saveInterval) this.save();
  }

  /**
   * Publishes `payload` (byte string) to `topic`. Returns a token (> 0) when
   * accepted: QoS 0 is written at once, QoS 1/2 enter the outbox and later
   * reach onPublishDone with the record carrying this token. Returns a
   * PublishError code when refused; never throws.
   */
  publish(topic: string, payload: string, qos: QoS, retain: boolean): number | PublishError {
    const packet = encodePublish(topic, payload, qos, retain, false, 1);
    let code = topicError(topic);
    if (!code && packet && qos === 0 && !this.canSend) code = 'NOT_CONNECTED';
    if (!code && packet && qos > 0 && packet.length > this.outbox.maxBytes) code = 'TOO_LARGE';
    if (code || !packet) return this.reject(code || 'STRING_TOO_LONG');
    if (qos === 0) {
      this.send(packet);
    } else {
      const m: OutMessage = { token: this.tokens + 1, topic: topic, payload: payload, qos: qos, retain: retain, packetId: 0, state: MsgState.QUEUED, size: packet.length };
      if (!this.outbox.admit(m)) return this.reject('OUTBOX_FULL');
      m.packetId = this.allocId();
      this.dirty = true;
      this.pump();
    }
    this.stats.published++;
    return ++this.tokens;
  }

  /** Counts a refused publish() and returns its code. */
  private reject(code: PublishError): PublishError {
    this.stats.rejected++;
    return code;
  }

  /**
   * Subscribes to `filter` at `qos`; `handler` (optional) receives the
   * matching messages. The subscription is remembered and re-sent when a
   * session is lost; SUBACK reaches onSubscribed. Returns 'BAD_FILTER' for an
   * invalid or unencodable filter, else undefined.
   */
  subscribe(filter: string, qos: QoS, handler: MessageHandler | undefined): 'BAD_FILTER' | undefined {
    const id = this.allocId();
    const packet = validFilter(filter)
      ? encodePacket({ type: PacketType.SUBSCRIBE, packetId: id, subscriptions: [{ topic: filter, qos: qos }] })
      : undefined;
    if (!packet) return 'BAD_FILTER';
    const sub = this.router.add(filter, qos, handler);
    sub.granted = -1;
    if (this.canSend) {
      sub.packetId = id;
      this.send(packet);
    }
    return undefined;
  }

  /**
   * Forgets `filter` locally and, when connected, sends UNSUBSCRIBE. Offline
   * on a persistent session the broker keeps the subscription: its messages
   * then reach onMessage. Returns false when `filter` was not subscribed.
   */
  unsubscribe(filter: string): boolean {
    if (!this.router.remove(filter)) return false;
    if (this.canSend) {
      const id = this.allocId();
      this.unsubIds.push(id);
      this.send(encodePacket({ type: PacketType.UNSUBSCRIBE, packetId: id, topics: [filter] }) || '');
    }
    return true;
  }

  /** Sends DISCONNECT (so the broker discards the will) and closes: reason DISCONNECTED. */
  disconnect(): void {
    if (this.phase === Phase.CLOSED) return;
    this.send(chr(PacketType.DISCONNECT * 16) + chr(0));
    this.close('DISCONNECTED', undefined);
  }

  /** Writes the outbox and next packet id to the store now (one flash write). No-op without a store. */
  save(): void {
    if (!this.store) return;
    this.store.save(this.storeKey, serialiseOutbox(this.nextId, this.outbox.msgs));
    this.dirty = false;
    this.savedAt = this.now;
  }

  /** Reloads what save() wrote, before any connection; new tokens are assigned. */
  private restore(): void {
    const data = this.store ? this.store.load(this.storeKey) : undefined;
    const r = data ? restoreOutbox(data) : undefined;
    if (!r) return;
    this.nextId = r.nextId;
    for (const m of r.msgs) {
      m.token = ++this.tokens;
      this.outbox.msgs.push(m);
      this.outbox.bytes += m.size;
    }
  }

  /** Ends the connection once: closes the transport, then reports onClose. */
  private close(reason: CloseReason, detail: CodecError | undefined): void {
    if (this.phase === Phase.CLOSED) return;
    this.phase = Phase.CLOSED;
    this.canSend = false;
    this.closeReason = reason;
    this.lastError = detail;
    const t = this.transport;
    this.transport = undefined;
    if (t) t.close();
    if (this.closed) this.closed(reason, detail);
  }

  /** Reacts to one inbound packet. */
  private handle(p: Packet): void {
    // The first packet from the broker must be CONNACK [MQTT-3.2.0-1].
    if ((this.phase === Phase.CONNECTING) !== (p.type === PacketType.CONNACK)) return this.close('PROTOCOL_ERROR', undefined);
    switch (p.type) {
      case PacketType.CONNACK:
        return this.connack(p);
      case PacketType.PUBLISH:
        return this.receive(p);
      case PacketType.PUBACK:
        return this.complete(p.packetId, MsgState.AWAIT_PUBACK);
      case PacketType.PUBREC: {
        const m = this.outbox.find(p.packetId, MsgState.AWAIT_PUBREC);
        if (m) m.state = MsgState.AWAIT_PUBCOMP;
        this.dirty = true;
        // A repeated PUBREC is answered again [MQTT-4.3.3-2 (sender side)].
        return this.send(encodeAck(PacketType.PUBREL, p.packetId));
      }
      case PacketType.PUBCOMP:
        return this.complete(p.packetId, MsgState.AWAIT_PUBCOMP);
      case PacketType.PUBREL: {
        const i = this.inbound.indexOf(p.packetId);
        if (i >= 0) this.inbound.splice(i, 1);
        return this.send(encodeAck(PacketType.PUBCOMP, p.packetId));
      }
      case PacketType.SUBACK:
        return this.suback(p);
      case PacketType.UNSUBACK: {
        const j = this.unsubIds.indexOf(p.packetId);
        if (j >= 0) this.unsubIds.splice(j, 1);
        return;
      }
      case PacketType.PINGRESP:
        return;
    }
    // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT never come from a broker.
    this.close('PROTOCOL_ERROR', undefined);
  }

  /** CONNACK: refusal closes; acceptance resumes or restarts the session. */
  private connack(p: Connack): void {
    if (p.returnCode !== 0) return this.close(REFUSED[p.returnCode - 1], undefined);
    const early = this.canSend;
    this.phase = Phase.CONNECTED;
    this.canSend = true;
    this.stats.connacks++;
    if (!early) {
      if (p.sessionPresent && !this.cleanSession) this.resend();
      else this.newSession();
    }
    this.pump();
    if (this.connected) this.connected(p.sessionPresent);
  }

}

/** Creates a client from `options` (a factory for Lua hosts, which cannot `new`). Throws only for a missing clientId. */
export function createClient(options: ClientOptions): MqttClient {
  if (typeof options.clientId !== 'string') throw 'clientId required';
  return new MqttClient(options);
}

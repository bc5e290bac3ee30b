/**
 * The MQTT 3.1.1 client engine (connection half; session.ts holds the session
 * half): a portable core driven by its host through
 * connect(transport, now), onData(chunk, now), onClose(now) and tick(now).
 * It never reaches a global: time arrives as `now` (ms), bytes go out through
 * the Transport, persistence through the Store. It never loses an accepted
 * QoS 1/2 message silently: each one stays in the outbox until PUBACK/PUBCOMP
 * or an overflow drop, and both end in onPublishDone.
 */
import { decodeFromBroker } from './decode';
import { CodecError } from './errors';
import { encodeAck, encodeConnect, encodePublish } from './encode';
import { Framer } from './framer';
import { ClientOptions, CloseReason, orDefault, PublishError } from './options';
import { MsgState, OutMessage } from './outbox';
import { Connack, Packet, PacketType, QoS, Will } from './packets';
import { restoreOutbox, serialiseOutbox } from './persist';
import { topicNameError } from './router';
import { Phase, Session } from './session';
import { Store, Transport } from './transport';
import { chr } from './utf8';

export { Phase };

/** The client: the connection half on top of Session (see the file comment). */
export class MqttClient extends Session {
  /** Why the last connection ended (read by the supervisor). */
  closeReason: CloseReason | undefined;
  /** The codec code behind the last PROTOCOL_ERROR, else undefined. */
  lastError: CodecError | undefined;
  private clientId_: string;
  private keepAlive_: number;
  private pingTimeout_: number;
  private connectTimeout_: number;
  /** Kept for every CONNECT: reconnects need the will and static credentials again. */
  private will_: Will | undefined;
  private username_: string | undefined;
  private password_: string | undefined;
  private credentials_: ClientOptions['credentials'];
  private pipeline_: boolean;
  private store_: Store | undefined;
  private storeKey_: string;
  private saveInterval_: number;
  private connected_: ClientOptions['onConnect'];
  private closed_: ClientOptions['onClose'];
  private framer_: Framer;
  /** When the last CONNECT was written; -1 before the first (counts reconnects). */
  private connectedAt_: number;
  private lastRecv_: number;
  /** When the unanswered PINGREQ was written, -1 when none is pending. */
  private pingAt_: number;
  private tokens_: number;
  private savedAt_: number;

  /** Reads `o` once; see ClientOptions for defaults. Restores a saved outbox from o.store. */
  constructor(o: ClientOptions) {
    super(o);
    const keepAlive = orDefault(o.keepAlive, 60);
    this.closeReason = undefined;
    this.lastError = undefined;
    this.clientId_ = o.clientId;
    this.keepAlive_ = keepAlive;
    this.pingTimeout_ = orDefault(o.pingTimeout, keepAlive * 1500);
    this.connectTimeout_ = orDefault(o.connectTimeout, 10000);
    this.will_ = o.will;
    this.username_ = o.username;
    this.password_ = o.password;
    this.credentials_ = o.credentials;
    this.pipeline_ = o.pipeline === true;
    this.store_ = o.store;
    this.storeKey_ = orDefault(o.storeKey, 'mqtt.outbox');
    this.saveInterval_ = orDefault(o.saveIntervalMs, 0);
    this.connected_ = o.onConnect;
    this.closed_ = o.onClose;
    this.framer_ = new Framer(orDefault(o.maxPacketSize, 4096), decodeFromBroker);
    this.connectedAt_ = -1;
    this.lastRecv_ = 0;
    this.pingAt_ = -1;
    this.tokens_ = 0;
    this.savedAt_ = 0;
    // Reload what save() wrote, before any connection; new tokens are assigned.
    const data = this.store_ ? this.store_.load(this.storeKey_) : undefined;
    if (data !== undefined) this.nextId_ = restoreOutbox(data, this.outbox, this.nextId_);
    for (const m of this.outbox.msgs) m.token = ++this.tokens_;
  }

  /**
   * Starts a session on an OPEN transport: writes CONNECT (credentials are
   * asked for now) and, with `pipeline` on a clean session, the queued
   * messages and subscriptions right after it [MQTT 3.1.4]. Ignored unless
   * the client is closed. The outcome arrives as onConnect or onClose.
   */
  connect(transport: Transport, now: number): void {
    if (this.phase !== Phase.CLOSED) return;
    if (this.connectedAt_ >= 0) this.stats.reconnects++;
    this.phase = Phase.CONNECTING;
    this.transport_ = transport;
    this.now_ = this.connectedAt_ = this.lastRecv_ = now;
    this.pingAt_ = -1;
    this.framer_.reset();
    const c = this.credentials_ ? this.credentials_() : undefined;
    const packet = encodeConnect({
      type: PacketType.CONNECT,
      clientId: this.clientId_,
      cleanSession: this.cleanSession_,
      keepAlive: this.keepAlive_,
      will: this.will_,
      username: c ? c.username : this.username_,
      password: c ? c.password : this.password_,
    });
    if (packet === undefined) return this.close_('BAD_CONNECT');
    this.send_(packet);
    // Only a clean session is known in advance to start empty [MQTT-3.2.2-1].
    if (this.pipeline_ && this.cleanSession_) {
      this.canSend_ = true;
      this.startSession_(false);
      this.pump_(false);
    }
  }

  /** Feeds received bytes (split anywhere). Never throws on bad input: it closes with PROTOCOL_ERROR. */
  onData(chunk: string, now: number): void {
    if (this.phase === Phase.CLOSED) return;
    this.now_ = this.lastRecv_ = now;
    // Any byte proves the link alive, not only PINGRESP (mqtt_as model).
    this.pingAt_ = -1;
    const framer = this.framer_;
    framer.push(chunk);
    let p = framer.next();
    // handle_() may close the connection: re-read the phase (TS keeps the narrowing).
    while (p && (this.phase as Phase) !== Phase.CLOSED) {
      this.handle_(p);
      p = framer.next();
    }
    if (framer.error !== undefined) this.close_('PROTOCOL_ERROR', framer.error);
  }

  /** The host reports that the link was lost: reason CONNECTION_LOST. */
  onClose(now: number): void {
    this.now_ = now;
    this.transport_ = undefined;
    this.close_('CONNECTION_LOST');
  }

  /**
   * Drives time (call about once a second): CONNACK timeout, keepalive
   * PINGREQ when nothing was sent or received for keepAlive seconds, dead
   * link when nothing arrives within pingTimeout of it, and periodic save.
   */
  tick(now: number): void {
    this.now_ = now;
    const ka = this.keepAlive_ * 1000;
    if (this.phase === Phase.CONNECTING && now - this.connectedAt_ >= this.connectTimeout_) {
      this.close_('CONNACK_TIMEOUT');
    } else if (this.phase === Phase.CONNECTED && ka > 0) {
      if (this.pingAt_ >= 0) {
        if (now - this.pingAt_ >= this.pingTimeout_) this.close_('KEEPALIVE_TIMEOUT');
      } else if (now - this.lastSent_ >= ka || now - this.lastRecv_ >= ka) {
        // [MQTT-3.1.2-23]; pinging on silence from the broker also catches half-open TCP.
        this.send_(chr(PacketType.PINGREQ * 16) + chr(0));
        this.pingAt_ = now;
      }
    }
    if (this.dirty_ && this.saveInterval_ > 0 && now - this.savedAt_ >= this.saveInterval_) this.save();
  }

  /**
   * Publishes `payload` (byte string) to `topic`. Returns a token (> 0) when
   * accepted: QoS 0 is written at once, QoS 1/2 enter the outbox and later
   * reach onPublishDone with the record carrying this token. Returns a
   * PublishError code when refused; never throws.
   */
  publish(topic: string, payload: string, qos: QoS, retain: boolean): number | PublishError {
    const packet = encodePublish(topic, payload, qos, retain, false, 1);
    let code: PublishError | undefined = topicNameError(topic);
    if (code === undefined && packet === undefined) code = 'STRING_TOO_LONG';
    if (code === undefined && packet !== undefined) {
      if (qos === 0 && !this.canSend_) code = 'NOT_CONNECTED';
      else if (qos > 0 && packet.length > this.maxBytes_) code = 'TOO_LARGE';
      else if (qos === 0) this.send_(packet);
      else {
        const m: OutMessage = { token: this.tokens_ + 1, topic: topic, payload: payload, qos: qos, retain: retain, packetId: 0, state: MsgState.QUEUED, size: packet.length };
        if (!this.admit_(m)) code = 'OUTBOX_FULL';
        else {
          m.packetId = this.allocId_();
          this.dirty_ = true;
          this.pump_(false);
        }
      }
    }
    if (code !== undefined) {
      this.stats.rejected++;
      return code;
    }
    this.stats.published++;
    return ++this.tokens_;
  }

  /** Sends DISCONNECT (so the broker discards the will) and closes: reason DISCONNECTED. */
  disconnect(): void {
    if (this.phase === Phase.CLOSED) return;
    this.send_(chr(PacketType.DISCONNECT * 16) + chr(0));
    this.close_('DISCONNECTED');
  }

  /** Writes the outbox and next packet id to the store now (one flash write). No-op without a store. */
  save(): void {
    if (!this.store_) return;
    this.store_.save(this.storeKey_, serialiseOutbox(this.nextId_, this.outbox.msgs));
    this.dirty_ = false;
    this.savedAt_ = this.now_;
  }

  /** Ends the connection once: closes the transport, then reports onClose. */
  private close_(reason: CloseReason, detail?: CodecError): void {
    if (this.phase === Phase.CLOSED) return;
    this.phase = Phase.CLOSED;
    this.canSend_ = false;
    this.closeReason = reason;
    this.lastError = detail;
    const t = this.transport_;
    this.transport_ = undefined;
    if (t) t.close();
    if (this.closed_) this.closed_(reason, detail);
  }

  /** Reacts to one inbound packet (decodeFromBroker passes only what a broker may send). */
  private handle_(p: Packet): void {
    // The first packet from the broker must be CONNACK [MQTT-3.2.0-1].
    if ((this.phase === Phase.CONNECTING) !== (p.type === PacketType.CONNACK)) return this.close_('PROTOCOL_ERROR');
    switch (p.type) {
      case PacketType.CONNACK:
        return this.connack_(p);
      case PacketType.PUBLISH:
        return this.receive_(p);
      case PacketType.PUBACK:
        return this.ack_(p.packetId, MsgState.AWAIT_PUBACK);
      case PacketType.PUBREC:
        this.ack_(p.packetId, MsgState.AWAIT_PUBREC);
        // A repeated PUBREC is answered again [MQTT-4.3.3-2 (sender side)].
        return this.send_(encodeAck(PacketType.PUBREL, p.packetId));
      case PacketType.PUBCOMP:
        return this.ack_(p.packetId, MsgState.AWAIT_PUBCOMP);
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

  /** CONNACK: refusal closes; acceptance resumes or restarts the session. */
  private connack_(p: Connack): void {
    if (p.returnCode !== 0) {
      // Close reasons for return codes 1..5 [MQTT 3.2.2.3]: a literal, so the strings stay in flash until needed.
      const refused: CloseReason[] = ['REFUSED_PROTOCOL_VERSION', 'REFUSED_IDENTIFIER', 'REFUSED_SERVER_UNAVAILABLE', 'REFUSED_BAD_CREDENTIALS', 'REFUSED_NOT_AUTHORIZED'];
      return this.close_(refused[p.returnCode - 1]);
    }
    const early = this.canSend_;
    this.phase = Phase.CONNECTED;
    this.canSend_ = true;
    this.stats.connacks++;
    const resume = p.sessionPresent && !this.cleanSession_;
    if (!early) this.startSession_(resume);
    this.pump_(!early && resume);
    if (this.connected_) this.connected_(p.sessionPresent);
  }
}

/** Creates a client from `options` (a factory for Lua hosts, which cannot `new`). Throws only for a missing clientId. */
export function createClient(options: ClientOptions): MqttClient {
  if (typeof options.clientId !== 'string') throw 'clientId required';
  return new MqttClient(options);
}

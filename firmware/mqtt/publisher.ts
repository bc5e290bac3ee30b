/**
 * The MQTT 3.1.1 client engine without subscriptions: connection (CONNECT,
 * CONNACK, keepalive, close), session (outbox, in-flight window, overflow
 * policy, resend or restart on reconnect, store) and publish, driven by its
 * host through connect(transport, now), onData(chunk, now), onClose(now) and
 * tick(now). It never reaches a global: time arrives as `now` (ms), bytes go
 * out through the Transport, persistence through the Store. It never loses
 * an accepted QoS 1/2 message silently: each one stays in the outbox until
 * PUBACK/PUBCOMP or a drop (overflow, restore limits), and each ends in
 * onPublishDone.
 *
 * A Publisher never subscribes, yet a persistent session made by an earlier
 * program may still route messages to it: inbound PUBLISH is acknowledged
 * (QoS 2 exactly once) and handed to onMessage. MqttClient (client.ts) adds
 * subscriptions on top; a publish-only bundle (the telemetry node) carries
 * none of that code. Members ending in `_` are internal: the device build
 * renames them to short names (esbuild mangleProps).
 */
import { decodeFromBroker } from './decode';
import { encodeAck, encodeConnect, encodePublish } from './encode';
import { Framer } from './framer';
import { ClientOptions, CloseDetail, CloseReason, Credentials, PublishError } from './options';
import { MsgState, OutMessage, Outbox, Overflow, PublishDone, PublishOutcome, Stats } from './outbox';
import { Limit, Packet, PacketType, QoS, Will } from './packets';
import { MessageHandler, topicNameError } from './router';
import { Store, Transport } from './transport';
import { encodeUtf8 } from './utf8';

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

/** The publish-only client (see the file comment); extended by MqttClient. */
export class Publisher {
  /** Read by the supervisor: 0 closed, 1 CONNECT written, 2 CONNACK accepted. */
  phase: Phase;
  stats: Stats;
  outbox: Outbox;
  /** Why the last connection ended (read by the supervisor). */
  closeReason: CloseReason | undefined;
  /**
   * What lies behind the last close reason (see CloseDetail), else undefined;
   * while connected, PACKET_TOO_LARGE once an oversized PUBLISH was skipped
   * (see stats.tooLarge; the connection stays up).
   */
  lastError: CloseDetail | undefined;
  protected cleanSession_: boolean;
  private maxInflight_: number;
  private maxMessages_: number;
  private maxBytes_: number;
  private overflow_: Overflow;
  private done_: PublishDone | undefined;
  private message_: MessageHandler | undefined;
  private transport_: Transport | undefined;
  /** True when PUBLISH/SUBSCRIBE may be written (after CONNACK, or pipelining). */
  protected canSend_: boolean;
  /** The time given by the host's last call (ms). */
  private now_: number;
  private lastSent_: number;
  private nextId_: number;
  /** Inbound QoS 2 packet ids delivered but not yet released [MQTT 4.3.3], oldest first. */
  private inbound_: number[];
  /** The outbox changed since the last save. */
  private dirty_: boolean;
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
    const keepAlive = o.keepAlive ?? 60;
    this.phase = Phase.CLOSED;
    this.stats = { published: 0, acked: 0, dropped: 0, rejected: 0, received: 0, reconnects: 0, connacks: 0, tooLarge: 0, thrown: 0 };
    this.outbox = { msgs: [], bytes: 0 };
    this.cleanSession_ = o.cleanSession !== false;
    this.maxInflight_ = o.maxInflight ?? 10;
    // More messages than packet ids could never all be in flight [MQTT-2.3.1-2].
    this.maxMessages_ = Math.min(o.maxMessages ?? 50, 65535);
    this.maxBytes_ = o.maxBytes ?? 8192;
    this.overflow_ = o.overflow ?? 'dropOldest';
    this.done_ = o.onPublishDone;
    this.message_ = o.onMessage;
    // closeReason, lastError and transport_ start unset: on Espruino even an
    // undefined member costs a heap block.
    this.canSend_ = false;
    this.now_ = 0;
    this.lastSent_ = 0;
    this.nextId_ = 1;
    this.inbound_ = [];
    this.dirty_ = false;
    this.clientId_ = o.clientId;
    this.keepAlive_ = keepAlive;
    this.pingTimeout_ = o.pingTimeout ?? keepAlive * 1500;
    this.connectTimeout_ = o.connectTimeout ?? 10000;
    this.will_ = o.will;
    this.username_ = o.username;
    this.password_ = o.password;
    this.credentials_ = o.credentials;
    this.pipeline_ = o.pipeline === true;
    this.store_ = o.store;
    this.storeKey_ = o.storeKey ?? 'mqtt.outbox';
    this.saveInterval_ = o.saveIntervalMs ?? 0;
    this.connected_ = o.onConnect;
    this.closed_ = o.onClose;
    this.framer_ = new Framer(o.maxPacketSize ?? 4096, decodeFromBroker);
    this.connectedAt_ = -1;
    this.lastRecv_ = 0;
    this.pingAt_ = -1;
    this.tokens_ = 0;
    this.savedAt_ = 0;
    // Reload what save() wrote (format there), before any connection; the
    // messages get new tokens. Data too short for the header restores
    // nothing; a corrupt tail (from a char above 255, which no byte string
    // holds, or an undecodable packet) is ignored, the messages before it are
    // kept. What the outbox limits cannot hold, and a repeated packet id, is
    // dropped and reported like an overflow drop: never silently.
    let data = this.store_ ? this.store_.load(this.storeKey_) : undefined;
    if (data === undefined) return;
    let end = 0;
    while (end < data.length && data.charCodeAt(end) < 256) end++;
    data = data.substring(0, end);
    if (end < 2) return;
    const id = data.charCodeAt(0) * 256 + data.charCodeAt(1);
    this.nextId_ = id > 0 ? id : 1;
    // PUBLISH and PUBREL are both packets a client decodes.
    const framer = new Framer(Limit.MAX_REMAINING_LENGTH, decodeFromBroker);
    framer.push(data.substring(2));
    const box = this.outbox;
    let released = 0;
    for (let p = framer.next(); p; p = framer.next()) {
      if (p.type === PacketType.PUBREL) released = p.packetId;
      if (p.type !== PacketType.PUBLISH || p.qos === 0) continue;
      let state = p.dup ? (p.qos === 1 ? MsgState.AWAIT_PUBACK : MsgState.AWAIT_PUBREC) : MsgState.QUEUED;
      // A PUBREL saved just before its QoS 2 PUBLISH marks it released.
      if (p.qos === 2 && released === p.packetId) state = MsgState.AWAIT_PUBCOMP;
      released = 0;
      // What counts against maxBytes: the encoded size (the DUP bit does not
      // change it). Decoded from bytes, the message always encodes again.
      const size = (encodePublish(p.topic, p.payload, p.qos, p.retain, false, p.packetId) as string).length;
      const m: OutMessage = { token: ++this.tokens_, topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, packetId: p.packetId, state: state, size: size };
      let fits = box.msgs.length < this.maxMessages_ && box.bytes + size <= this.maxBytes_;
      for (const k of box.msgs) if (k.packetId === m.packetId) fits = false;
      if (fits) {
        box.msgs.push(m);
        box.bytes += size;
      } else {
        this.stats.dropped++;
        this.dirty_ = true;
        if (this.done_) this.done_(m, 'DROPPED');
      }
    }
  }

  /**
   * Starts a session on an OPEN transport: writes CONNECT (credentials are
   * asked for now) and, with `pipeline`, queued messages right after it
   * [MQTT 3.1.4]: on a clean session all of them (and MqttClient's
   * subscriptions), on a persistent one QoS 0 and 1 only (see pump_). Ignored
   * unless the client is closed. The outcome arrives as onConnect or onClose
   * (BAD_CONNECT when CONNECT cannot be encoded or the provider threw).
   */
  connect(transport: Transport, now: number): void {
    if (this.phase !== Phase.CLOSED) return;
    if (this.connectedAt_ >= 0) this.stats.reconnects++;
    this.phase = Phase.CONNECTING;
    this.transport_ = transport;
    this.now_ = this.connectedAt_ = this.lastRecv_ = now;
    this.pingAt_ = -1;
    this.framer_.reset();
    let c: Credentials | undefined;
    try {
      c = this.credentials_ ? this.credentials_() : undefined;
    } catch {
      // No token yet, say: this attempt fails, the supervisor tries again later.
      return this.close_('BAD_CONNECT', 'CREDENTIALS_FAILED');
    }
    const packet = encodeConnect({
      type: PacketType.CONNECT,
      clientId: this.clientId_,
      cleanSession: this.cleanSession_,
      keepAlive: this.keepAlive_,
      will: this.will_,
      // Field by field: a provider that renews only the password (a JWT)
      // keeps the static user name, which a password requires [MQTT-3.1.2-22].
      username: (c && c.username) ?? this.username_,
      password: (c && c.password) ?? this.password_,
    });
    if (packet === undefined) return this.close_('BAD_CONNECT');
    this.send_(packet);
    if (this.pipeline_) {
      // A clean session is known in advance to start empty [MQTT-3.2.2-1].
      if (this.cleanSession_) this.startSession_(false);
      this.canSend_ = true;
      // On a persistent session messages in flight are re-sent (DUP=1): the
      // broker takes them as duplicates or, session lost, as new messages.
      this.pump_(this.cleanSession_ ? 3 : 1);
    }
  }

  /**
   * Feeds received bytes (split anywhere). Never throws: bad input closes
   * with PROTOCOL_ERROR, and an exception from an application callback run
   * meanwhile (onConnect, onMessage or a subscription handler, onPublishDone,
   * onSubscribed, onClose) is caught and counted in stats.thrown. CONNACK is
   * handled here: a refusal closes, an acceptance resumes or restarts the
   * session; every later packet goes to handle_.
   */
  onData(chunk: string, now: number): void {
    if (this.phase === Phase.CLOSED) return;
    this.now_ = this.lastRecv_ = now;
    // Any byte proves the link alive, not only PINGRESP (mqtt_as model).
    this.pingAt_ = -1;
    const framer = this.framer_;
    framer.push(chunk);
    let p = framer.next();
    // A packet may close the connection: re-read the phase (TS keeps the narrowing).
    while (p && (this.phase as Phase) !== Phase.CLOSED) {
      try {
        if ((this.phase === Phase.CONNECTING) !== (p.type === PacketType.CONNACK)) {
          // The first packet from the broker must be CONNACK, and only the first [MQTT-3.2.0-1].
          this.close_('PROTOCOL_ERROR');
        } else if (p.type === PacketType.CONNACK && p.returnCode !== 0) {
          // Close reasons for return codes 1..5 [MQTT 3.2.2.3]: a literal, so the strings stay in flash until needed.
          const refused: CloseReason[] = ['REFUSED_PROTOCOL_VERSION', 'REFUSED_IDENTIFIER', 'REFUSED_SERVER_UNAVAILABLE', 'REFUSED_BAD_CREDENTIALS', 'REFUSED_NOT_AUTHORIZED'];
          this.close_(refused[p.returnCode - 1]);
        } else if (p.type === PacketType.CONNACK) {
          // Pipelined (canSend_ already set): a clean session was started at
          // CONNECT; on a persistent one the QoS 1 messages are written, QoS 2
          // waited for this answer.
          const early = this.canSend_;
          const resume = p.sessionPresent && !this.cleanSession_;
          this.phase = Phase.CONNECTED;
          this.stats.connacks++;
          if (!early || !this.cleanSession_) this.startSession_(resume);
          this.canSend_ = true;
          this.pump_(!resume ? 3 : early ? 2 : 1);
          if (this.connected_) this.connected_(p.sessionPresent);
        } else {
          this.handle_(p);
        }
      } catch {
        // A callback threw. Not into the host: Espruino removes a throwing
        // socket `data` handler for good, and the rest of the chunk would go
        // unread. The packet was handled (handle_ still acknowledges a message
        // whose handler threw); a throw from onPublishDone skipped pump_.
        this.stats.thrown++;
        this.pump_(3);
      }
      p = framer.next();
    }
    if (framer.error !== undefined) {
      try {
        this.close_('PROTOCOL_ERROR', framer.error);
      } catch {
        this.stats.thrown++;
      }
    }
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
        this.send_(String.fromCharCode(PacketType.PINGREQ * 16, 0));
        this.pingAt_ = now;
      }
    }
    if (this.dirty_ && this.saveInterval_ > 0 && now - this.savedAt_ >= this.saveInterval_) this.save();
  }

  /**
   * Publishes `payload` (byte string) to `topic`. Returns a token (> 0) when
   * accepted: QoS 0 is written at once, QoS 1/2 enter the outbox and later
   * reach onPublishDone with the record carrying this token. Returns a
   * PublishError code when refused; never throws. The message is encoded
   * here, so nothing that cannot be written is ever accepted.
   */
  publish(topic: string, payload: string, qos: QoS, retain: boolean): number | PublishError {
    const packet = encodePublish(topic, payload, qos, retain, false, 1);
    const size = packet === undefined ? 0 : packet.length;
    const maxBytes = this.maxBytes_;
    const box = this.outbox;
    let code: PublishError | undefined = typeof topic !== 'string' ? 'BAD_MESSAGE' : topicNameError(topic);
    if (code === undefined && packet === undefined) {
      // Why the encoder refused: the topic (ill-formed or too long), else the payload or QoS.
      const name: string | undefined = encodeUtf8(topic);
      code = name === undefined ? 'BAD_UTF8' : name.length > 65535 ? 'STRING_TOO_LONG' : 'BAD_MESSAGE';
    } else if (code === undefined && qos === 0 && !this.canSend_) {
      code = 'NOT_CONNECTED';
    } else if (code === undefined && qos > 0 && size > maxBytes) {
      code = 'TOO_LARGE';
    }
    // QoS 1/2: make room by the overflow policy, each victim counted and
    // reported through onPublishDone. Only QUEUED messages are ever dropped,
    // since a written PUBLISH may already be in the broker's session, and
    // only when dropping all of them would free enough bytes: nothing is
    // dropped for a message refused anyway. The count needs no such check:
    // one QUEUED victim is enough, and with none the loop below refuses.
    if (code === undefined && qos > 0 && (box.msgs.length >= this.maxMessages_ || box.bytes + size > maxBytes)) {
      let bytes = box.bytes + size;
      for (const m of box.msgs) if (m.state === MsgState.QUEUED) bytes -= m.size;
      if (this.overflow_ === 'reject' || bytes > maxBytes) code = 'OUTBOX_FULL';
    }
    const latest = this.overflow_ === 'latestPerTopic';
    while (code === undefined && qos > 0 && (box.msgs.length >= this.maxMessages_ || box.bytes + size > maxBytes)) {
      // The oldest QUEUED message, or under latestPerTopic the oldest on this topic.
      let victim: OutMessage | undefined;
      for (const m of box.msgs) {
        const better = victim === undefined || (latest && m.topic === topic && victim.topic !== topic);
        if (m.state === MsgState.QUEUED && better) victim = m;
      }
      // None: every message is in flight (or an onPublishDone call published meanwhile).
      if (victim === undefined) {
        code = 'OUTBOX_FULL';
      } else {
        this.stats.dropped++;
        this.finish_(victim, latest && victim.topic === topic ? 'REPLACED' : 'DROPPED');
      }
    }
    // Every id held (with MqttClient's pending SUBSCRIBEs) [MQTT-2.3.1-2].
    const id = code === undefined && qos > 0 ? this.allocId_() : 1;
    if (id === 0) code = 'OUTBOX_FULL';
    if (code !== undefined) {
      this.stats.rejected++;
      return code;
    }
    // The token is taken first: pump_ may call back into publish() (onPublishDone).
    const token = ++this.tokens_;
    this.stats.published++;
    if (qos === 0) {
      this.send_(packet);
    } else {
      box.msgs.push({ token: token, topic: topic, payload: payload, qos: qos, retain: retain, packetId: id, state: MsgState.QUEUED, size: size });
      box.bytes += size;
      this.dirty_ = true;
      this.pump_(3);
    }
    return token;
  }

  /** Sends DISCONNECT (so the broker discards the will) and closes: reason DISCONNECTED. */
  disconnect(): void {
    if (this.phase === Phase.CLOSED) return;
    this.send_(String.fromCharCode(PacketType.DISCONNECT * 16, 0));
    this.close_('DISCONNECTED');
  }

  /**
   * Writes the outbox and next packet id to the store now (one flash write),
   * so that unacknowledged messages survive deep sleep and reboots; the
   * constructor reads them back. Returns true once written; false without a
   * store or when the store refused (the outbox stays marked unsaved, and the
   * periodic save tries again an interval later). The format reuses the codec
   * instead of JSON (absent from the portable core):
   *
   *   2 bytes   next packet id, big-endian
   *   then, for each message in outbox order:
   *     PUBREL(packetId)   only if the message is AWAIT_PUBCOMP (released)
   *     PUBLISH            DUP=1 when it was already written (AWAIT_*), else DUP=0
   *
   * A QoS 2 message keeps its PUBLISH after PUBREL so that it can be
   * re-published if the broker session turns out to be lost.
   */
  save(): boolean {
    if (!this.store_) return false;
    let data = String.fromCharCode(Math.floor(this.nextId_ / 256), this.nextId_ % 256);
    for (const m of this.outbox.msgs) {
      if (m.state === MsgState.AWAIT_PUBCOMP) data += encodeAck(PacketType.PUBREL, m.packetId);
      // Every message was validated by publish(), so each encodes.
      data += encodePublish(m.topic, m.payload, m.qos, m.retain, m.state !== MsgState.QUEUED, m.packetId) as string;
    }
    this.savedAt_ = this.now_;
    if (this.store_.save(this.storeKey_, data) !== 'OK') return false;
    this.dirty_ = false;
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
   * Starts an accepted session. `resume` (sessionPresent on a persistent
   * session): nothing to forget; the unfinished messages are then re-sent by
   * pump_. Otherwise the broker holds no state for us: forget inbound QoS 2
   * ids and make every unfinished message QUEUED so that it is re-published
   * as new (a QoS 2 message past PUBREC too: its PUBREL means nothing to the
   * new session, and re-publishing risks a duplicate rather than a loss).
   * Except, when PUBLISH was already written on this connection (canSend_,
   * pipelining), QoS 1 messages: the new session received them as new, so
   * they only await PUBACK. MqttClient overrides this to re-subscribe.
   */
  protected startSession_(resume: boolean): void {
    if (resume) return;
    this.inbound_ = [];
    for (const m of this.outbox.msgs) if (!this.canSend_ || m.qos === 2) m.state = MsgState.QUEUED;
  }

  /**
   * Writes QUEUED messages in order while the in-flight window has room,
   * first re-sending in place each message in flight whose QoS is at least
   * `resend` (1 all, 2 QoS 2 only, 3 none): PUBLISH with DUP=1 and the same
   * id, or PUBREL past PUBREC, in the original order [MQTT-4.4.0-1]. Before
   * CONNACK on a persistent session (pipelining) QoS 2 waits, and so goes
   * after later QoS 1 messages: a PUBREL for a session the broker lost would
   * be answered with PUBCOMP and complete a message never delivered. A
   * message that cannot be encoded (publish() and the restore validate, so
   * only a broken outbox) ends as BAD_MESSAGE rather than hold the window
   * unwritten.
   */
  private pump_(resend: number): void {
    if (!this.canSend_) return;
    const msgs = this.outbox.msgs;
    const hold = this.phase === Phase.CONNECTING && !this.cleanSession_;
    let n = 0;
    for (const m of msgs) if (m.state !== MsgState.QUEUED) n++;
    let bad: OutMessage | undefined;
    for (const m of msgs) {
      if (hold && m.qos === 2) continue;
      const queued = m.state === MsgState.QUEUED;
      if (!queued && m.qos >= resend && m.state === MsgState.AWAIT_PUBCOMP) {
        this.send_(encodeAck(PacketType.PUBREL, m.packetId));
      } else if (queued ? n < this.maxInflight_ : m.qos >= resend) {
        const packet = encodePublish(m.topic, m.payload, m.qos, m.retain, !queued, m.packetId);
        if (packet === undefined) {
          bad = m;
        } else {
          if (queued) n++;
          this.send_(packet);
          // Moves to the state awaiting the broker's answer.
          m.state = m.qos === 1 ? MsgState.AWAIT_PUBACK : MsgState.AWAIT_PUBREC;
          this.dirty_ = true;
        }
      }
    }
    if (bad) {
      this.stats.dropped++;
      this.finish_(bad, 'BAD_MESSAGE');
      this.pump_(3);
    }
  }

  /** Removes `msg` from the outbox and reports `outcome` for it. */
  private finish_(msg: OutMessage, outcome: PublishOutcome): void {
    const box = this.outbox;
    box.msgs.splice(box.msgs.indexOf(msg), 1);
    box.bytes -= msg.size;
    this.dirty_ = true;
    if (this.done_) this.done_(msg, outcome);
  }

  /**
   * Reacts to one inbound packet of an accepted session (onData handles
   * CONNACK; decodeFromBroker passes only what a broker may send). One
   * method rather than one per packet type: on Espruino every function
   * costs heap. What the session does not consume goes to receive_.
   */
  private handle_(p: Packet): void {
    switch (p.type) {
      case PacketType.PUBLISH: {
        // QoS 2 is delivered once per packet id until PUBREL [MQTT 4.3.3]
        // (within Inbound.QOS2_LIMIT, and within one run: the ids are not
        // stored). The id is noted before delivery: a handler that throws
        // has had its one delivery.
        const inbound = this.inbound_;
        const from = this.transport_;
        if (p.qos === 2) {
          if (inbound.indexOf(p.packetId) >= 0) return this.send_(encodeAck(PacketType.PUBREC, p.packetId));
          if (inbound.length >= Inbound.QOS2_LIMIT) inbound.shift();
          inbound.push(p.packetId);
        }
        try {
          if (p.topic === '') {
            // The framer's mark of an oversized PUBLISH it skipped: the broker
            // would re-send it on every connection, so it is acknowledged,
            // counted and reported, never delivered.
            this.stats.tooLarge++;
            this.lastError = 'PACKET_TOO_LARGE';
          } else {
            this.stats.received++;
            this.receive_(p);
          }
        } finally {
          // Acknowledge after delivery, even if a handler threw (onData
          // catches it), and only on the connection it came from.
          if (p.qos > 0 && this.phase !== Phase.CLOSED && this.transport_ === from) {
            this.send_(encodeAck(p.qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, p.packetId));
          }
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
              this.pump_(3);
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
      default:
        this.receive_(p);
    }
  }

  /**
   * Takes what handle_ passes up: an application message (a QoS 2 duplicate
   * already filtered out; acknowledged once this returns), or a packet the
   * session does not use (PINGRESP; SUBACK and UNSUBACK, which a Publisher
   * never asked for). Messages go to onMessage. The one place where
   * MqttClient adds routing and SUBACK/UNSUBACK handling.
   */
  protected receive_(p: Packet): void {
    if (p.type === PacketType.PUBLISH && this.message_) this.message_(p.topic, p.payload, p.qos, p.retain);
  }

  /**
   * Next free packet id in 1..65535, skipping ids held by an outbox message
   * [MQTT-2.3.1-2]; 0 if all are taken. MqttClient also skips the ids of
   * its pending SUBSCRIBE and UNSUBSCRIBE packets.
   */
  protected allocId_(): number {
    for (let n = 0; n < 65535; n++) {
      const id = this.nextId_;
      this.nextId_ = id >= 65535 ? 1 : id + 1;
      let used = false;
      for (const m of this.outbox.msgs) if (m.packetId === id) used = true;
      if (!used) return id;
    }
    return 0;
  }

  /** Ends the connection once: closes the transport, then reports onClose. */
  private close_(reason: CloseReason, detail?: CloseDetail): void {
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
}

/**
 * Creates a publish-only client from `options` (a factory for Lua hosts,
 * which cannot `new`): MqttClient's API without subscribe/unsubscribe;
 * onSubscribed is never called and every inbound message goes to onMessage.
 * Throws only for a missing clientId.
 */
export function createPublisher(options: ClientOptions): Publisher {
  if (typeof options.clientId !== 'string') throw 'clientId required';
  return new Publisher(options);
}

/**
 * The telemetry node: joins Wi-Fi, keeps an MQTT session to the broker,
 * takes a reading every `interval` seconds and publishes it with QoS 1.
 *
 * Topics (prefix = topicPrefix/nodeId):
 *   prefix/status     "online" / "offline", retained, QoS 1; the will says
 *                     "offline" when the node vanishes without DISCONNECT.
 *   prefix/telemetry  one JSON record per reading (reading.ts), QoS 1, with a
 *                     `seq` that grows by one per reading and is never reused.
 *
 * Continuous mode ticks once a second. Deep-sleep mode takes one reading
 * per wake, queued between "online" and "offline" and written with CONNECT
 * (pipelined), waits until the outbox is empty (or the awake budget is
 * spent), saves what is still unacknowledged to flash and sleeps `interval`
 * seconds.
 *
 * Sequence numbers survive reboots and power loss without a flash write per
 * reading: the Storage file node.seq holds a ceiling, a number no reading
 * has used yet. Numbers are handed out below it; when they run out, a new
 * ceiling SEQ_RESERVE higher is written first. After an unplanned reset
 * the node resumes at the stored ceiling, so a consumer sees a gap (at most
 * SEQ_RESERVE) but never a repeat. Before a deep sleep the exact next
 * number is stored, so a sleeping node leaves no gaps.
 *
 * The node is also the broker link: the NetListener of every connection it
 * opens, forwarding only the events of the current one (a late event of a
 * connection the client already gave up on cannot disturb the next), the
 * WifiListener. The board's Storage is the client's outbox Store.
 *
 * RAM (ESP8266: 1600 blocks): every function costs ~5 blocks even when its
 * body runs from flash, and every member 1..2, so the node is one object
 * whose methods serve as listeners; it keeps only the config values it
 * needs after start (the config object itself is dropped); the only
 * closures are made once: `open` for the supervisor and one `onEvent` for
 * the client's callbacks, the supervisor's give-up and the periodic tick.
 * Members end in `_` (mangled to short names).
 */
import type { Hal } from '../hal/index';
import { LogLevel } from '../hal/log';
import type { Connection, NetError, NetListener, NetOptions } from '../hal/transport';
import type { WifiError, WifiListener } from '../hal/wifi';
import { Phase, Publisher } from '../mqtt/publisher';
import type { CloseReason } from '../mqtt/options';
import type { OutMessage, PublishOutcome } from '../mqtt/outbox';
import { Supervisor, SupervisorState } from '../mqtt/supervisor';
import type { NodeConfig, SensorConfig } from './config';
import { reading } from './reading';

/** Timing and flash constants. Const enums: the build writes the values where they are used, no variable in RAM. */
const enum Timing {
  TICK_MS = 1000,
  /** Deep-sleep mode: longest time awake per wake-up before sleeping anyway. */
  AWAKE_BUDGET_MS = 30000,
  /** Continuous mode: how often a changed outbox is written to flash. */
  SAVE_INTERVAL_MS = 300000,
  /** Readings covered by one flash write of the sequence number ceiling. */
  SEQ_RESERVE = 100,
}

const enum File {
  /** The sequence number ceiling. */
  SEQ = 'node.seq',
  /** The config, when none was embedded at build time. */
  CONFIG = 'node.json',
}

export class TelemetryNode implements NetListener, WifiListener {
  hal: Hal;
  client: Publisher;
  supervisor: Supervisor;
  /** The sequence number the next reading gets. */
  seq: number;
  /** The ceiling stored in node.seq: no reading has used it yet (0: unknown after a failed write). */
  seqCeiling_: number;
  /** Seconds between readings (and of each deep sleep). */
  interval_: number;
  deepSleep_: boolean;
  sensors_: SensorConfig[];
  statusTopic_: string;
  telemetryTopic_: string;
  /** The connection handed to the client, or being opened; undefined between attempts. */
  current_: Connection | undefined;
  /** The code of the last network fault, for logs. */
  lastError_: string | undefined;
  /** False while the board has no network (Wi-Fi down): attempts then fail at once. */
  online_: boolean;
  /** Read at every attempt; its host is replaced by the supervisor's address. */
  options_: NetOptions;
  nextSampleAt_: number;
  awakeUntil_: number;
  sleeping_: boolean;
  bootAt_: number;
  /**
   * Builds the client and supervisor from `config` and STARTS: joins Wi-Fi
   * (where the board has it) or begins connecting, and schedules the one
   * periodic tick.
   */
  constructor(hal: Hal, config: NodeConfig) {
    // The closures below keep this scope alive: no locals but `node` and `onEvent`.
    const node = this;
    this.hal = hal;
    this.seq = parseInt(hal.storage.load(File.SEQ) || '', 10);
    if (!(this.seq > 0)) this.seq = 1;
    this.seqCeiling_ = this.seq;
    this.interval_ = config.interval;
    this.deepSleep_ = config.deepSleep;
    this.sensors_ = config.sensors;
    this.statusTopic_ = config.topicPrefix + '/' + config.nodeId + '/status';
    this.telemetryTopic_ = config.topicPrefix + '/' + config.nodeId + '/telemetry';
    // current_ and lastError_ start unset (an undefined member costs a block).
    this.online_ = true;
    // TLS material only when configured: every member costs RAM, even an undefined one.
    // No maxQueued: the board's Net sizes the RAM send queue to its heap.
    this.options_ = { host: config.broker.host, port: config.broker.port, tls: config.broker.tls };
    if (config.broker.ca !== undefined) this.options_.ca = config.broker.ca;
    if (config.broker.cert !== undefined) this.options_.cert = config.broker.cert;
    if (config.broker.key !== undefined) this.options_.key = config.broker.key;
    this.sleeping_ = false;
    /**
     * The one callback of the periodic tick (no argument), the supervisor's
     * give-up (a number) and the client's onConnect (a boolean), onClose (a
     * CloseReason string) and onPublishDone (the message): one function
     * instead of five.
     */
    const onEvent = function (
      a?: boolean | CloseReason | OutMessage | number,
      b?: PublishOutcome | string,
    ): void {
      if (a === undefined) return node.tick();
      if (typeof a === 'number') return node.sleepNow('broker unreachable');
      const log = hal.log;
      if (typeof a === 'boolean') {
        log.write(LogLevel.INFO, 'mqtt connected' + (a ? ' (session resumed)' : ''));
        // Deep-sleep mode queues its statuses with the reading (tick).
        if (node.deepSleep_) return;
        // One queued "online" is enough: on a flapping link unacknowledged
        // ones would otherwise fill a small outbox and crowd out readings.
        const msgs = node.client.outbox.msgs;
        for (let i = 0; i < msgs.length; i++) if (msgs[i].topic === node.statusTopic_ && msgs[i].payload === 'online') return;
        node.client.publish(node.statusTopic_, 'online', 1, true);
      } else if (typeof a === 'string') {
        const why = b || node.lastError_;
        log.write(LogLevel.WARN, 'mqtt closed: ' + a + (why ? ' (' + why + ')' : ''));
      } else if (b !== 'acked') {
        log.write(LogLevel.WARN, 'dropped ' + a.topic + ': ' + b);
      }
    };
    // Publish-only: the node never subscribes, so the bundle leaves out subscription code.
    this.client = new Publisher({
      clientId: config.nodeId,
      cleanSession: config.cleanSession,
      keepAlive: config.keepAlive,
      // After a deep-sleep wake the readings go right after CONNECT, not a round trip later.
      pipeline: config.deepSleep,
      will: { topic: this.statusTopic_, payload: 'offline', qos: 1, retain: true },
      username: config.broker.username,
      password: config.broker.password,
      maxMessages: hal.outboxMessages,
      maxBytes: hal.outboxBytes,
      store: hal.storage,
      saveIntervalMs: config.deepSleep ? 0 : Timing.SAVE_INTERVAL_MS,
      onConnect: onEvent,
      onClose: onEvent,
      onPublishDone: onEvent,
    });
    this.supervisor = new Supervisor({
      client: this.client,
      host: config.broker.host,
      // One connection attempt to `address`.
      open: function (address) {
        if (!node.online_) {
          node.lastError_ = 'OFFLINE';
          return node.supervisor.onOpenFailed('OFFLINE', hal.clock.now());
        }
        node.options_.host = address;
        // An attempt the supervisor timed out may still hang: free its socket.
        const stale = node.current_;
        node.current_ = hal.net.connect(node.options_, node);
        if (stale) stale.close();
      },
      random: Math.random,
      // Only deep-sleep mode gives up (budgetMs).
      budgetMs: config.deepSleep ? Timing.AWAKE_BUDGET_MS : 0,
      onGiveUp: config.deepSleep ? onEvent : undefined,
    });
    hal.log.write(LogLevel.INFO, 'node ' + config.nodeId + ' on ' + hal.board + ', seq ' + this.seq);
    this.bootAt_ = this.nextSampleAt_ = hal.clock.now();
    this.awakeUntil_ = this.bootAt_ + Timing.AWAKE_BUDGET_MS;
    if (hal.wifi && config.wifi) {
      this.online_ = false;
      hal.wifi.join(config.wifi.ssid, config.wifi.password, this);
    } else {
      this.supervisor.start(this.bootAt_);
    }
    hal.clock.every(onEvent, Timing.TICK_MS);
    // The closures above keep this scope for good: let the config object go
    // (what is still needed lives on in members, the client and the supervisor).
    config = undefined as unknown as NodeConfig;
  }

  /**
   * The once-a-second heartbeat: client and supervisor timers, watchdog,
   * sampling (a reading is queued with QoS 1: kept until the broker
   * acknowledges it) and, in deep-sleep mode, the sleep decision.
   */
  tick(): void {
    if (this.sleeping_) return;
    const hal = this.hal;
    const client = this.client;
    const now = hal.clock.now();
    if (hal.watchdog) hal.watchdog.kick();
    client.tick(now);
    this.supervisor.tick(now);
    if (now >= this.nextSampleAt_) {
      this.nextSampleAt_ = this.deepSleep_ ? Infinity : now + this.interval_ * 1000;
      // Deep-sleep mode: "online", the reading and "offline" (retained, QoS 1)
      // all go right after CONNECT (pipelined), so the wake ends after one
      // round trip. A status still in the outbox (an earlier wake's, restored
      // from flash) says it all already: failed wakes must not fill a small
      // outbox with statuses.
      let say = this.deepSleep_;
      const msgs = client.outbox.msgs;
      for (let i = 0; i < msgs.length; i++) if (msgs[i].topic === this.statusTopic_) say = false;
      if (say) client.publish(this.statusTopic_, 'online', 1, true);
      if (this.seq >= this.seqCeiling_) {
        // Espruino deletes the old file before writing the new one: after a
        // failed write flash may hold nothing. Then use no number until a new
        // ceiling is stored (the reading is skipped), and mark the ceiling
        // unknown (0) so that a deep sleep first stores the exact number.
        // (A power loss in that window can still restart at 1.)
        const ok = hal.storage.save(File.SEQ, '' + (this.seq + Timing.SEQ_RESERVE)) === 'OK';
        this.seqCeiling_ = ok ? this.seq + Timing.SEQ_RESERVE : 0;
      }
      const r = this.seq < this.seqCeiling_ ? client.publish(this.telemetryTopic_, reading(this, this.seq++, now), 1, false) : 'FLASH_WRITE_FAILED';
      if (typeof r === 'string') hal.log.write(LogLevel.ERROR, 'reading refused: ' + r);
      if (say) client.publish(this.statusTopic_, 'offline', 1, true);
    }
    if (!this.deepSleep_) return;
    // Sleep once everything is acknowledged, or anyway when the budget is spent.
    const pending = client.outbox.msgs.length;
    if (now >= this.awakeUntil_) return this.sleepNow('awake budget spent, ' + pending + ' unacknowledged');
    if (pending === 0 && client.phase === Phase.CONNECTED) this.sleepNow('all acknowledged');
  }

  /**
   * Deep-sleep mode: stores the exact next sequence number and the
   * unacknowledged messages, disconnects (DISCONNECT: no will) and sleeps.
   * When flash refuses either write, sleeping would lose them (RAM does not
   * survive deep sleep): the node stays awake and connected for another
   * awake budget instead, and tries again.
   */
  sleepNow(why: string): void {
    const hal = this.hal;
    const client = this.client;
    if (!this.deepSleep_ || !hal.sleep || this.sleeping_) return;
    let saved = true;
    if (this.seqCeiling_ !== this.seq) {
      saved = hal.storage.save(File.SEQ, '' + this.seq) === 'OK';
      // After a failed write flash may hold nothing (Espruino deletes the old
      // file first): 0 makes the next reading store a new ceiling first and
      // the next sleep write this number again.
      this.seqCeiling_ = saved ? this.seq : 0;
    }
    const now = hal.clock.now();
    if (saved && (client.save() || client.outbox.msgs.length === 0)) {
      this.sleeping_ = true;
      this.supervisor.stop();
      client.disconnect();
      hal.log.write(LogLevel.INFO, 'sleeping ' + this.interval_ + ' s: ' + why);
      if (hal.sleep.deepSleep(this.interval_) === undefined) return;
      hal.log.write(LogLevel.ERROR, 'deep sleep failed: staying awake ' + Timing.AWAKE_BUDGET_MS / 1000 + ' s more');
      this.sleeping_ = false;
      this.nextSampleAt_ = now;
    } else {
      hal.log.write(LogLevel.ERROR, 'flash write failed: staying awake ' + Timing.AWAKE_BUDGET_MS / 1000 + ' s more, ' + client.outbox.msgs.length + ' unacknowledged');
    }
    // Stay useful: another wake cycle (reconnect if needed, read, try again) rather than idle forever.
    this.awakeUntil_ = now + Timing.AWAKE_BUDGET_MS;
    if (this.supervisor.state === SupervisorState.IDLE) this.supervisor.start(now);
  }

  onWifiUp(ip: string): void {
    this.online_ = true;
    this.hal.log.write(LogLevel.INFO, 'wifi up ' + ip);
    const st = this.supervisor.state;
    // A node that was waiting only because it was offline tries at once.
    if (st === SupervisorState.IDLE || (st === SupervisorState.WAITING && this.lastError_ === 'OFFLINE')) {
      this.supervisor.start(this.hal.clock.now());
    }
  }

  onWifiDown(e: WifiError): void {
    this.online_ = false;
    this.hal.log.write(LogLevel.WARN, 'wifi down: ' + e.code);
  }

  onOpen(connection: Connection): void {
    if (connection !== this.current_) return connection.close();
    // Online again: a later refusal must keep its back-off (see onWifiUp).
    this.lastError_ = undefined;
    this.supervisor.onOpen(connection, this.hal.clock.now());
  }

  onOpenFailed(connection: Connection, error: NetError): void {
    if (connection !== this.current_) return;
    this.current_ = undefined;
    this.lastError_ = error.code;
    this.supervisor.onOpenFailed(error.code, this.hal.clock.now());
  }

  onData(connection: Connection, chunk: string): void {
    if (connection === this.current_) this.client.onData(chunk, this.hal.clock.now());
  }

  onClose(connection: Connection, error: NetError | undefined): void {
    if (connection !== this.current_) return;
    this.current_ = undefined;
    if (error) this.lastError_ = error.code;
    this.client.onClose(this.hal.clock.now());
  }
}

/**
 * Starts a telemetry node on `hal` (see TelemetryNode) with the config
 * embedded at build time or, when `embedded` is null, the one in the Storage
 * file node.json (already validated by the tool that wrote it). Board files
 * call this once; it returns the node for inspection in the console, or
 * undefined (and logs why) without a config.
 */
export function startNode(hal: Hal, embedded: NodeConfig | null): TelemetryNode | undefined {
  let config = embedded;
  if (!config) {
    const text = hal.storage.load(File.CONFIG);
    try {
      config = text ? (JSON.parse(text) as NodeConfig) : null;
    } catch {
      config = null;
    }
  }
  if (!config) {
    hal.log.write(LogLevel.ERROR, 'no config: build with --config, or write ' + File.CONFIG + ' to Storage');
    return undefined;
  }
  return new TelemetryNode(hal, config);
}

/**
 * The telemetry node: joins Wi-Fi, keeps an MQTT session to the broker,
 * takes a reading every `interval` seconds and publishes it with QoS 1.
 *
 * Topics (prefix = topicPrefix/nodeId):
 *   prefix/status     "online" / "offline", retained, QoS 1; the will says
 *                     "offline" when the node vanishes without DISCONNECT.
 *   prefix/telemetry  one JSON record per reading, QoS 1, with a `seq` that
 *                     grows by one per reading and is never reused.
 *
 * Continuous mode ticks once a second. Deep-sleep mode takes one reading
 * per wake, waits until the outbox is empty (or the awake budget is spent),
 * saves what is still unacknowledged to flash and sleeps `interval` seconds.
 *
 * The node is also the broker link: the NetListener of every connection it
 * opens, forwarding only the events of the current one (a late event of a
 * connection the client already gave up on cannot disturb the next), the
 * WifiListener. The board's Storage is the client's outbox Store.
 *
 * RAM (ESP8266: 1600 blocks): every function costs ~6 blocks even when its
 * body runs from flash, so the node is one object whose methods serve as
 * listeners; the only closures are the core's (this: void) callbacks and
 * the tick, made once. Members end in `_` (mangled to short names).
 */
import type { Hal } from '../hal/index';
import { LogLevel } from '../hal/log';
import type { Connection, NetError, NetListener, NetOptions } from '../hal/transport';
import type { WifiError, WifiListener } from '../hal/wifi';
import { createClient, MqttClient, Phase } from '../mqtt/client';
import { createSupervisor, Supervisor, SupervisorState } from '../mqtt/supervisor';
import type { NodeConfig } from './config';
import { reading } from './reading';
import { SeqCounter } from './seq';

const TICK_MS = 1000;
/** Deep-sleep mode: longest time awake per wake-up before sleeping anyway. */
const AWAKE_BUDGET_MS = 30000;
/** Continuous mode: how often a changed outbox is written to flash. */
const SAVE_INTERVAL_MS = 300000;

export class TelemetryNode implements NetListener, WifiListener {
  hal: Hal;
  config: NodeConfig;
  client: MqttClient;
  supervisor: Supervisor;
  seq: SeqCounter;
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
  saidOffline_: boolean;
  bootAt_: number;

  /** Builds the client and supervisor from `config`; nothing runs before start(). */
  constructor(hal: Hal, config: NodeConfig) {
    // The closures below keep this scope alive: no other locals here.
    const node = this;
    this.hal = hal;
    this.config = config;
    this.statusTopic_ = config.topicPrefix + '/' + config.nodeId + '/status';
    this.telemetryTopic_ = config.topicPrefix + '/' + config.nodeId + '/telemetry';
    this.seq = new SeqCounter(hal.storage, 'node.seq');
    this.current_ = undefined;
    this.lastError_ = undefined;
    this.online_ = true;
    // TLS material only when configured: every member costs RAM, even an undefined one.
    // No maxQueued: the board's Net sizes the RAM send queue to its heap.
    this.options_ = { host: config.broker.host, port: config.broker.port, tls: config.broker.tls };
    if (config.broker.ca !== undefined) this.options_.ca = config.broker.ca;
    if (config.broker.cert !== undefined) this.options_.cert = config.broker.cert;
    if (config.broker.key !== undefined) this.options_.key = config.broker.key;
    this.nextSampleAt_ = 0;
    this.awakeUntil_ = 0;
    this.sleeping_ = false;
    this.saidOffline_ = false;
    this.bootAt_ = 0;
    this.client = createClient({
      clientId: config.nodeId,
      cleanSession: config.cleanSession,
      keepAlive: config.keepAlive,
      will: { topic: this.statusTopic_, payload: 'offline', qos: 1, retain: true },
      username: config.broker.username,
      password: config.broker.password,
      maxMessages: hal.outboxMessages,
      maxBytes: hal.outboxBytes,
      store: hal.storage,
      saveIntervalMs: config.deepSleep ? 0 : SAVE_INTERVAL_MS,
      onConnect: function (sessionPresent) {
        hal.log.write(LogLevel.INFO, 'mqtt connected' + (sessionPresent ? ' (session resumed)' : ''));
        // One queued "online" is enough: on a flapping link unacknowledged
        // ones would otherwise fill a small outbox and crowd out readings.
        const msgs = node.client.outbox.msgs;
        for (let i = 0; i < msgs.length; i++) if (msgs[i].topic === node.statusTopic_ && msgs[i].payload === 'online') return;
        node.client.publish(node.statusTopic_, 'online', 1, true);
      },
      onClose: function (reason, detail) {
        const why = detail || node.lastError_;
        hal.log.write(LogLevel.WARN, 'mqtt closed: ' + reason + (why ? ' (' + why + ')' : ''));
      },
      onPublishDone: function (msg, outcome) {
        if (outcome !== 'acked') hal.log.write(LogLevel.WARN, 'dropped ' + msg.topic + ': ' + outcome);
      },
    });
    this.supervisor = createSupervisor({
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
      budgetMs: config.deepSleep ? AWAKE_BUDGET_MS : 0,
      // Only deep-sleep mode gives up (budgetMs): no closure otherwise.
      onGiveUp: config.deepSleep ? function () { node.sleepNow('broker unreachable'); } : undefined,
    });
  }

  /** Joins Wi-Fi (where the board has it), starts the session and the one periodic tick. */
  start(): void {
    const node = this;
    const hal = this.hal;
    const now = hal.clock.now();
    hal.log.write(LogLevel.INFO, 'node ' + this.config.nodeId + ' on ' + hal.board + ', seq ' + this.seq.next);
    this.bootAt_ = now;
    this.awakeUntil_ = now + AWAKE_BUDGET_MS;
    this.nextSampleAt_ = now;
    if (hal.wifi && this.config.wifi) {
      this.online_ = false;
      hal.wifi.join(this.config.wifi.ssid, this.config.wifi.password, this);
    } else {
      this.supervisor.start(now);
    }
    hal.clock.schedule(function () { node.tick(); }, TICK_MS, true);
  }

  /**
   * The once-a-second heartbeat: client and supervisor timers, watchdog,
   * sampling (a reading is queued with QoS 1: kept until the broker
   * acknowledges it) and, in deep-sleep mode, the sleep decision.
   */
  tick(): void {
    if (this.sleeping_) return;
    const hal = this.hal;
    const config = this.config;
    const client = this.client;
    const now = hal.clock.now();
    if (hal.watchdog) hal.watchdog.kick();
    client.tick(now);
    this.supervisor.tick(now);
    if (now >= this.nextSampleAt_) {
      this.nextSampleAt_ = config.deepSleep ? Infinity : now + config.interval * 1000;
      const seq = this.seq.take();
      const r = seq > 0 ? client.publish(this.telemetryTopic_, reading(hal, config, seq, now - this.bootAt_), 1, false) : 'FLASH_WRITE_FAILED';
      if (typeof r === 'string') hal.log.write(LogLevel.ERROR, 'reading refused: ' + r);
    }
    if (!config.deepSleep) return;
    // Once every reading is acknowledged, say "offline" (retained, QoS 1) and
    // sleep when that is acknowledged too; sleep anyway when the budget is spent.
    const pending = client.outbox.msgs.length;
    if (now >= this.awakeUntil_) return this.sleepNow('awake budget spent, ' + pending + ' unacknowledged');
    if (pending > 0 || client.phase !== Phase.CONNECTED) return;
    if (this.saidOffline_) return this.sleepNow('all acknowledged');
    this.saidOffline_ = true;
    client.publish(this.statusTopic_, 'offline', 1, true);
  }

  /**
   * Deep-sleep mode: saves the sequence number and the unacknowledged
   * messages, disconnects (DISCONNECT: no will) and sleeps.
   */
  sleepNow(why: string): void {
    const hal = this.hal;
    if (!this.config.deepSleep || !hal.sleep || this.sleeping_) return;
    this.sleeping_ = true;
    this.supervisor.stop();
    this.seq.persist();
    this.client.save();
    this.client.disconnect();
    hal.log.write(LogLevel.INFO, 'sleeping ' + this.config.interval + ' s: ' + why);
    if (hal.sleep.deepSleep(this.config.interval) !== undefined) {
      // Stay useful: run another wake cycle (reconnect, read, try again) rather than idle forever.
      const now = hal.clock.now();
      hal.log.write(LogLevel.ERROR, 'deep sleep failed: staying awake ' + AWAKE_BUDGET_MS / 1000 + ' s more');
      this.sleeping_ = false;
      this.saidOffline_ = false;
      this.awakeUntil_ = now + AWAKE_BUDGET_MS;
      this.nextSampleAt_ = now;
      this.supervisor.start(now);
    }
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

/** Storage file holding the config when none was embedded at build time. */
const CONFIG_FILE = 'node.json';

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
    const text = hal.storage.load(CONFIG_FILE);
    try {
      config = text ? (JSON.parse(text) as NodeConfig) : null;
    } catch {
      config = null;
    }
  }
  if (!config) {
    hal.log.write(LogLevel.ERROR, 'no config: build with --config, or write ' + CONFIG_FILE + ' to Storage');
    return undefined;
  }
  const node = new TelemetryNode(hal, config);
  node.start();
  return node;
}

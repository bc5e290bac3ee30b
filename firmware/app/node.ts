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
 */
import type { Hal } from '../hal/index';
import { LogLevel } from '../hal/log';
import { createClient, MqttClient, Phase } from '../mqtt/client';
import type { CloseReason } from '../mqtt/options';
import type { OutMessage, PublishOutcome } from '../mqtt/outbox';
import { createSupervisor, Supervisor, SupervisorState } from '../mqtt/supervisor';
import type { NodeConfig } from './config';
import { BrokerLink } from './link';
import { reading } from './reading';
import { SeqCounter } from './seq';

const TICK_MS = 1000;
/** Deep-sleep mode: longest time awake per wake-up before sleeping anyway. */
const AWAKE_BUDGET_MS = 30000;
/** Continuous mode: how often a changed outbox is written to flash. */
const SAVE_INTERVAL_MS = 300000;
/** Stop accepting socket writes above this (the platform buffers in RAM). */
const MAX_QUEUED_BYTES = 2048;

export class TelemetryNode {
  hal: Hal;
  config: NodeConfig;
  client: MqttClient;
  supervisor: Supervisor;
  link: BrokerLink;
  seq: SeqCounter;
  statusTopic: string;
  telemetryTopic: string;
  private nextSampleAt: number;
  private awakeUntil: number;
  private sleeping: boolean;
  private saidOffline: boolean;
  private bootAt: number;

  /** Builds the client, link and supervisor from `config`; nothing runs before start(). */
  constructor(hal: Hal, config: NodeConfig) {
    const node = this;
    const prefix = config.topicPrefix + '/' + config.nodeId + '/';
    this.hal = hal;
    this.config = config;
    this.statusTopic = prefix + 'status';
    this.telemetryTopic = prefix + 'telemetry';
    this.seq = new SeqCounter(hal.storage, 'node.seq');
    this.nextSampleAt = 0;
    this.awakeUntil = 0;
    this.sleeping = false;
    this.saidOffline = false;
    this.bootAt = 0;
    this.client = createClient({
      clientId: config.nodeId,
      cleanSession: config.cleanSession,
      keepAlive: config.keepAlive,
      will: { topic: this.statusTopic, payload: 'offline', qos: 1, retain: true },
      username: config.broker.username,
      password: config.broker.password,
      maxMessages: hal.outboxMessages,
      maxBytes: hal.outboxBytes,
      store: { load: function (k) { return hal.storage.read(k); }, save: function (k, d) { hal.storage.write(k, d); } },
      saveIntervalMs: config.deepSleep ? 0 : SAVE_INTERVAL_MS,
      onConnect: function (sessionPresent) { node.onConnect(sessionPresent); },
      onClose: function (reason, detail) { node.onClose(reason, detail); },
      onPublishDone: function (msg, outcome) { node.onPublishDone(msg, outcome); },
    });
    const b = config.broker;
    this.link = new BrokerLink(hal.net, hal.clock, this.client, {
      host: b.host, port: b.port, tls: b.tls, ca: b.ca, cert: b.cert, key: b.key, maxQueued: MAX_QUEUED_BYTES,
    });
    this.supervisor = createSupervisor({
      client: this.client,
      host: b.host,
      open: function (address) { node.link.open(address); },
      random: Math.random,
      budgetMs: config.deepSleep ? AWAKE_BUDGET_MS : 0,
      onGiveUp: function () { node.sleepNow('broker unreachable'); },
    });
    this.link.supervisor = this.supervisor;
  }

  /** Joins Wi-Fi (where the board has it), starts the session and the one periodic tick. */
  start(): void {
    const node = this;
    const hal = this.hal;
    const now = hal.clock.now();
    this.log(LogLevel.INFO, 'node ' + this.config.nodeId + ' on ' + hal.board + ', seq ' + this.seq.next);
    this.bootAt = now;
    this.awakeUntil = now + AWAKE_BUDGET_MS;
    this.nextSampleAt = now;
    if (hal.wifi && this.config.wifi) {
      this.link.online = false;
      hal.wifi.join(this.config.wifi.ssid, this.config.wifi.password, {
        onWifiUp: function (ip) { node.onWifiUp(ip); },
        onWifiDown: function (e) { node.link.online = false; node.log(LogLevel.WARN, 'wifi down: ' + e.code); },
      });
    } else {
      this.supervisor.start(now);
    }
    hal.clock.schedule(function () { node.tick(); }, TICK_MS, true);
  }

  /** The once-a-second heartbeat: client and supervisor timers, watchdog, sampling, sleep. */
  tick(): void {
    if (this.sleeping) return;
    const now = this.hal.clock.now();
    if (this.hal.watchdog) this.hal.watchdog.kick();
    this.client.tick(now);
    this.supervisor.tick(now);
    if (now >= this.nextSampleAt) {
      this.nextSampleAt = this.config.deepSleep ? Infinity : now + this.config.interval * 1000;
      this.sample(now);
    }
    if (this.config.deepSleep) this.maybeSleep(now);
  }

  /**
   * Deep-sleep mode: once every reading is acknowledged, says "offline"
   * (retained, QoS 1) and sleeps when that is acknowledged too; sleeps
   * anyway when the awake budget is spent (the outbox is saved to flash).
   */
  private maybeSleep(now: number): void {
    const pending = this.client.outbox.msgs.length;
    if (now >= this.awakeUntil) return this.sleepNow('awake budget spent, ' + pending + ' unacknowledged');
    if (pending > 0 || this.client.phase !== Phase.CONNECTED) return;
    if (this.saidOffline) return this.sleepNow('all acknowledged');
    this.saidOffline = true;
    this.client.publish(this.statusTopic, 'offline', 1, true);
  }

  /** Takes one reading and queues it (QoS 1): it is kept until the broker acknowledges it. */
  sample(now: number): void {
    const record = reading(this.hal, this.config, this.seq.take(), now - this.bootAt);
    const r = this.client.publish(this.telemetryTopic, record, 1, false);
    if (typeof r === 'string') this.log(LogLevel.ERROR, 'reading refused: ' + r);
  }

  private onWifiUp(ip: string): void {
    this.link.online = true;
    this.log(LogLevel.INFO, 'wifi up ' + ip);
    const st = this.supervisor.state;
    // A node that was waiting only because it was offline tries at once.
    if (st === SupervisorState.IDLE || (st === SupervisorState.WAITING && this.link.lastError === 'OFFLINE')) {
      this.supervisor.start(this.hal.clock.now());
    }
  }

  private onConnect(sessionPresent: boolean): void {
    this.log(LogLevel.INFO, 'mqtt connected' + (sessionPresent ? ' (session resumed)' : ''));
    this.client.publish(this.statusTopic, 'online', 1, true);
  }

  private onClose(reason: CloseReason, detail: string | undefined): void {
    const why = detail || this.link.lastError;
    this.log(LogLevel.WARN, 'mqtt closed: ' + reason + (why ? ' (' + why + ')' : ''));
  }

  private onPublishDone(msg: OutMessage, outcome: PublishOutcome): void {
    if (outcome !== 'acked') this.log(LogLevel.WARN, 'dropped ' + msg.topic + ': ' + outcome);
  }

  /**
   * Deep-sleep mode: saves the sequence number and the unacknowledged
   * messages, disconnects (DISCONNECT: no will) and sleeps.
   */
  sleepNow(why: string): void {
    const hal = this.hal;
    if (!this.config.deepSleep || !hal.sleep || this.sleeping) return;
    this.sleeping = true;
    this.supervisor.stop();
    this.seq.persist();
    this.client.save();
    this.client.disconnect();
    this.log(LogLevel.INFO, 'sleeping ' + this.config.interval + ' s: ' + why);
    if (hal.sleep.deepSleep(this.config.interval) !== undefined) {
      this.log(LogLevel.ERROR, 'deep sleep failed');
      this.sleeping = false;
    }
  }

  private log(level: LogLevel, message: string): void {
    this.hal.log.write(level, message);
  }
}

/** Storage file holding the config when none was embedded at build time. */
const CONFIG_FILE = 'node.json';

/** The config written to Storage (already validated by the tool that wrote it), or undefined. */
function storedConfig(hal: Hal): NodeConfig | undefined {
  const text = hal.storage.read(CONFIG_FILE);
  try {
    return text ? (JSON.parse(text) as NodeConfig) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a telemetry node on `hal` (see TelemetryNode) with the config
 * embedded at build time or, when `embedded` is null, the one in the Storage
 * file node.json. Board files call this once; it returns the node for
 * inspection in the console, or undefined (and logs why) without a config.
 */
export function startNode(hal: Hal, embedded: NodeConfig | null): TelemetryNode | undefined {
  const config = embedded || storedConfig(hal);
  if (!config) {
    hal.log.write(LogLevel.ERROR, 'no config: build with --config, or write ' + CONFIG_FILE + ' to Storage');
    return undefined;
  }
  const node = new TelemetryNode(hal, config);
  node.start();
  return node;
}

/**
 * A Node host for the portable MQTT core, used by the integration tests: it
 * plays the part that boards/espruino + firmware/app/link.ts play on a device.
 * - Transport: a net.Socket; byte strings go out and come in as latin1 (the
 *   only Node encoding mapping each byte to one char and back).
 * - Supervisor: open(address) is net.connect; the outcome is reported as
 *   onOpen(transport, now) or onOpenFailed(code, now). random is Math.random.
 * - Time: Date.now(), and one interval calling client.tick(now) then
 *   supervisor.tick(now) (100 ms by default, so tests see timeouts promptly).
 * Only the events of the current socket reach the client, so a late `close`
 * of a socket the client already gave up on cannot end the next connection.
 * Everything the client reports is recorded for assertions: close reasons,
 * publish outcomes, connects, and exceptions thrown out of the core.
 */
import * as net from 'net';
import { createClient, MqttClient } from '../../firmware/mqtt/client';
import { ClientOptions, CloseDetail, CloseReason } from '../../firmware/mqtt/options';
import { OutMessage, PublishOutcome } from '../../firmware/mqtt/outbox';
import { createSupervisor, Supervisor, SupervisorOptions } from '../../firmware/mqtt/supervisor';
import { Transport } from '../../firmware/mqtt/transport';

/** Supervisor options the host fills in itself. */
type HostFilled = 'client' | 'host' | 'open' | 'random';

export interface NodeHostOptions {
  /** Broker port on 127.0.0.1 (or `host`). */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The client's options; the host chains its own recorders in front of the callbacks. */
  client: ClientOptions;
  /** Backoff, refusedDelay, give-up... (client/host/open/random are set by the host). */
  supervisor?: Omit<SupervisorOptions, HostFilled>;
  /** Tick period in ms. Default 100. */
  tickMs?: number;
}

/** One connection attempt as seen by the host. */
export interface OpenRecord {
  at: number;
  /** 'OPEN' when the TCP connection was established, else the socket error code. */
  result: string;
}

export interface NodeHost {
  client: MqttClient;
  supervisor: Supervisor;
  /** Every close reason the client reported, in order. */
  closes: CloseReason[];
  /** sessionPresent of every accepted CONNACK, in order. */
  connects: boolean[];
  /** Every connection attempt the supervisor made. */
  opens: OpenRecord[];
  /** Publish outcomes by token (the last one reported for a token wins). */
  outcomes: Map<number, PublishOutcome>;
  /** Count of onPublishDone calls per outcome. */
  outcomeCounts: { [outcome: string]: number };
  /** Exceptions that escaped the core from onData / onClose / tick (must stay empty). */
  errors: unknown[];
  /** True while the client has an accepted session (phase CONNECTED). */
  isConnected(): boolean;
  /**
   * Resolves when predicate() holds (polled every 10 ms); rejects naming
   * `what` after timeoutMs, or at once when the core has thrown.
   */
  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void>;
  /**
   * Stops the supervisor and the tick, then ends the connection: with
   * `graceful` the client sends DISCONNECT, else the socket is destroyed.
   * Resolves once the socket is closed. Safe to call twice.
   */
  stop(graceful: boolean): Promise<void>;
}

/** Resolves when predicate() holds, polling every 10 ms; rejects after timeoutMs naming `what`. */
export function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error('timed out after ' + timeoutMs + ' ms waiting for ' + what));
      setTimeout(poll, 10);
    };
    poll();
  });
}

/** How long a closed transport may take to flush (e.g. DISCONNECT) before it is destroyed. */
const LINGER_MS = 500;

/**
 * Wraps a connected socket as the core's Transport: write never throws;
 * close is idempotent and, like Espruino's end(), sends what was written
 * before the FIN, destroying the socket if that takes longer than LINGER_MS
 * (a stalled link never drains).
 */
function socketTransport(socket: net.Socket, onClosedByClient: () => void): Transport {
  return {
    write: (data: string): boolean => {
      if (socket.destroyed || !socket.writable) return false;
      return socket.write(Buffer.from(data, 'latin1'));
    },
    close: (): void => {
      onClosedByClient();
      if (socket.destroyed) return;
      socket.end();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    },
  };
}

/** The host behind startNodeHost: records what the client reports, owns the socket and the tick. */
class Host implements NodeHost {
  client: MqttClient;
  supervisor: Supervisor;
  closes: CloseReason[] = [];
  connects: boolean[] = [];
  opens: OpenRecord[] = [];
  outcomes = new Map<number, PublishOutcome>();
  outcomeCounts: { [outcome: string]: number } = {};
  errors: unknown[] = [];
  /** The socket whose events reach the client (being opened or handed over), else undefined. */
  private current: net.Socket | undefined;
  private timer: NodeJS.Timeout;
  private stopped: Promise<void> | undefined;

  constructor(private o: NodeHostOptions) {
    this.client = createClient(Object.assign({}, o.client, this.recorders(o.client)));
    const filled = { client: this.client, host: o.host || '127.0.0.1', open: (a: string) => this.open(a), random: Math.random };
    this.supervisor = createSupervisor(Object.assign({}, o.supervisor || {}, filled));
    this.timer = setInterval(() => {
      const now = Date.now();
      this.guard(() => this.client.tick(now));
      this.guard(() => this.supervisor.tick(now));
    }, o.tickMs || 100);
    this.supervisor.start(Date.now());
  }

  /** Client callbacks that record, then call the user's own. */
  private recorders(user: ClientOptions): Partial<ClientOptions> {
    return {
      onConnect: (sessionPresent: boolean): void => {
        this.connects.push(sessionPresent);
        if (user.onConnect) user.onConnect(sessionPresent);
      },
      onClose: (reason: CloseReason, detail: CloseDetail | undefined): void => {
        this.closes.push(reason);
        if (user.onClose) user.onClose(reason, detail);
      },
      onPublishDone: (msg: OutMessage, outcome: PublishOutcome): void => {
        this.outcomes.set(msg.token, outcome);
        this.outcomeCounts[outcome] = (this.outcomeCounts[outcome] || 0) + 1;
        if (user.onPublishDone) user.onPublishDone(msg, outcome);
      },
    };
  }

  /** Runs a call into the core; what it throws is kept in `errors` (a socket handler must not throw). */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.errors.push(e);
    }
  }

  /** The supervisor's open(): one TCP connection attempt, reported back exactly once. */
  private open(address: string): void {
    const socket = net.connect({ host: address, port: this.o.port });
    this.current = socket;
    socket.setNoDelay(true);
    let opened = false;
    socket.once('connect', () => {
      opened = true;
      this.opens.push({ at: Date.now(), result: 'OPEN' });
      if (socket !== this.current) return void socket.destroy();
      const transport = socketTransport(socket, () => {
        if (this.current === socket) this.current = undefined;
      });
      this.guard(() => this.supervisor.onOpen(transport, Date.now()));
    });
    socket.on('data', (chunk: Buffer) => {
      if (socket === this.current) this.guard(() => this.client.onData(chunk.toString('latin1'), Date.now()));
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (opened || socket !== this.current) return;
      this.current = undefined;
      this.opens.push({ at: Date.now(), result: e.code || 'ERROR' });
      this.guard(() => this.supervisor.onOpenFailed(e.code || 'ERROR', Date.now()));
    });
    socket.on('close', () => {
      if (!opened || socket !== this.current) return;
      this.current = undefined;
      this.guard(() => this.client.onClose(Date.now()));
    });
  }

  /** An arrow, so that tests may pass `h.isConnected` itself as a predicate. */
  isConnected = (): boolean => this.client.phase === 2;

  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const errors = this.errors;
    // An exception out of the core will not heal: fail at once and show it.
    return waitUntil(() => errors.length > 0 || predicate(), timeoutMs, what).then(() => {
      if (errors.length > 0) throw new Error('the core threw while waiting for ' + what + ': ' + String(errors[0]));
    });
  }

  stop(graceful: boolean): Promise<void> {
    if (this.stopped) return this.stopped;
    this.supervisor.stop();
    clearInterval(this.timer);
    const socket = this.current;
    this.current = undefined;
    // disconnect() writes DISCONNECT and closes the transport (end, then destroy).
    if (graceful) this.guard(() => this.client.disconnect());
    if (!socket || socket.destroyed) return (this.stopped = Promise.resolve());
    this.stopped = new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (!graceful) return void socket.destroy();
      // Also covers a socket the client never got (still opening).
      socket.end();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    });
    return this.stopped;
  }
}

/**
 * Creates the client and supervisor, starts the tick and the supervisor
 * (the first attempt is made at the first tick). The caller must stop().
 */
export function startNodeHost(o: NodeHostOptions): NodeHost {
  return new Host(o);
}

/** Pacing of publishSequence: `perBatch` messages every `everyMs` ms. */
export interface Pace {
  perBatch: number;
  everyMs: number;
}

/**
 * Publishes seq first..last as QoS 1 on `topic` with payload {"seq":n} (what
 * the recorder's default seqOf reads), at `pace`, whatever the connection
 * state: the outbox must hold what cannot be sent. `onSeq` sees each seq
 * after it was handed to publish(). Resolves with the publish() refusals
 * (error codes with their seq); an accepted message is not listed.
 */
export function publishSequence(
  client: MqttClient,
  topic: string,
  first: number,
  last: number,
  pace: Pace,
  onSeq?: (seq: number) => void,
): Promise<string[]> {
  const refused: string[] = [];
  let seq = first;
  return new Promise((resolve) => {
    const batch = (): void => {
      for (let i = 0; i < pace.perBatch && seq <= last; i++, seq++) {
        const r = client.publish(topic, '{"seq":' + seq + '}', 1, false);
        if (typeof r === 'string') refused.push(seq + ':' + r);
        if (onSeq) onSeq(seq);
      }
      if (seq > last) resolve(refused);
      else setTimeout(batch, pace.everyMs);
    };
    batch();
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


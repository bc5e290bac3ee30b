/**
 * Reconnect supervisor: the policy half of "always recover by itself". The
 * client detects failures and reports them; this decides when to try again.
 * A portable core like the client, driven by tick(now), replaceable by the
 * application. Contract for host authors:
 *
 *   sup = createSupervisor({ client, host: 'broker.lan', open, random, ... })
 *   sup.start(now)                 begin (first attempt at the next tick)
 *   every ~1 s: client.tick(now); sup.tick(now)
 *   open(address)  -> host starts a connection, later reports exactly one of
 *                     sup.onOpen(transport, now) / sup.onOpenFailed(code, now)
 *   resolve(name)  -> optional; host looks the name up and reports
 *                     sup.onResolved(address | undefined, now). The address is
 *                     cached and reused for every later open() ("DNS resolved
 *                     once"); it is forgotten on give-up. Without `resolve`,
 *                     open() receives `host` unchanged.
 *
 * Backoff: after the n-th consecutive failure the next attempt waits
 * random() * min(maxDelay, baseDelay * 2^(n-1)) ms (full jitter); after a
 * CONNACK refusal at least refusedDelay ms, since retrying at once cannot
 * succeed and only loads the broker. A connection that reached CONNACK resets
 * the count. Give-up after maxAttempts failures or budgetMs of failing calls
 * onGiveUp so a battery node can sleep; start() begins again.
 */
import { Transport } from './transport';

/** What the supervisor reads from and calls on a client (MqttClient and Publisher fit). */
export interface Supervised {
  /** 0 when closed. */
  phase: number;
  closeReason: string | undefined;
  stats: { connacks: number };
  connect(transport: Transport, now: number): void;
}

/**
 * Supervisor options. The supervisor keeps this object and reads it when
 * needed (defaults applied there) instead of copying every option into a
 * field: do not change it after createSupervisor.
 */
export interface SupervisorOptions {
  client: Supervised;
  /** Broker host name or address, passed to resolve() or, without it, to open(). */
  host: string;
  open: (this: void, address: string) => void;
  resolve?: (this: void, name: string) => void;
  /** Uniform in [0, 1): injected so that tests can seed it. */
  random: (this: void) => number;
  /** Ms, default 1000. */
  baseDelay?: number;
  /** Cap of the backoff window in ms, default 60000. */
  maxDelay?: number;
  /** Minimum delay after a CONNACK refusal in ms, default 300000. */
  refusedDelay?: number;
  /** Ms allowed for resolve/open to report back, default 30000. */
  openTimeout?: number;
  /** Give up after this many consecutive failures; 0 (default) never. */
  maxAttempts?: number;
  /** Give up after failing for this many ms; 0 (default) never. */
  budgetMs?: number;
  onGiveUp?: (this: void, attempts: number) => void;
}

/** What the supervisor is doing. */
export const enum SupervisorState {
  IDLE = 0,
  WAITING = 1,
  RESOLVING = 2,
  OPENING = 3,
  RUNNING = 4,
}

export class Supervisor {
  state: SupervisorState;
  /** Consecutive failed attempts. */
  attempts: number;
  /** When the next attempt is due (WAITING). */
  nextAt: number;
  /** The cached resolved address. */
  address: string | undefined;
  /** The code of the last onOpenFailed. */
  lastError: string | undefined;
  /**
   * The options, kept and read where needed rather than copied into one
   * field each: on Espruino every field costs heap.
   */
  private o_: SupervisorOptions;
  /** When the pending resolve/open began. */
  private since_: number;
  /** When the current run of failures began, -1 while connected. */
  private failingSince_: number;
  private connacks_: number;

  /** Keeps `o` (do not change it afterwards); see SupervisorOptions for defaults. Starts IDLE. */
  constructor(o: SupervisorOptions) {
    this.state = SupervisorState.IDLE;
    this.attempts = 0;
    this.nextAt = 0;
    // address and lastError start unset (an undefined member costs a block on Espruino).
    this.o_ = o;
    this.since_ = 0;
    this.failingSince_ = 0;
    this.connacks_ = 0;
  }

  /** Begins (again) with a fresh failure count: the first attempt is made at the next tick. */
  start(now: number): void {
    this.state = SupervisorState.WAITING;
    this.attempts = 0;
    this.nextAt = now;
    this.failingSince_ = now;
  }

  /** Stops making attempts; a running connection is left to the application. */
  stop(): void {
    this.state = SupervisorState.IDLE;
  }

  /** Drives the policy: due attempts, open timeouts, and the client's close. */
  tick(now: number): void {
    const o = this.o_;
    const st = this.state;
    if (st === SupervisorState.WAITING && now >= this.nextAt) {
      // An attempt: resolve first unless an address is cached (or no resolver),
      // then open the cached address (or the host name).
      this.since_ = now;
      if (o.resolve && this.address === undefined) {
        this.state = SupervisorState.RESOLVING;
        o.resolve(o.host);
      } else {
        this.state = SupervisorState.OPENING;
        o.open(this.address ?? o.host);
      }
    } else if ((st === SupervisorState.RESOLVING || st === SupervisorState.OPENING) && now - this.since_ >= (o.openTimeout ?? 30000)) {
      this.lastError = 'OPEN_TIMEOUT';
      this.fail_(now, false);
    } else if (st === SupervisorState.RUNNING) {
      const c = o.client;
      if (c.stats.connacks !== this.connacks_) {
        // The broker accepted us at least once since the last look: a success.
        this.connacks_ = c.stats.connacks;
        this.attempts = 0;
        this.failingSince_ = -1;
      }
      if (c.phase !== 0) return;
      // A deliberate disconnect() is the application's decision, not a failure.
      if (c.closeReason === 'DISCONNECTED') this.state = SupervisorState.IDLE;
      else this.fail_(now, c.closeReason !== undefined && c.closeReason.indexOf('REFUSED_') === 0);
    }
  }

  /** The host's answer to resolve(): an address, or undefined when the lookup failed. */
  onResolved(address: string | undefined, now: number): void {
    if (this.state !== SupervisorState.RESOLVING) return;
    if (address === undefined) {
      this.lastError = 'RESOLVE_FAILED';
      return this.fail_(now, false);
    }
    this.address = address;
    // Due at once: tick() opens the cached address now.
    this.state = SupervisorState.WAITING;
    this.nextAt = now;
    this.tick(now);
  }

  /** The host opened the transport: the client connects on it. A late one is closed. */
  onOpen(transport: Transport, now: number): void {
    if (this.state !== SupervisorState.OPENING) return transport.close();
    this.state = SupervisorState.RUNNING;
    this.connacks_ = this.o_.client.stats.connacks;
    this.o_.client.connect(transport, now);
  }

  /** The host could not open the transport (`code` is kept in lastError). */
  onOpenFailed(code: string, now: number): void {
    if (this.state !== SupervisorState.OPENING) return;
    this.lastError = code;
    this.fail_(now, false);
  }

  /** Counts a failure, then gives up or schedules the next attempt. */
  private fail_(now: number, refused: boolean): void {
    const o = this.o_;
    const maxAttempts = o.maxAttempts ?? 0;
    const budget = o.budgetMs ?? 0;
    const refusedDelay = o.refusedDelay ?? 300000;
    this.attempts++;
    const n = this.attempts;
    if (this.failingSince_ < 0) this.failingSince_ = now;
    if ((maxAttempts > 0 && n >= maxAttempts) || (budget > 0 && now - this.failingSince_ >= budget)) {
      this.state = SupervisorState.IDLE;
      this.address = undefined;
      if (o.onGiveUp) o.onGiveUp(n);
      return;
    }
    let delay = o.random() * Math.min(o.maxDelay ?? 60000, (o.baseDelay ?? 1000) * Math.pow(2, n - 1));
    if (refused && delay < refusedDelay) delay = refusedDelay;
    this.nextAt = now + delay;
    this.state = SupervisorState.WAITING;
  }
}

/** Creates a supervisor from `options` (a factory for Lua hosts). */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  return new Supervisor(options);
}

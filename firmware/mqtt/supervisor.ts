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
 *                     cached and reused for later open()s ("DNS resolved
 *                     once"); it is forgotten on give-up and after every
 *                     Retry.RESOLVE_AFTER consecutive failures, so that a
 *                     broker that moved is found again. Without `resolve`,
 *                     open() receives `host` unchanged.
 *
 * Backoff: after the n-th consecutive failure the next attempt waits
 * random() * min(maxDelay, baseDelay * 2^(n-1)) ms (full jitter). After a
 * failure that retrying soon cannot cure, refusedDelay * (1 + random()) ms
 * (jittered too, so that a fleet refused at once does not retry in
 * lockstep): a CONNACK refusal, except 3 "server unavailable", which is
 * transient and takes the normal backoff; and BAD_CONNECT (a CONNECT that
 * cannot be encoded, or credentials that cannot be had). A connection
 * counts as a success, resetting the count, only once it has stayed up
 * stableMs after CONNACK: a broker that accepts then drops us at once (a
 * poison message, a flapping link) keeps backing off and can give up. Give-up
 * after maxAttempts failures or budgetMs of failing calls onGiveUp so a
 * battery node can sleep; start() begins again.
 */
import { Transport } from './transport';

/** Retry.RESOLVE_AFTER: consecutive failures after which the cached address is looked up again. */
export const enum Retry {
  RESOLVE_AFTER = 3,
}

/** What the supervisor reads from and calls on a client (MqttClient and Publisher fit). */
export interface Supervised {
  /** 0 when closed, 2 once CONNACK accepted the connection. */
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
  /** Delay after a refusal or BAD_CONNECT in ms, jittered up to twice this, default 300000. */
  refusedDelay?: number;
  /** Ms a connection must stay up after CONNACK to count as a success, default 20000. */
  stableMs?: number;
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
  /** When the pending resolve/open began; while RUNNING, when CONNACK was seen. */
  private since_: number;
  /** When the current run of failures began, -1 after a stable connection (stableMs). */
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
        // The broker accepted us: the connection is on probation from now.
        this.connacks_ = c.stats.connacks;
        this.since_ = now;
      } else if (c.phase === 2 && this.failingSince_ >= 0 && now - this.since_ >= (o.stableMs ?? 20000)) {
        // Up (phase CONNECTED) for stableMs since that CONNACK: a success.
        this.attempts = 0;
        this.failingSince_ = -1;
      }
      if (c.phase !== 0) return;
      // A deliberate disconnect() is the application's decision, not a failure.
      const why = c.closeReason;
      if (why === 'DISCONNECTED') this.state = SupervisorState.IDLE;
      else this.fail_(now, why === 'BAD_CONNECT' || (why !== undefined && why.indexOf('REFUSED_') === 0 && why !== 'REFUSED_SERVER_UNAVAILABLE'));
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

  /** Counts a failure, then gives up or schedules the next attempt (`refused`: one retrying soon cannot cure). */
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
    // The address may be what fails (the broker moved): look it up again now and then.
    if (n % Retry.RESOLVE_AFTER === 0) this.address = undefined;
    const r = o.random();
    this.nextAt = now + (refused ? refusedDelay * (1 + r) : r * Math.min(o.maxDelay ?? 60000, (o.baseDelay ?? 1000) * Math.pow(2, n - 1)));
    this.state = SupervisorState.WAITING;
  }
}

/** Creates a supervisor from `options` (a factory for Lua hosts). */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  return new Supervisor(options);
}

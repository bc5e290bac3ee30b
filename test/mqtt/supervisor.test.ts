/**
 * The reconnect supervisor driving a real client on scripted transports and a
 * fake clock: full-jitter backoff bounds and cap (seeded random), refusal
 * back-off (jittered), success only after a stable connection, give-up by
 * attempts and by time budget, cached DNS looked up again after failures,
 * timeouts.
 */
import { ClientOptions } from '../../firmware/mqtt/options';
import { createSupervisor, Retry, Supervisor, SupervisorOptions } from '../../firmware/mqtt/supervisor';
import { seededRandom } from '../support/fake-clock';
import { broker, harness, Harness, ScriptedTransport } from '../support/scripted-transport';

interface Rig {
  h: Harness;
  sup: Supervisor;
  opens: string[];
  resolves: string[];
  giveUps: number[];
  transports: ScriptedTransport[];
  /** Advance the clock, ticking client and supervisor every second. */
  advance(ms: number): void;
  /** Wait for the pending attempt to reach open(); returns how long that took. */
  untilOpen(): number;
}

function rig(opts: Partial<SupervisorOptions> = {}, client: Partial<ClientOptions> = {}): Rig {
  const h = harness(client);
  const r: Rig = {
    h,
    opens: [],
    resolves: [],
    giveUps: [],
    transports: [],
    sup: undefined as unknown as Supervisor,
    advance: (ms) => h.clock.advance(ms, [h.client, r.sup]),
    untilOpen() {
      const start = h.clock.now;
      const n = r.opens.length;
      for (let i = 0; i < 100000 && r.opens.length === n; i++) h.clock.advance(100, [h.client, r.sup], 100);
      expect(r.opens.length).toBe(n + 1);
      return h.clock.now - start;
    },
  };
  r.sup = createSupervisor({
    client: h.client,
    host: 'broker.lan',
    open: (address) => r.opens.push(address),
    random: seededRandom(42),
    onGiveUp: (n) => r.giveUps.push(n),
    ...opts,
  });
  return r;
}

/** The host reports a successful open: returns the transport the client now uses. */
function opened(r: Rig): ScriptedTransport {
  const t = new ScriptedTransport();
  r.transports.push(t);
  r.sup.onOpen(t, r.h.clock.now);
  return t;
}

describe('Supervisor', () => {
  it('opens the host, connects the client on the transport, and reconnects after a loss', () => {
    const r = rig({ baseDelay: 1000 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    expect(r.opens).toEqual(['broker.lan']);
    const t = opened(r);
    expect(t.takeCmds()).toEqual(['connect']);
    r.h.client.onData(broker.connack(false), r.h.clock.now);
    r.advance(1000);
    expect(r.sup.attempts).toBe(0);
    r.h.client.onClose(r.h.clock.now);
    r.advance(1000);
    expect(r.sup.attempts).toBe(1);
    expect(r.untilOpen()).toBeLessThanOrEqual(1100);
    expect(r.h.client.stats.reconnects).toBe(0);
    opened(r);
    expect(r.h.client.stats.reconnects).toBe(1);
  });

  it('waits random() * min(cap, base * 2^(n-1)) after the n-th failure (full jitter, capped)', () => {
    const base = 1000;
    const cap = 30000;
    const rand = seededRandom(7);
    const draws: number[] = [];
    const r = rig({ baseDelay: base, maxDelay: cap, random: () => {
      const x = rand();
      draws.push(x);
      return x;
    } });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    const delays: number[] = [];
    for (let n = 1; n <= 12; n++) {
      r.sup.onOpenFailed('ECONNREFUSED', r.h.clock.now);
      delays.push(r.sup.nextAt - r.h.clock.now);
      r.untilOpen();
    }
    delays.forEach((d, i) => {
      const window = Math.min(cap, base * Math.pow(2, i));
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(window);
      expect(d).toBeCloseTo(draws[i] * window, 6);
    });
    expect(Math.max(...delays)).toBeLessThan(cap);
    expect(new Set(delays).size).toBe(delays.length);
  });

  it('baseDelay 0 means no backoff (0 is a value, not the default)', () => {
    const r = rig({ baseDelay: 0 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    r.sup.onOpenFailed('ECONNREFUSED', r.h.clock.now);
    expect(r.sup.attempts).toBe(1);
    expect(r.sup.nextAt).toBe(r.h.clock.now);
  });

  it('never exceeds the cap even when random() is close to 1', () => {
    const r = rig({ baseDelay: 500, maxDelay: 8000, random: () => 0.999999 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    for (let n = 1; n <= 40; n++) {
      r.sup.onOpenFailed('EHOSTUNREACH', r.h.clock.now);
      expect(r.sup.nextAt - r.h.clock.now).toBeLessThan(8000);
      r.sup.tick(r.sup.nextAt);
    }
    expect(r.sup.nextAt - r.h.clock.now).toBeGreaterThan(7990);
  });

  it('after a CONNACK refusal waits at least refusedDelay', () => {
    const r = rig({ baseDelay: 1000, refusedDelay: 120000, random: () => 0 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    opened(r);
    r.h.client.onData(broker.connack(false, 5), r.h.clock.now);
    r.advance(1000);
    expect(r.h.client.closeReason).toBe('REFUSED_NOT_AUTHORIZED');
    expect(r.sup.nextAt - r.h.clock.now).toBeGreaterThanOrEqual(119000);
    r.advance(100000);
    expect(r.opens.length).toBe(1);
    r.advance(20000);
    expect(r.opens.length).toBe(2);
  });

  it('waits refusedDelay * (1 + random()) after a refusal: jittered, at least refusedDelay, under twice it', () => {
    for (const x of [0, 0.25, 0.999]) {
      const r = rig({ refusedDelay: 10000, random: () => x });
      r.sup.start(r.h.clock.now);
      r.advance(1000);
      opened(r);
      r.h.client.onData(broker.connack(false, 4), r.h.clock.now);
      r.sup.tick(r.h.clock.now);
      expect(r.sup.nextAt - r.h.clock.now).toBeCloseTo(10000 * (1 + x), 6);
    }
  });

  it('BAD_CONNECT (a CONNECT that cannot be encoded) waits like a refusal', () => {
    const r = rig({ refusedDelay: 120000, maxDelay: 10000, random: () => 0.5 }, { clientId: 'x'.repeat(70000) });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    opened(r);
    r.sup.tick(r.h.clock.now);
    expect(r.h.client.closeReason).toBe('BAD_CONNECT');
    expect(r.sup.nextAt - r.h.clock.now).toBe(180000);
    r.advance(179000);
    expect(r.opens.length).toBe(1);
    r.advance(1000);
    expect(r.opens.length).toBe(2);
  });

  it('server unavailable (CONNACK 3) is transient: the normal backoff, not refusedDelay', () => {
    const r = rig({ baseDelay: 1000, refusedDelay: 120000, random: () => 0.5 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    opened(r);
    r.h.client.onData(broker.connack(false, 3), r.h.clock.now);
    r.sup.tick(r.h.clock.now);
    expect(r.h.client.closeReason).toBe('REFUSED_SERVER_UNAVAILABLE');
    expect(r.sup.nextAt - r.h.clock.now).toBe(500);
  });

  it('counts a connection as a success only once it stayed up stableMs after CONNACK', () => {
    const r = rig({ stableMs: 10000, baseDelay: 1000 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    r.sup.onOpenFailed('E', r.h.clock.now);
    r.untilOpen();
    opened(r);
    r.h.client.onData(broker.connack(false), r.h.clock.now);
    r.sup.tick(r.h.clock.now);
    r.advance(9000);
    expect(r.sup.attempts).toBe(1);
    r.advance(1000);
    expect(r.sup.attempts).toBe(0);
  });

  it('gives up on a broker that accepts then drops every connection (maxAttempts, and budgetMs)', () => {
    for (const limit of [{ maxAttempts: 4 }, { budgetMs: 60000 }]) {
      const r = rig({ ...limit, baseDelay: 1000, maxDelay: 4000 });
      r.sup.start(r.h.clock.now);
      for (let i = 0; i < 1000 && r.giveUps.length === 0; i++) {
        r.advance(1000);
        if (r.sup.state !== 3) continue;
        opened(r);
        r.h.client.onData(broker.connack(false), r.h.clock.now);
        r.advance(2000);
        r.h.client.onClose(r.h.clock.now);
      }
      expect(r.giveUps.length).toBe(1);
      if (limit.maxAttempts) expect(r.giveUps).toEqual([4]);
      expect(r.h.client.stats.connacks).toBe(r.opens.length);
    }
  });

  it('gives up after maxAttempts failures and calls onGiveUp once', () => {
    const r = rig({ maxAttempts: 3 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    r.sup.onOpenFailed('E', r.h.clock.now);
    r.untilOpen();
    r.sup.onOpenFailed('E', r.h.clock.now);
    r.untilOpen();
    r.sup.onOpenFailed('E', r.h.clock.now);
    expect(r.giveUps).toEqual([3]);
    r.advance(3600000);
    expect(r.opens.length).toBe(3);
    expect(r.giveUps).toEqual([3]);
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    expect(r.opens.length).toBe(4);
  });

  it('gives up when failing for longer than budgetMs', () => {
    const r = rig({ budgetMs: 60000, baseDelay: 1000, maxDelay: 4000 });
    r.sup.start(r.h.clock.now);
    const t0 = r.h.clock.now;
    r.advance(1000);
    let failures = 0;
    while (r.giveUps.length === 0 && failures < 1000) {
      r.sup.onOpenFailed('E', r.h.clock.now);
      failures++;
      if (r.giveUps.length === 0) r.untilOpen();
    }
    expect(r.giveUps).toEqual([failures]);
    expect(r.h.clock.now - t0).toBeGreaterThanOrEqual(60000);
    expect(r.h.clock.now - t0).toBeLessThan(60000 + 4000 + 1000);
  });

  it('resolves the name once and reuses the cached address for every reconnect', () => {
    const r = rig({ resolve: (name) => r.resolves.push(name) });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    expect(r.resolves).toEqual(['broker.lan']);
    expect(r.opens).toEqual([]);
    r.sup.onResolved('10.0.0.5', r.h.clock.now);
    expect(r.opens).toEqual(['10.0.0.5']);
    r.sup.onOpenFailed('ECONNRESET', r.h.clock.now);
    r.untilOpen();
    expect(r.opens).toEqual(['10.0.0.5', '10.0.0.5']);
    expect(r.resolves).toEqual(['broker.lan']);
  });

  it(`looks the name up again after ${Retry.RESOLVE_AFTER} consecutive failures (the broker may have moved)`, () => {
    const r = rig({ resolve: (name) => r.resolves.push(name) });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    r.sup.onResolved('10.0.0.5', r.h.clock.now);
    for (let n = 1; n < Retry.RESOLVE_AFTER; n++) {
      r.sup.onOpenFailed('ECONNREFUSED', r.h.clock.now);
      r.untilOpen();
    }
    expect(r.resolves.length).toBe(1);
    r.sup.onOpenFailed('ECONNREFUSED', r.h.clock.now);
    const start = r.h.clock.now;
    while (r.resolves.length === 1 && r.h.clock.now - start < 600000) r.advance(100);
    expect(r.resolves).toEqual(['broker.lan', 'broker.lan']);
    r.sup.onResolved('10.0.0.6', r.h.clock.now);
    expect(r.opens[r.opens.length - 1]).toBe('10.0.0.6');
  });

  it('counts a failed lookup as a failed attempt', () => {
    const r = rig({ resolve: (name) => r.resolves.push(name) });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    r.sup.onResolved(undefined, r.h.clock.now);
    expect(r.sup.attempts).toBe(1);
    expect(r.sup.lastError).toBe('RESOLVE_FAILED');
  });

  it('times out an open that never reports back, and closes it if it reports late', () => {
    const r = rig({ openTimeout: 5000 });
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    r.advance(5000);
    expect(r.sup.attempts).toBe(1);
    expect(r.sup.lastError).toBe('OPEN_TIMEOUT');
    const late = new ScriptedTransport();
    r.sup.onOpen(late, r.h.clock.now);
    expect(late.closes).toBe(1);
    expect(late.written).toEqual([]);
  });

  it('stays idle after the application disconnects on purpose', () => {
    const r = rig();
    r.sup.start(r.h.clock.now);
    r.advance(1000);
    opened(r);
    r.h.client.onData(broker.connack(false), r.h.clock.now);
    r.h.client.disconnect();
    r.advance(600000);
    expect(r.opens.length).toBe(1);
  });
});

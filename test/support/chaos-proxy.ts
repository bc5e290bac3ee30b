/**
 * A loopback TCP proxy between an MQTT client and a broker that injects the
 * link faults a sensor node meets in the field: a cut link (both sides
 * closed), a black hole (sockets stay open, nothing gets through), latency,
 * and a broker host that accepts and drops connections.
 *
 * Each direction of each connection has its own FIFO of chunks, so delays
 * never reorder bytes; during a stall chunks are held (and the sockets are
 * paused, so the kernel buffers fill and the sender sees back pressure as on
 * a dead Wi-Fi link) and are delivered in order on resume().
 */
import * as net from 'net';

export interface ProxyOptions {
  /** Broker port on 127.0.0.1. */
  targetPort: number;
  /** Port to listen on (default: a free one). */
  port?: number;
}

export interface ChaosProxy {
  port: number;
  /** Destroys every current connection, client and broker side. */
  cut(): void;
  /** Stops forwarding in both directions; sockets stay open (half-open link). */
  stall(): void;
  /** Ends a stall: held chunks are delivered in order, forwarding resumes. */
  resume(): void;
  /** Delays every chunk forwarded from now on by `ms` (0: none). */
  setDelay(ms: number): void;
  /** When true, new connections are accepted and closed at once. */
  refuse(on: boolean): void;
  /** Number of client connections currently open through the proxy. */
  connections(): number;
  /** Bytes delivered so far: toBroker (client -> broker) and toClient. */
  bytesForwarded(): { toBroker: number; toClient: number };
  /** Cuts every connection and stops listening. */
  close(): Promise<void>;
}

/** One direction of one proxied connection. */
interface Pipe {
  from: net.Socket;
  to: net.Socket;
  queue: { chunk: Buffer; due: number }[];
  timer: NodeJS.Timeout | undefined;
  /** The sender half-closed (FIN): pass it on once the queue is drained. */
  ended: boolean;
  count: (n: number) => void;
}

/** Starts the proxy on 127.0.0.1 and resolves once it listens. */
export function startProxy(opts: ProxyOptions): Promise<ChaosProxy> {
  const pipes = new Set<Pipe>();
  const pairs = new Set<net.Socket[]>();
  const totals = { toBroker: 0, toClient: 0 };
  let stalled = false;
  let delayMs = 0;
  let refusing = false;

  // Delivers the due chunks of one pipe, in order; re-arms for the next one.
  const pump = (p: Pipe): void => {
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    while (!stalled && p.queue.length > 0) {
      const wait = p.queue[0].due - Date.now();
      if (wait > 0) {
        p.timer = setTimeout(() => pump(p), wait);
        return;
      }
      const item = p.queue.shift()!;
      if (p.to.destroyed) return;
      p.to.write(item.chunk);
      p.count(item.chunk.length);
    }
    if (!stalled && p.ended && !p.to.destroyed) p.to.end();
  };

  const link = (from: net.Socket, to: net.Socket, count: (n: number) => void): Pipe => {
    const p: Pipe = { from, to, queue: [], timer: undefined, ended: false, count };
    pipes.add(p);
    from.on('data', (chunk: Buffer) => {
      p.queue.push({ chunk, due: Date.now() + delayMs });
      if (stalled) from.pause();
      else if (p.timer === undefined) pump(p);
    });
    // A clean close (e.g. after DISCONNECT) travels behind the delayed data, so
    // the broker sees DISCONNECT and no will is published.
    from.on('end', () => {
      p.ended = true;
      if (p.timer === undefined) pump(p);
    });
    return p;
  };

  const onClient = (client: net.Socket): void => {
    if (refusing) {
      client.destroy();
      return;
    }
    const broker = net.connect({ host: '127.0.0.1', port: opts.targetPort, allowHalfOpen: true });
    const pair = [client, broker];
    pairs.add(pair);
    if (stalled) {
      client.pause();
      broker.pause();
    }
    const up = link(client, broker, (n) => (totals.toBroker += n));
    const down = link(broker, client, (n) => (totals.toClient += n));
    const teardown = (): void => {
      if (!pairs.delete(pair)) return;
      for (const p of [up, down]) {
        if (p.timer !== undefined) clearTimeout(p.timer);
        pipes.delete(p);
      }
      client.destroy();
      broker.destroy();
    };
    // Either socket fully closed or failed: the link is gone, drop the other side too.
    for (const s of pair) {
      s.on('error', teardown);
      s.on('close', teardown);
    }
  };

  const server = net.createServer({ allowHalfOpen: true }, onClient);
  const cut = (): void => {
    for (const pair of Array.from(pairs)) for (const s of pair) s.destroy();
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port || 0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        cut,
        stall: () => {
          stalled = true;
          for (const pair of pairs) for (const s of pair) s.pause();
        },
        resume: () => {
          stalled = false;
          pipes.forEach((p) => pump(p));
          for (const pair of pairs) for (const s of pair) s.resume();
        },
        setDelay: (ms: number) => {
          delayMs = ms;
        },
        refuse: (on: boolean) => {
          refusing = on;
        },
        connections: () => pairs.size,
        bytesForwarded: () => ({ toBroker: totals.toBroker, toClient: totals.toClient }),
        close: () =>
          new Promise<void>((done) => {
            cut();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Loopback port helpers for tests that start servers (brokers, proxies).
 */
import * as net from 'net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the OS picks it for a
 * throwaway listener, which is closed before returning. Another process could
 * take it in between; tests start their server right away.
 */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * Resolves once a TCP connection to 127.0.0.1:port succeeds, retrying every
 * 50 ms; rejects after timeoutMs, or as soon as `gaveUp()` returns a reason
 * (e.g. the server process exited).
 */
export function waitForPort(port: number, timeoutMs: number, gaveUp?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const reason = gaveUp ? gaveUp() : undefined;
      if (reason !== undefined) return reject(new Error(reason));
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error('nothing listens on 127.0.0.1:' + port + ' after ' + timeoutMs + ' ms'));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

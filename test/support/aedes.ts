/**
 * An embedded aedes 1.x broker for tests that need a broker without Mosquitto.
 * aedes 1.x is an ES module, which Jest's CommonJS runtime cannot require
 * (Node < 24.9), so the broker runs in a child Node process that prints its
 * port, and exits when told to or when its stdin closes (the test process
 * died): no broker outlives the test run.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';

/** The child's program (ESM, resolved from the repository root). */
const BROKER_SCRIPT = `
import net from 'node:net';
import { Aedes } from 'aedes';
const broker = await Aedes.createBroker();
const server = net.createServer(broker.handle);
const stop = () => broker.close(() => server.close(() => process.exit(0)));
process.stdin.on('data', (d) => { if (String(d).includes('stop')) stop(); });
process.stdin.on('end', () => process.exit(0));
server.on('error', (e) => { console.error(e.message); process.exit(1); });
server.listen(Number(process.env.AEDES_PORT), '127.0.0.1', () => {
  console.log('LISTENING ' + server.address().port);
});
`;

const START_TIMEOUT_MS = 10000;

export interface AedesBroker {
  port: number;
  /** Closes the server and the broker, waits for the child to exit. */
  stop(): Promise<void>;
}

/**
 * Starts an aedes broker on 127.0.0.1 (port 0 or omitted: a free one) and
 * resolves once it listens; rejects if it fails to within 10 s.
 */
export function startAedes(opts: { port?: number } = {}): Promise<AedesBroker> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', BROKER_SCRIPT], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: Object.assign({}, process.env, { AEDES_PORT: String(opts.port || 0) }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('aedes did not start within ' + START_TIMEOUT_MS + ' ms: ' + output));
    }, START_TIMEOUT_MS);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('aedes exited with ' + code + ': ' + output));
    });
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /LISTENING (\d+)/.exec(output);
      if (m === null) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.stdin!.end('stop\n');
          }),
      });
    });
  });
}

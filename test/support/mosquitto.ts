/**
 * Starts real Mosquitto brokers for integration tests: one process per call,
 * on a free loopback port, with its own mosquitto.conf, log file and
 * persistence directory in a temp dir, so tests never touch a system broker
 * on 1883 and can kill / restart "their" broker at will.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { getFreePort, waitForPort } from './ports';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto', '/opt/homebrew/sbin/mosquitto'];
const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 5000;

/** Path of the mosquitto binary (PATH first, then the usual sbin dirs), or undefined. */
export function findMosquitto(): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' }).trim();
    if (found !== '') return found;
  } catch {
    // not on PATH: try the usual locations below
  }
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/** True when a mosquitto binary is installed. */
export function mosquittoAvailable(): boolean {
  return findMosquitto() !== undefined;
}

/**
 * `describe` when Mosquitto is installed. Otherwise: skips with a plain
 * "SKIPPED" line, except under CI (process.env.CI set), where the suite FAILS:
 * CI installs Mosquitto, so a missing broker there is a broken pipeline.
 */
export function describeIfMosquitto(name: string, fn: () => void): void {
  if (mosquittoAvailable()) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      test('mosquitto is installed (required when CI is set)', () => {
        throw new Error('mosquitto not installed but CI is set (apt-get install mosquitto)');
      });
    });
  } else {
    console.log('SKIPPED: mosquitto not installed (apt-get install mosquitto): ' + name);
    describe.skip(name, fn);
  }
}

export interface MosquittoOptions {
  /** TCP port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Keep sessions and queued QoS 1/2 messages on disk across restarts (default false). */
  persistence?: boolean;
  /** Working dir for config, log and database (default: a new temp dir). */
  dir?: string;
  /** Appended verbatim to mosquitto.conf. */
  extraConfig?: string;
  /** user name -> password; creates a password file and disables anonymous access. */
  users?: { [username: string]: string };
  /**
   * Adds a TLS listener with a throwaway CA and server certificate (needs
   * openssl). requireCertificate: clients must present a certificate signed
   * by that CA (require_certificate true, as AWS IoT Core does); a client
   * certificate and key are then generated too.
   */
  tls?: { port?: number; requireCertificate?: boolean };
}

export interface Mosquitto {
  port: number;
  /** TLS listener port and the CA that signed its certificate, when `tls` was asked for. */
  tlsPort?: number;
  caFile?: string;
  /** With tls.requireCertificate: a client certificate signed by the CA, and its key (PEM, PKCS#8). */
  clientCertFile?: string;
  clientKeyFile?: string;
  dir: string;
  /** Graceful stop (SIGTERM: mosquitto saves its database), waits for exit. */
  stop(): Promise<void>;
  /** stop(), then deletes the temp dir if startMosquitto created it. */
  dispose(): Promise<void>;
  /** SIGKILL: a crash; only what was autosaved survives. Waits for exit. */
  kill(): Promise<void>;
  /** SIGSTOP: the broker stays connected but answers nothing (a hung broker) until kill/stop/restart. */
  pause(): void;
  /** Stops it if running, then starts it again on the same port and dir; waits until listening. */
  restart(): Promise<void>;
  /** The broker's log so far. */
  logs(): string;
  /**
   * Resolves once a database save that started after this call has finished.
   * Mosquitto logs "Saving in-memory database" when a save starts, and saves in
   * its single-threaded loop, so the next save starting proves the first one is
   * on disk (a crash in between would otherwise lose it).
   */
  waitForSave(timeoutMs: number): Promise<void>;
}

/** Writes mosquitto.conf (and password / TLS files) into dir; returns the config path. */
function writeConfig(dir: string, port: number, opts: MosquittoOptions, tlsPort?: number): string {
  const lines = ['listener ' + port + ' 127.0.0.1'];
  if (tlsPort !== undefined) {
    makeCertificates(dir);
    lines.push('listener ' + tlsPort + ' 127.0.0.1', 'cafile ' + path.join(dir, 'ca.crt'),
      'certfile ' + path.join(dir, 'server.crt'), 'keyfile ' + path.join(dir, 'server.key'));
    if (opts.tls && opts.tls.requireCertificate) {
      makeClientCertificate(dir, 'client', 'rsa');
      lines.push('require_certificate true');
    }
  }
  if (opts.users) {
    const file = path.join(dir, 'passwd');
    fs.writeFileSync(file, '');
    for (const user of Object.keys(opts.users)) execFileSync('mosquitto_passwd', ['-b', file, user, opts.users[user]]);
    lines.push('allow_anonymous false', 'password_file ' + file);
  } else {
    lines.push('allow_anonymous true');
  }
  if (opts.persistence) {
    // Time-based autosave every second (waitForSave watches for it), plus a save on SIGTERM.
    lines.push('persistence true', 'persistence_location ' + dir + path.sep, 'autosave_interval 1');
  }
  lines.push('log_dest file ' + path.join(dir, 'mosquitto.log'), 'log_type all');
  // As root, mosquitto 2 drops to user "mosquitto", which cannot write our temp dir.
  if (process.getuid && process.getuid() === 0) lines.push('user root');
  if (opts.extraConfig) lines.push(opts.extraConfig);
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  return conf;
}

/** A throwaway CA and a server certificate for 127.0.0.1 / localhost, via openssl. */
function makeCertificates(dir: string): void {
  const f = (name: string): string => path.join(dir, name);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  fs.writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=test-ca']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.crt'), '-days', '2', '-extfile', f('san.ext')]);
}

/**
 * Creates <dir>/<name>.crt, signed by the CA in dir (ca.crt, ca.key, made by
 * a TLS-enabled startMosquitto), and its key <dir>/<name>.key: 'rsa' gives an
 * RSA key in PKCS#8 PEM ("PRIVATE KEY"), 'ec' a P-256 key in SEC1 PEM ("EC
 * PRIVATE KEY"). Returns the two paths.
 */
export function makeClientCertificate(dir: string, name: string, keyType: 'rsa' | 'ec'): { cert: string; key: string } {
  const f = (file: string): string => path.join(dir, file);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  if (keyType === 'ec') run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f(name + '.key')]);
  else run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f(name + '.key')]);
  run(['req', '-new', '-key', f(name + '.key'), '-out', f(name + '.csr'), '-subj', '/CN=' + name]);
  run(['x509', '-req', '-in', f(name + '.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f(name + '.crt'), '-days', '2']);
  return { cert: f(name + '.crt'), key: f(name + '.key') };
}

/**
 * Kills `pid` with SIGKILL once this Node process is gone: a detached shell
 * polls both every second. Jest workers can die without running exit hooks,
 * and an orphaned broker would hold its port and temp dir forever.
 */
function killWhenParentDies(pid: number): void {
  const script = 'while kill -0 ' + process.pid + ' 2>/dev/null && kill -0 ' + pid + ' 2>/dev/null; do sleep 1; done; kill -9 ' + pid + ' 2>/dev/null';
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/** Resolves when the child has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a Mosquitto broker and resolves once its port accepts connections
 * (at most 10 s; rejects with the log if it exits or never listens).
 */
export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const binary = findMosquitto();
  if (binary === undefined) throw new Error('mosquitto not installed (apt-get install mosquitto)');
  const dir = opts.dir || fs.mkdtempSync(path.join(os.tmpdir(), 'mosquitto-test-'));
  const port = opts.port || (await getFreePort());
  const tlsPort = opts.tls ? opts.tls.port || (await getFreePort()) : undefined;
  const conf = writeConfig(dir, port, opts, tlsPort);
  const logFile = path.join(dir, 'mosquitto.log');
  let child: ChildProcess | undefined;
  let stderr = '';

  const logs = (): string => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '') + stderr;
  const saves = (): number => logs().split('Saving in-memory database').length - 1;

  const launch = async (): Promise<void> => {
    const c = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    if (c.pid !== undefined) killWhenParentDies(c.pid);
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const gaveUp = (): string | undefined =>
      c.exitCode !== null ? 'mosquitto exited with ' + c.exitCode + ':\n' + logs() : undefined;
    await waitForPort(port, START_TIMEOUT_MS, gaveUp);
    if (tlsPort !== undefined) await waitForPort(tlsPort, START_TIMEOUT_MS, gaveUp);
  };

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c === undefined) return;
    child = undefined;
    c.kill(sig);
    const timer = setTimeout(() => c.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(c);
    clearTimeout(timer);
  };

  await launch();
  return {
    port,
    tlsPort,
    caFile: tlsPort !== undefined ? path.join(dir, 'ca.crt') : undefined,
    clientCertFile: opts.tls && opts.tls.requireCertificate ? path.join(dir, 'client.crt') : undefined,
    clientKeyFile: opts.tls && opts.tls.requireCertificate ? path.join(dir, 'client.key') : undefined,
    dir,
    stop: () => signal('SIGTERM'),
    dispose: async () => {
      await signal('SIGTERM');
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
    kill: () => signal('SIGKILL'),
    pause: () => {
      if (child !== undefined) child.kill('SIGSTOP');
    },
    restart: async () => {
      await signal('SIGTERM');
      await launch();
    },
    logs,
    waitForSave: (timeoutMs: number) => {
      const before = saves();
      const deadline = Date.now() + timeoutMs;
      return new Promise<void>((resolve, reject) => {
        const poll = (): void => {
          if (saves() > before + 1) resolve();
          else if (Date.now() > deadline) reject(new Error('no database save within ' + timeoutMs + ' ms'));
          else setTimeout(poll, 50);
        };
        poll();
      });
    },
  };
}

'use strict';
/**
 * `npm start` (sim/start.js) as a user runs it: a child process with an
 * embedded aedes broker and two simulated esp32 nodes; it must show
 * telemetry from both, stop on SIGINT with exit code 0 and leave no process
 * or listening port behind. Bad flags and an unreachable --broker must fail
 * with a clear message and a non-zero exit code.
 */
const { spawn, execFileSync } = require('child_process');
const net = require('net');
const path = require('path');
const { createFleet } = require('../../sim/fleet');
// sim/broker.js loads aedes (ESM) with import(), which Jest's CommonJS runtime cannot: run it in a child.
const { startAedes } = require('../support/aedes');
const { startMonitor, recordSeq, newStats } = require('../../sim/monitor');
const { ensureBuilt } = require('../../sim/dist');

const START = path.resolve(__dirname, '../../sim/start.js');
const children = [];

beforeAll(() => ensureBuilt({}));
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.length = 0;
});

/** Runs sim/start.js with `args`; collects stdout/stderr; resolves the child handle. */
function run(args) {
  const child = spawn(process.execPath, [START].concat(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.out = '';
  child.err = '';
  child.stdout.on('data', (d) => (child.out += d));
  child.stderr.on('data', (d) => (child.err += d));
  child.done = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

async function waitFor(cond, ms, what, detail) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timeout waiting for ' + what + '\n' + (detail ? detail() : ''));
    await new Promise((r) => setTimeout(r, 20));
  }
}

function childPids(pid) {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch (e) {
    return []; // pgrep exits 1 when there are none
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return false;
  }
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

test('two nodes publish through the embedded broker; SIGINT stops everything with exit code 0', async () => {
  const child = run(['--nodes', '2', '--time-scale', '0.05', '--interval', '1', '--summary', '0.5', '--no-build']);
  const shown = (id) => new RegExp(id + ' +telemetry seq=\\d+ uptime=\\d+ memFree=\\d+ rssi=-\\d+').test(child.out);
  await waitFor(() => shown('sim-1') && shown('sim-2') && /summary +sim-2 .*received [1-9]/.test(child.out), 20000,
    'telemetry and a summary from both nodes', () => child.out + child.err);
  expect(child.out).toMatch(/sim-1 +status +online/);
  const port = Number(/embedded aedes broker on mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(child.out)[1]);
  const kids = childPids(child.pid);

  child.kill('SIGINT');
  let timer;
  const exit = await Promise.race([child.done, new Promise((r) => (timer = setTimeout(() => r({ code: 'timeout' }), 10000)))]);
  clearTimeout(timer);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(child.out).toMatch(/stopping/);
  expect(child.out).toMatch(/summary +sim-1 +state stopped, received \d+, missing 0/);
  expect(kids.filter(alive)).toEqual([]);
  expect(await portOpen(port)).toBe(false);
});

test('a bad flag exits 2 with the reason and the usage', async () => {
  const child = run(['--nodes', 'many']);
  expect(await child.done).toEqual({ code: 2, signal: null });
  expect(child.err).toMatch(/--nodes needs a positive integer, got "many"/);
  expect(child.err).toMatch(/Usage:/);
  const other = run(['--board', 'esp31']);
  expect((await other.done).code).toBe(2);
  expect(other.err).toMatch(/--board must be one of esp32, esp8266, linux/);
});

test('an unreachable --broker exits 1 with a clear error', async () => {
  const closed = await new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  const child = run(['--broker', 'mqtt://127.0.0.1:' + closed, '--no-build']);
  expect(await child.done).toEqual({ code: 1, signal: null });
  expect(child.err).toMatch(new RegExp('cannot reach the broker at mqtt://127.0.0.1:' + closed));
});

test('createFleet + startMonitor in-process: N nodes, one bundle, distinct identities, no gaps', async () => {
  const broker = await startAedes();
  const monitor = await startMonitor({ url: 'mqtt://127.0.0.1:' + broker.port, clientId: 'fleet-test' });
  const fleet = createFleet({ board: 'esp8266', count: 3, broker: { port: broker.port }, interval: 1, timeScale: 0.05, idPrefix: 'f-' });
  try {
    fleet.start();
    await waitFor(() => monitor.stats().length === 3 && monitor.stats().every((s) => s.lastSeq >= 3), 15000, '3 readings from 3 nodes',
      () => JSON.stringify(monitor.stats().map((s) => [s.id, s.received])));
    const stats = monitor.stats();
    expect(stats.map((s) => s.id)).toEqual(['f-1', 'f-2', 'f-3']);
    for (const s of stats) {
      expect(s.missing.size).toBe(0);
      expect(s.status).toBe('online');
    }
    expect(fleet.byId('f-2').memory().total).toBe(1600);
  } finally {
    fleet.stop();
    await monitor.close();
    await broker.stop();
  }
});

test('monitor gap accounting: a jump records the missing numbers, a late one fills its hole, a repeat is a duplicate', () => {
  const st = newStats('x');
  [1, 2, 5, 3, 3, 6].forEach((n) => recordSeq(st, n));
  expect(Array.from(st.missing)).toEqual([4]);
  expect(st.duplicates).toBe(1);
  expect(st.lastSeq).toBe(6);
  expect(st.received).toBe(6);
});

/*
 * The benchmark's broker: Mosquitto when installed (a throwaway config on a
 * free loopback port, no persistence), else aedes in a child Node process
 * (aedes 1.x is an ES module). Either way one child process, killed by stop().
 */
'use strict';

const { execFileSync, spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const START_TIMEOUT_MS = 10000;

/** Path of mosquitto (PATH, then the usual sbin dirs), or undefined. */
function findMosquitto() {
  try {
    const found = execFileSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' }).trim();
    if (found !== '') return found;
  } catch (e) {
    // not on PATH: try the usual locations
  }
  return ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => fs.existsSync(p));
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:port accepts a connection; rejects after START_TIMEOUT_MS. */
function waitForPort(port) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect({ host: '127.0.0.1', port: port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error('broker not listening on ' + port));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * A crashed benchmark must not leave a broker behind: a detached shell
 * SIGKILLs `pid` once this process is gone.
 */
function killWhenParentDies(pid) {
  const script = 'while kill -0 ' + process.pid + ' 2>/dev/null && kill -0 ' + pid + ' 2>/dev/null; do sleep 1; done; kill -9 ' + pid + ' 2>/dev/null';
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/** Resolves when `child` has exited, killing it with SIGTERM (SIGKILL after 3 s). */
function killChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startMosquitto(binary) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-bench-'));
  const port = await freePort();
  const lines = ['listener ' + port + ' 127.0.0.1', 'allow_anonymous true', 'log_dest none'];
  // As root, mosquitto 2 would switch to user "mosquitto".
  if (process.getuid && process.getuid() === 0) lines.push('user root');
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  // `mosquitto -h` prints its version and exits with 3.
  const version = String(spawnSync(binary, ['-h'], { encoding: 'utf8' }).stdout || 'mosquitto').split('\n')[0].trim();
  const child = spawn(binary, ['-c', conf], { stdio: 'ignore' });
  killWhenParentDies(child.pid);
  await waitForPort(port).catch(async (e) => {
    await killChild(child);
    throw e;
  });
  return {
    name: version,
    port: port,
    stop: async () => {
      await killChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const AEDES_SCRIPT = `
import net from 'node:net';
import { Aedes } from 'aedes';
const broker = await Aedes.createBroker();
const server = net.createServer(broker.handle);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
server.listen(Number(process.env.AEDES_PORT), '127.0.0.1');
`;

async function startAedes() {
  const port = await freePort();
  const child = spawn(process.execPath, ['--input-type=module', '-e', AEDES_SCRIPT], {
    cwd: ROOT,
    env: Object.assign({}, process.env, { AEDES_PORT: String(port) }),
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  await waitForPort(port);
  const version = require(path.join(ROOT, 'node_modules', 'aedes', 'package.json')).version;
  return { name: 'aedes ' + version, port: port, stop: () => killChild(child) };
}

/**
 * Starts Mosquitto if installed, else aedes (BENCH_BROKER=aedes forces
 * aedes): resolves to { name, port, stop() }.
 */
function startBroker() {
  const binary = process.env.BENCH_BROKER === 'aedes' ? undefined : findMosquitto();
  return binary ? startMosquitto(binary) : startAedes();
}

module.exports = { startBroker };

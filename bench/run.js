#!/usr/bin/env node
/*
 * `npm run bench` (after `npm run build`): on one embedded loopback broker
 * (Mosquitto if installed, else aedes), measures
 *   1. QoS 1 throughput of our client (dist/mqtt.js, the shipped bundle, on
 *      Node sockets) and of MQTT.js, same window of 10 outstanding messages,
 *      alternating which goes first, ROUNDS rounds;
 *   2. heap growth of our client over HEAP_COUNT publishes (bench/heap.js,
 *      a child with --expose-gc);
 *   3. bundle sizes of dist/*.js (bytes, gzip -9);
 *   4. per-board heap blocks, estimated by the simulator (bench/memory.js).
 * BENCH_BROKER=aedes uses aedes even when Mosquitto is installed.
 * Prints readable tables; exits 0 on success, 1 on any failure. Bounded: the
 * whole run is aborted after DEADLINE_MS.
 */
'use strict';

const { execFile } = require('child_process');
const fs = require('fs');
const path = require('path');
const { startBroker } = require('./broker');
const { mqttjsRunner, oursRunner } = require('./throughput');
const { measure, formatSizeTable, table } = require('../scripts/lib/sizes');
const { memoryReport } = require('./memory');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const COUNT = 20000;
const PAYLOAD = 64;
const WINDOW = 10;
const ROUNDS = 3;
/** Unmeasured messages per client before round 1, so that neither is timed while the JIT warms up. */
const WARMUP = 2000;
const HEAP_WARMUP = 10000;
const HEAP_COUNT = 100000;
const DEADLINE_MS = 5 * 60 * 1000;


/** One run: connect, publish `count`, disconnect. Resolves to messages/s. */
async function measureOnce(kind, MQTT, port, round, count) {
  const id = 'bench-' + kind + '-' + round;
  const runner = kind === 'ours' ? await oursRunner(MQTT, port, WINDOW, id) : await mqttjsRunner(port, WINDOW, id);
  const ms = await runner.run(count, PAYLOAD);
  await runner.close();
  return Math.round((count * 1000) / ms);
}

async function throughput(MQTT, port) {
  const rows = [['round', 'order', 'ours msg/s', 'MQTT.js msg/s', 'ours/MQTT.js']];
  const ours = [];
  const theirs = [];
  await measureOnce('ours', MQTT, port, 0, WARMUP);
  await measureOnce('mqttjs', MQTT, port, 0, WARMUP);
  for (let round = 1; round <= ROUNDS; round++) {
    const oursFirst = round % 2 === 1;
    let a;
    let b;
    if (oursFirst) {
      a = await measureOnce('ours', MQTT, port, round, COUNT);
      b = await measureOnce('mqttjs', MQTT, port, round, COUNT);
    } else {
      b = await measureOnce('mqttjs', MQTT, port, round, COUNT);
      a = await measureOnce('ours', MQTT, port, round, COUNT);
    }
    ours.push(a);
    theirs.push(b);
    rows.push([String(round), oursFirst ? 'ours first' : 'MQTT.js first', a, b, (a / b).toFixed(2)]);
  }
  const median = (xs) => xs.slice().sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  rows.push(['median', '', median(ours), median(theirs), (median(ours) / median(theirs)).toFixed(2)]);
  console.log('\nQoS 1 throughput: ' + COUNT + ' messages of ' + PAYLOAD + ' bytes, window ' + WINDOW + ' outstanding for both,');
  console.log('one new connection per run, after a ' + WARMUP + '-message warm-up of each client');
  console.log('(MQTT.js has no in-flight bound of its own: it writes every publish() at once, so the bench keeps');
  console.log(' its window at ' + WINDOW + ' by publishing from the PUBACK callback; ours uses maxInflight ' + WINDOW + ')\n');
  console.log(table(rows));
}

function heap(port) {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', path.join(__dirname, 'heap.js'), String(port), String(HEAP_WARMUP), String(HEAP_COUNT)];
    execFile(process.execPath, args, { timeout: 120000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error('heap.js failed: ' + (stderr || err.message)));
      const r = JSON.parse(stdout.trim().split('\n').pop());
      const growth = r.after - r.before;
      console.log('\nHeap of our client (node --expose-gc, heapUsed after gc), ' + r.count + ' QoS 1 publishes after a ' +
        r.warmup + '-message warm-up (' + Math.round((r.count * 1000) / r.ms) + ' msg/s)\n');
      console.log(table([
        ['heapUsed after warm-up', 'heapUsed after run', 'growth bytes', 'bytes/message'],
        [r.before, r.after, growth, (growth / r.count).toFixed(3)],
      ]));
      resolve();
    });
  });
}

function sizes() {
  const files = fs.existsSync(DIST) ? fs.readdirSync(DIST).filter((f) => f.endsWith('.js')).sort() : [];
  if (files.length === 0) throw new Error('no dist/*.js: run npm run build first');
  console.log('\nBundle sizes (dist/*.js)\n');
  console.log(formatSizeTable(files.map((f) => measure(f, fs.readFileSync(path.join(DIST, f), 'utf8')))));
}

async function main() {
  const started = Date.now();
  const deadline = setTimeout(() => {
    console.error('bench: aborted after ' + DEADLINE_MS + ' ms');
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  const MQTT = require(path.join(DIST, 'mqtt.js'));
  const broker = await startBroker();
  console.log('Broker: ' + broker.name + ' on 127.0.0.1:' + broker.port + ' (node ' + process.version + ')');
  try {
    await throughput(MQTT, broker.port);
    await heap(broker.port);
  } finally {
    await broker.stop();
  }
  sizes();
  await memoryReport();
  console.log('\nbench finished in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});

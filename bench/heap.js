/*
 * Heap growth of our client over many QoS 1 publishes (run by run.js as a
 * child: node --expose-gc bench/heap.js <port> <warmup> <count>). Warm up,
 * collect garbage, note heapUsed; publish `count` more on the same
 * connection, collect, note heapUsed again. A flat result means nothing is
 * retained per message. Prints one JSON line.
 */
'use strict';

const path = require('path');
const { oursRunner } = require('./throughput');

/** heapUsed after two full collections (the second catches what the first freed late). */
function settledHeap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  const port = Number(process.argv[2]);
  const warmup = Number(process.argv[3]);
  const count = Number(process.argv[4]);
  const MQTT = require(path.join(__dirname, '..', 'dist', 'mqtt.js'));
  const ours = await oursRunner(MQTT, port, 10, 'bench-heap');
  await ours.run(warmup, 64);
  const before = settledHeap();
  const ms = await ours.run(count, 64);
  const after = settledHeap();
  await ours.close();
  process.stdout.write(JSON.stringify({ warmup: warmup, count: count, before: before, after: after, ms: ms }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});

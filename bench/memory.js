#!/usr/bin/env node
/*
 * Per-board memory figures of the shipped bundles (dist/<board>.js):
 *   - bytes and gzip -9 bytes;
 *   - Espruino heap blocks as ESTIMATED by the simulator's model
 *     (sim/espruino/process.js): each board runs its bundle in the emulation
 *     (ESP8266 from flash, as its profile says), connects to a loopback
 *     broker and publishes a reading every simulated second for RUN_MS; the
 *     highest usage seen is reported with the board's total and % free.
 *     The model charges code by size (calibrated on device measurements)
 *     and walks the data the bundle can reach from globals, timers,
 *     listeners and closure scopes (node.memory({deep: true})).
 *   - with ESPRUINO_BIN set (and scripts/espruino-mem.js present), a REAL
 *     measurement of dist/linux.js on Espruino for Linux (RAM mode), with
 *     its node.json written to Storage first and the same broker.
 * `node bench/memory.js` runs standalone (its own broker, bench/broker.js);
 * bench/run.js calls memoryReport() at its end.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { measure } = require('../scripts/lib/sizes');
const { startBroker } = require('./broker');
const { createNode } = require('../sim/node-vm');
const { nodeConfig, nodeFiles } = require('../sim/config');
const { bundlePath, ensureBuilt, ROOT } = require('../sim/dist');

const BOARDS = ['esp32', 'esp8266', 'linux'];
/** Real ms each board runs after connecting (20x time: 60 simulated readings). */
const RUN_MS = 3000;
const TIME_SCALE = 0.05;
const CONNECT_TIMEOUT_MS = 15000;
/** A deep walk takes tens of ms: sample a few times a second. */
const SAMPLE_MS = 250;
const ESPRUINO_MEM = path.join(ROOT, 'scripts', 'espruino-mem.js');
const REAL_RUN_MS = 5000;

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs one board in the emulation against 127.0.0.1:port; resolves to its figures. */
async function simulate(board, port) {
  const lines = [];
  const node = createNode({
    board,
    bundlePath: bundlePath(board),
    id: 'mem-' + board,
    timeScale: TIME_SCALE,
    files: nodeFiles(nodeConfig(board, { nodeId: 'mem-' + board, port, interval: 1, keepAlive: 10 })),
    log: (line) => lines.push(line),
  });
  node.start();
  try {
    const end = Date.now() + CONNECT_TIMEOUT_MS;
    while (!lines.some((l) => /mqtt connected/.test(l))) {
      if (Date.now() > end) throw new Error(board + ' did not connect:\n' + lines.join('\n'));
      await delay(SAMPLE_MS);
    }
    let peak = node.memory({ deep: true });
    for (const stop = Date.now() + RUN_MS; Date.now() < stop; await delay(SAMPLE_MS)) {
      const m = node.memory({ deep: true });
      if (m.usage > peak.usage) peak = m;
    }
    return Object.assign({ codeInFlash: node.profile.codeInFlash }, peak);
  } finally {
    node.stop();
  }
}

/** Aligned text table; the first row is the header, numbers right-aligned. */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max.apply(null, rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ')).join('\n');
}

/** Rows of the estimate table, one per board. */
async function estimateRows(port) {
  const rows = [['board', 'bytes', 'gzip', 'code from', 'code blocks', 'data blocks', 'used blocks', 'total', '% free']];
  for (const board of BOARDS) {
    const size = measure(board + '.js', fs.readFileSync(bundlePath(board), 'utf8'));
    const m = await simulate(board, port);
    const free = Math.max(m.total - m.usage, 0);
    rows.push([board, size.bytes, size.gzipBytes, m.codeInFlash ? 'flash' : 'RAM', m.code,
      m.dynamic + m.buffers, m.usage, m.total, ((100 * free) / m.total).toFixed(1) + (m.usage > m.total ? ' (OVER)' : '')]);
  }
  return rows;
}

/** The real measurement of dist/linux.js on ESPRUINO_BIN, or a line saying why there is none. */
async function realLinux(port) {
  if (!process.env.ESPRUINO_BIN) return 'real Espruino: not measured (set ESPRUINO_BIN to an Espruino for Linux binary)';
  if (!fs.existsSync(ESPRUINO_MEM)) return 'real Espruino: not measured (scripts/espruino-mem.js is missing)';
  const mem = require(ESPRUINO_MEM);
  const problem = mem.binProblem(process.env.ESPRUINO_BIN);
  if (problem) return 'real Espruino: not measured (' + problem + ')';
  const config = JSON.stringify(nodeConfig('linux', { nodeId: 'mem-real', port, interval: 1, keepAlive: 10 }));
  // The bundle reads node.json at boot: write it first, as a flashing tool would.
  const prelude = 'require("Storage").write("node.json",' + JSON.stringify(config) + ');\n';
  // From flash (.bootcde), as the flash tool installs it: small heaps cannot even parse it from RAM.
  const r = await mem.measureCode(process.env.ESPRUINO_BIN, prelude + fs.readFileSync(bundlePath('linux'), 'latin1'), { flash: true, runMs: REAL_RUN_MS });
  return 'Real Espruino for Linux (' + process.env.ESPRUINO_BIN + '), dist/linux.js from flash, ' + REAL_RUN_MS + ' ms run:\n\n' +
    mem.formatTable([{ bundle: 'dist/linux.js', mode: 'flash', load: r.load, run: r.run, error: r.error }]);
}

/**
 * Prints the per-board memory table (estimate) and, with ESPRUINO_BIN, the
 * real linux figure. Uses the broker on `port` (127.0.0.1), or starts one
 * (Mosquitto, else aedes) when `port` is not given.
 */
async function memoryReport(port) {
  ensureBuilt({ say: (l) => console.log(l) });
  const broker = port ? null : await startBroker();
  const p = port || broker.port;
  try {
    console.log('\nMemory per board: Espruino JsVar blocks, ESTIMATE (sim model, sim/espruino/process.js), peak while');
    console.log('connected and publishing once per simulated second for ' + RUN_MS / 1000 + ' s at ' + 1 / TIME_SCALE + 'x.');
    console.log('code: ~7.3 blocks per function (+ the source text when run from RAM), calibrated on a real Espruino; data: values reachable from globals, timers,');
    console.log('listeners and closure scopes. A model, not a device measurement: confirm on hardware.\n');
    console.log(table(await estimateRows(p)));
    console.log('\n' + (await realLinux(p)));
  } finally {
    if (broker) await broker.stop();
  }
}

module.exports = { memoryReport, simulate };

if (require.main === module) {
  memoryReport().then(
    () => process.exit(0),
    (e) => {
      console.error(e && e.stack ? e.stack : e);
      process.exit(1);
    },
  );
}

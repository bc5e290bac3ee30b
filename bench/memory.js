#!/usr/bin/env node
/*
 * Per-board memory figures of the shipped bundles (dist/<board>.js):
 *   - bytes and gzip -9 bytes;
 *   - Espruino heap blocks as ESTIMATED by the simulator's model
 *     (sim/espruino/process.js): each board runs its bundle in the emulation
 *     (ESP8266 from flash, as its profile says), connects to a loopback
 *     broker and publishes a reading every simulated second for RUN_MS; the
 *     highest usage seen is reported with the board's total and % free.
 *     The model charges code per function (calibrated on a real Espruino)
 *     and walks the data the bundle can reach from globals, timers,
 *     listeners and closure scopes (node.memory({deep: true})).
 *   - with ESPRUINO_BIN set (and scripts/espruino-mem.js present), REAL
 *     measurements of dist/esp8266.js and dist/linux.js on Espruino for Linux,
 *     from flash, node.json written to Storage first, the same broker: the
 *     console is asked process.memory() after boot and REAL_RUN_MS later,
 *     as a user would check a device.
 * `node bench/memory.js` runs standalone (its own broker, bench/broker.js);
 * bench/run.js calls memoryReport() at its end.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { startBroker } = require('./broker');
const { measure, table } = require('../scripts/lib/sizes');
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

/**
 * The Linux build of Espruino has no Wifi module: this stub (a cached module
 * source that joins at once) stands in for it when measuring the ESP boards.
 * Its own cost is measured alone and subtracted.
 */
const WIFI_STUB = 'Modules.addCached("Wifi","exports.connect=function(s,o,c){setTimeout(function(){c(null)},1)};' +
  'exports.getIP=function(){return{ip:\'127.0.0.1\'}};exports.getDetails=function(){return{rssi:-50}}");\n';

/**
 * REAL measurements on ESPRUINO_BIN of dist/esp8266.js and dist/linux.js,
 * run from flash (.bootcde) as the flash tool installs them, connected to the
 * broker on `port` and publishing every second; or a line saying why not.
 */
async function realReport(port) {
  if (!process.env.ESPRUINO_BIN) return 'real Espruino: not measured (set ESPRUINO_BIN to an Espruino for Linux binary)';
  if (!fs.existsSync(ESPRUINO_MEM)) return 'real Espruino: not measured (scripts/espruino-mem.js is missing)';
  const mem = require(ESPRUINO_MEM);
  const bin = process.env.ESPRUINO_BIN;
  const problem = mem.binProblem(bin);
  if (problem) return 'real Espruino: not measured (' + problem + ')';
  const opts = { flash: true, runMs: REAL_RUN_MS };
  const stub = await mem.measureCode(bin, WIFI_STUB, opts);
  const empty = await mem.measureCode(bin, '0;\n', opts);
  if (!stub.load || !empty.load) return 'real Espruino: not measured (the Wi-Fi stub or an empty program did not load: ' + (stub.error || empty.error) + ')';
  const stubCost = stub.load.usage - empty.load.usage;
  const rows = [];
  for (const board of ['esp8266', 'linux']) {
    const config = JSON.stringify(nodeConfig(board, { nodeId: 'mem-real', port, interval: 1, keepAlive: 10 }));
    // The bundle reads node.json at boot: write it first, as a flashing tool would.
    const prelude = (board === 'linux' ? '' : WIFI_STUB) + 'require("Storage").write("node.json",' + JSON.stringify(config) + ');\n';
    const r = await mem.measureCode(bin, prelude + fs.readFileSync(bundlePath(board), 'latin1'), opts);
    const less = board === 'linux' ? 0 : stubCost;
    rows.push({ bundle: 'dist/' + board + '.js', mode: 'flash', load: r.load && sub(r.load, less), run: r.run && sub(r.run, less), error: r.error });
  }
  return 'Real Espruino for Linux (' + bin + '), from flash, process.memory() asked at its console after boot and after ' +
    REAL_RUN_MS + ' ms connected and publishing (ESP rows: Wi-Fi stub, ' + stubCost + ' blocks, subtracted):\n\n' + mem.formatTable(rows);
}

/** A process.memory() record with `blocks` fewer used (and more free). */
function sub(m, blocks) {
  return Object.assign({}, m, { usage: m.usage - blocks, free: m.free + blocks });
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
    console.log('code: 4 blocks per function + 1 per parameter + 1 inside another function, 6 per class (+ the source text when run');
    console.log('from RAM), calibrated on a real Espruino; data: values reachable from globals, timers,');
    console.log('listeners and closure scopes. A model, not a device measurement: confirm on hardware.\n');
    console.log(table(await estimateRows(p)));
    console.log('\n' + (await realReport(p)));
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

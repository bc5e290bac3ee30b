#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a simulated sensor fleet. Builds the bundles when needed,
 * starts an embedded aedes broker on a free loopback port (or uses --broker),
 * boots N nodes that all run the same dist/<board>.js in the Espruino
 * emulation (identities sim-1..N through Storage node.json), and prints what
 * an independent subscriber receives: one line per status or telemetry
 * message, and a summary per node every --summary seconds (readings
 * received, sequence numbers missing, last seq, heap blocks used/total from
 * the emulation's model). Ctrl-C or SIGTERM stops everything and exits 0.
 */
const { ensureBuilt } = require('./dist');
const { createFleet } = require('./fleet');
const { startEmbeddedBroker } = require('./broker');
const { startMonitor } = require('./monitor');

const USAGE = `Usage: npm start -- [options]   (or: node sim/start.js [options])
  --nodes N          simulated nodes (default 3)
  --board NAME       esp32 | esp8266 | linux (default esp32)
  --broker URL       mqtt://host:port of an external broker (default: an embedded aedes)
  --interval S       seconds between readings, simulated (default 5)
  --time-scale X     real ms per simulated ms: 0.1 runs 10x faster (default 1)
  --summary S        real seconds between summary lines (default 10)
  --verbose          also print the nodes' console output
  --no-build         use dist/ as it is, build only if missing (default: also rebuild when stale)
  --help             this text`;

const BOARDS = ['esp32', 'esp8266', 'linux'];

/** A user error: printed with the usage hint, exit code 2. */
class UsageError extends Error {}

function positive(flag, text, integer) {
  const v = Number(text);
  if (text === undefined || !isFinite(v) || v <= 0 || (integer && Math.floor(v) !== v)) {
    throw new UsageError(flag + ' needs a positive ' + (integer ? 'integer' : 'number') + ', got ' + JSON.stringify(text));
  }
  return v;
}

/** Parses argv (without node and script); throws UsageError for anything unknown or malformed. */
function parseArgs(argv) {
  const o = { nodes: 3, board: 'esp32', broker: null, interval: 5, timeScale: 1, summary: 10, verbose: false, help: false, build: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') o.help = true;
    else if (flag === '--verbose') o.verbose = true;
    else if (flag === '--no-build') o.build = false;
    else if (flag === '--nodes') (o.nodes = positive(flag, value, true)), i++;
    else if (flag === '--interval') (o.interval = positive(flag, value, true)), i++;
    else if (flag === '--time-scale') (o.timeScale = positive(flag, value, false)), i++;
    else if (flag === '--summary') (o.summary = positive(flag, value, false)), i++;
    else if (flag === '--board') {
      if (BOARDS.indexOf(value) < 0) throw new UsageError('--board must be one of ' + BOARDS.join(', ') + ', got ' + JSON.stringify(value));
      o.board = value;
      i++;
    } else if (flag === '--broker') {
      o.broker = parseBrokerUrl(value);
      i++;
    } else throw new UsageError('unknown option ' + JSON.stringify(flag));
  }
  return o;
}

/** mqtt://host:port -> {url, host, port}; the simulated nodes only reach loopback addresses. */
function parseBrokerUrl(text) {
  let u;
  try {
    u = new URL(String(text));
  } catch (e) {
    throw new UsageError('--broker needs a URL like mqtt://127.0.0.1:1883, got ' + JSON.stringify(text));
  }
  if (u.protocol !== 'mqtt:') throw new UsageError('--broker: only mqtt:// URLs are supported, got ' + JSON.stringify(text));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const ip = host === 'localhost' ? '127.0.0.1' : host;
  if (!/^127\./.test(ip) && ip !== '::1') throw new UsageError('--broker: simulated nodes only reach loopback (127.0.0.1, ::1, localhost), got ' + JSON.stringify(host));
  return { url: 'mqtt://' + u.host, host: ip, port: Number(u.port || 1883) };
}

function clock(d) {
  return d.toISOString().slice(11, 23);
}

/** One display line for a monitor event. */
function messageLine(e) {
  if (e.kind === 'status') return clock(e.time) + '  ' + e.node.padEnd(8) + ' status    ' + e.text;
  if (e.kind === 'bad') return clock(e.time) + '  ' + e.node.padEnd(8) + ' telemetry UNPARSABLE ' + JSON.stringify(e.text.slice(0, 80));
  const r = e.reading;
  const fields = Object.keys(r).filter((k) => k !== 'seq').map((k) => k + '=' + r[k]).join(' ');
  return clock(e.time) + '  ' + e.node.padEnd(8) + ' telemetry seq=' + r.seq + ' ' + fields;
}

/** The periodic per-node summary lines. */
function summaryLines(fleet, monitor) {
  const seen = new Map(monitor.stats().map((s) => [s.id, s]));
  return fleet.nodes.map((n) => {
    const s = seen.get(n.id);
    const m = n.memory({ deep: true });
    return 'summary  ' + n.id.padEnd(8) + ' state ' + n.state + ', received ' + (s ? s.received : 0) + ', missing ' + (s ? s.missing.size : 0) +
      ', duplicates ' + (s ? s.duplicates : 0) + ', last seq ' + (s && s.lastSeq !== undefined ? s.lastSeq : '-') +
      ', memory ' + m.usage + '/' + m.total + ' blocks (estimate)';
  });
}

async function main(argv) {
  const o = parseArgs(argv);
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  ensureBuilt({ boards: [o.board], checkAge: o.build, say: (l) => console.log(l) });
  let broker = null;
  if (!o.broker) {
    broker = await startEmbeddedBroker(0);
    console.log('embedded aedes broker on ' + broker.url);
  }
  const target = o.broker || { url: broker.url, host: '127.0.0.1', port: broker.port };
  let monitor;
  try {
    monitor = await startMonitor({ url: target.url, onMessage: (e) => console.log(messageLine(e)) });
  } catch (e) {
    if (broker) await broker.close();
    throw e;
  }
  const fleet = createFleet({
    board: o.board,
    count: o.nodes,
    broker: target,
    interval: o.interval,
    timeScale: o.timeScale,
    log: o.verbose ? (id, line) => console.log('           ' + id.padEnd(8) + ' | ' + line) : undefined,
  });
  console.log('starting ' + o.nodes + ' x ' + o.board + ' (dist/' + o.board + '.js), interval ' + o.interval + ' s, time scale ' + o.timeScale +
    '; Ctrl-C stops');
  fleet.start();
  const summary = setInterval(() => summaryLines(fleet, monitor).forEach((l) => console.log(l)), o.summary * 1000);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(summary);
  console.log('stopping');
  fleet.stop();
  summaryLines(fleet, monitor).forEach((l) => console.log(l));
  await monitor.close();
  if (broker) await broker.close();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error('npm start: ' + e.message);
      if (e instanceof UsageError) console.error(USAGE);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

module.exports = { parseArgs, parseBrokerUrl, UsageError };

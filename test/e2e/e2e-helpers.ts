/**
 * Shared pieces of the end-to-end tests: the shipped board bundles
 * (dist/<board>.js, built once if missing) run in the Espruino emulation
 * (sim/node-vm.js) against a real Mosquitto, each node given its identity
 * through the Storage file node.json, observed by independent MQTT.js
 * recorders (test/support/subscriber.ts).
 */
import { Mosquitto, startMosquitto } from '../support/mosquitto';
import { Recorder, RecordedMessage } from '../support/subscriber';

export type Board = 'esp32' | 'esp8266' | 'linux';

/** The parts of sim/node-vm.js SimNode the tests use. */
export interface SimNode {
  id: string;
  state: string;
  bootCount: number;
  lines: string[];
  events: NodeJS.EventEmitter;
  start(): SimNode;
  stop(): void;
  cutPower(): void;
  reboot(reason?: string): void;
  dropWifi(ms?: number): void;
  restoreWifi(): void;
  memory(): { usage: number; total: number; free: number };
}

interface SimModules {
  createNode(options: object): SimNode;
  nodeConfig(board: Board, o: object): object;
  nodeFiles(config: object): { [name: string]: string };
  ensureBuilt(o: { boards?: Board[] }): boolean;
  bundlePath(board: Board): string;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const sim: SimModules = Object.assign(
  {},
  require('../../sim/node-vm'),
  require('../../sim/config'),
  require('../../sim/dist'),
);

/** Simulated time runs 20x faster than real time: a 1 s interval is 50 ms. */
export const FAST = 0.05;

/** Builds dist/ once when a bundle is missing (npm test builds before jest). */
export function ensureDist(): void {
  sim.ensureBuilt({});
}

const running: SimNode[] = [];

export interface BootOptions {
  board: Board;
  nodeId: string;
  port: number;
  /** nodeConfig() fields: interval, keepAlive, deepSleep, tls, ca, cert, key... */
  config?: object;
  /** createNode() options: timeScale, abruptClose, wifi... */
  node?: object;
}

/**
 * Creates and starts a node running dist/<board>.js with the config made
 * from `o` (interval 1 s and keepAlive 10 s unless given) in Storage
 * node.json; its console lines are collected in `lines`. stopNodes() stops it.
 */
export function bootNode(o: BootOptions): SimNode {
  const config = sim.nodeConfig(o.board, Object.assign({ nodeId: o.nodeId, port: o.port, interval: 1, keepAlive: 10 }, o.config || {}));
  const node = sim.createNode(Object.assign({
    board: o.board,
    bundlePath: sim.bundlePath(o.board),
    id: o.nodeId,
    timeScale: FAST,
    files: sim.nodeFiles(config),
  }, o.node || {}));
  node.lines = [];
  node.events.on('log', (e: { line: string }) => node.lines.push(e.line));
  running.push(node);
  return node.start();
}

/** Stops every node bootNode() started (use in afterEach). */
export function stopNodes(): void {
  while (running.length > 0) running.pop()!.stop();
}

/**
 * The per-file fixture of the e2e suites: one Mosquitto (with `options`) for
 * the file, nodes and recorders stopped after each test. Call inside the
 * describe block; `fx.broker` is set by the time the tests run.
 */
export function brokerFixture(options?: Parameters<typeof startMosquitto>[0]): { broker: Mosquitto; recorders: Recorder[] } {
  const fx = { broker: undefined as unknown as Mosquitto, recorders: [] as Recorder[] };
  beforeAll(async () => {
    ensureDist();
    fx.broker = await startMosquitto(options);
  });
  afterEach(async () => {
    stopNodes();
    while (fx.recorders.length > 0) await fx.recorders.pop()!.stop();
  });
  afterAll(async () => {
    if (fx.broker) await fx.broker.dispose();
  });
  return fx;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 20 ms; rejects with `what` (and `detail()`) after timeoutMs. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what: string, detail?: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timeout (' + timeoutMs + ' ms) waiting for ' + what + (detail ? '\n' + detail() : ''));
    await sleep(20);
  }
}

/** A telemetry record as the node publishes it. */
export interface Reading {
  seq: number;
  uptime: number;
  memFree?: number;
  rssi?: number;
  [field: string]: number | undefined;
}

/** Telemetry messages of `nodeId` in arrival order, parsed (duplicates included). */
export function readings(r: Recorder, nodeId: string): Reading[] {
  return r.messages.filter((m) => m.topic === 'sensors/' + nodeId + '/telemetry').map((m) => JSON.parse(m.payload.toString('latin1')));
}

/** Status payloads of `nodeId` in arrival order. */
export function statuses(r: Recorder, nodeId: string): string[] {
  return r.messages.filter((m) => m.topic === 'sensors/' + nodeId + '/status').map((m) => m.payload.toString('latin1'));
}

/** Highest telemetry seq received from `nodeId` (0 when none). */
export function lastSeq(r: Recorder, nodeId: string): number {
  return readings(r, nodeId).reduce((max, x) => Math.max(max, x.seq), 0);
}

/** Distinct sequence numbers received, ascending. */
export function distinctSeqs(list: Reading[]): number[] {
  return Array.from(new Set(list.map((x) => x.seq))).sort((a, b) => a - b);
}

/** Numbers in first..last absent from `seqs`. */
export function gaps(seqs: number[], first: number, last: number): number[] {
  const have = new Set(seqs);
  const out: number[] = [];
  for (let n = first; n <= last; n++) if (!have.has(n)) out.push(n);
  return out;
}

/** Log lines of a node, for failure messages. */
export function logOf(node: SimNode): () => string {
  return () => 'node ' + node.id + ' log:\n' + node.lines.slice(-40).join('\n');
}

/** One line per recorded message, for failure messages. */
export function describeMessages(messages: RecordedMessage[]): string {
  return messages.map((m) => m.topic + ' ' + m.payload.toString('latin1') + (m.retain ? ' (retained)' : '')).join('\n');
}

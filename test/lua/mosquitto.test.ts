/**
 * The Lua build of the core (dist/mqttcore.lua) as a real client: LuaSocket host
 * test/lua/luasocket_host.lua on lua5.1 and lua5.3, against Mosquitto with
 * persistence on a free loopback port, witnessed by an MQTT.js recorder.
 *
 * One scenario per interpreter: persistent session (clean session false),
 * SUBSCRIBE at QoS 1, 50 QoS 1 PUBLISH all PUBACKed; one inbound QoS 1
 * message from MQTT.js delivered and PUBACKed (the broker logs the PUBACK and
 * never redelivers it); then the broker is frozen (SIGSTOP) while 30 more are
 * published, so they are written but unacknowledged, killed (SIGKILL) and
 * restarted: the core's supervisor reconnects by itself, the session is
 * resumed (session present), the 30 are resent with DUP=1 and acknowledged,
 * and the recorder holds every one of the 80 sequence numbers.
 */
import { join } from 'path';
import * as mqtt from 'mqtt';
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { Recorder, startRecorder } from '../support/subscriber';
import { LUA_BINARIES, LuaBundle, requireBinary, useLuaBundle } from './lua-run';
import { hasLuaSocket, LuaProcess } from './lua-process';

const HOST_SCRIPT = join(__dirname, 'luasocket_host.lua');
/** tstl builds a whole TypeScript program: seconds, more on a busy machine. */
const BUILD_TIMEOUT_MS = 120000;
/** The whole scenario, per interpreter. */
const SCENARIO_TIMEOUT_MS = 60000;
/** Any single wait inside the scenario. */
const STEP_MS = 15000;
/** The Lua host exits by itself after this long, whatever happens to the test. */
const HOST_MAX_SECONDS = 70;
const FIRST_BATCH = 50;
const LAST_SEQ = 80;

let core: LuaBundle;

/** Resolves once `predicate()` holds, polling every 50 ms; rejects after timeoutMs. */
async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Payloads (sequence numbers) of the PUBDONE lines with outcome `acked`. */
function ackedSeqs(lines: string[]): Set<number> {
  const out = new Set<number>();
  for (const l of lines) {
    const m = /^PUBDONE (\d+) acked$/.exec(l);
    if (m) out.add(Number(m[1]));
  }
  return out;
}

/** True when every sequence number in from..to is in `seqs`. */
function allIn(seqs: Set<number>, from: number, to: number): boolean {
  for (let n = from; n <= to; n++) if (!seqs.has(n)) return false;
  return true;
}

/** The key=value pairs of the host's SUMMARY line. */
function summaryOf(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const line = lines.find((l) => l.startsWith('SUMMARY ')) || '';
  for (const pair of line.split(' ').slice(1)) out[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  return out;
}

/** Publishes one QoS 1 message with a throwaway MQTT.js client; resolves once the broker PUBACKed it. */
async function publishFromMqttJs(port: number, topic: string, payload: string): Promise<void> {
  const c = await mqtt.connectAsync('mqtt://127.0.0.1:' + port, { clientId: 'lua-test-pub-' + process.pid, reconnectPeriod: 0 });
  try {
    await c.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await c.endAsync();
  }
}

/** Checks the host can run with `binary` here; throws in CI when it cannot. */
function canRun(binary: string): boolean {
  if (!requireBinary(binary)) return false;
  if (hasLuaSocket(binary)) return true;
  const why = binary + ': require("socket") fails (apt-get install lua-socket)';
  if (process.env.CI) throw new Error(why + ', required in CI');
  console.log(why + ': skipped');
  return false;
}

/** What the phases of one scenario share. */
interface Run {
  binary: string;
  clientId: string;
  topicIn: string;
  broker: Mosquitto;
  recorder: Recorder;
  lua: LuaProcess;
}

const INBOUND = 'hello-from-mqttjs';

/** Persistent session on a fresh broker, SUBACK QoS 1, the first batch all PUBACKed and recorded. */
async function firstBatch(r: Run): Promise<void> {
  await r.lua.waitFor('SUBACK', (l) => l.indexOf('SUBACK ' + r.topicIn + ' 1') >= 0, STEP_MS);
  expect(r.lua.linesStarting('CONNACK')).toEqual(['CONNACK sp=0']);
  r.lua.send('pub 1 ' + FIRST_BATCH);
  await r.lua.waitFor('first batch acked', (l) => allIn(ackedSeqs(l), 1, FIRST_BATCH), STEP_MS);
  expect(r.lua.linesStarting('QUEUED')).toEqual(['QUEUED 1 ' + FIRST_BATCH + ' ' + FIRST_BATCH]);
  await r.recorder.waitFor((rec) => rec.missing(1, FIRST_BATCH).length === 0, STEP_MS);
}

/** Inbound QoS 1 from MQTT.js: delivered, and PUBACKed by the Lua client (the broker logs it). */
async function inboundMessage(r: Run): Promise<void> {
  const b = r.broker;
  await publishFromMqttJs(b.port, r.topicIn, INBOUND);
  await r.lua.waitFor('inbound message', (l) => l.indexOf('MSG 1 ' + r.topicIn + ' ' + INBOUND) >= 0, STEP_MS);
  await until('PUBACK from the Lua client in the broker log', () => b.logs().indexOf('Received PUBACK from ' + r.clientId) >= 0, STEP_MS);
  // Both sessions (subscriptions, acknowledged state) are on disk before the crash.
  await b.waitForSave(STEP_MS);
}

/**
 * Freezes the broker so the second batch is written but never acknowledged,
 * then kills and restarts it. Returns the length of the broker log before the
 * restart (what follows is the restarted broker's).
 */
async function crashWithUnacked(r: Run): Promise<number> {
  const b = r.broker;
  b.pause();
  r.lua.send('pub ' + (FIRST_BATCH + 1) + ' ' + LAST_SEQ);
  const queued = 'QUEUED ' + (FIRST_BATCH + 1) + ' ' + LAST_SEQ + ' ' + (LAST_SEQ - FIRST_BATCH);
  await r.lua.waitFor('second batch queued', (l) => l.indexOf(queued) >= 0, STEP_MS);
  await new Promise((done) => setTimeout(done, 300));
  expect(ackedSeqs(r.lua.lines).size).toBe(FIRST_BATCH);
  const logLength = b.logs().length;
  await b.kill();
  await r.lua.waitFor('connection lost', (l) => l.indexOf('CLOSED CONNECTION_LOST') >= 0, STEP_MS);
  await b.restart();
  return logLength;
}

/** The supervisor reconnects by itself, the session is resumed, the batch resent with DUP=1 and recorded. */
async function recovery(r: Run, logBeforeRestart: number): Promise<void> {
  await r.lua.waitFor('reconnected', (l) => l.filter((x) => x.startsWith('CONNACK')).length >= 2, STEP_MS);
  expect(r.lua.linesStarting('CONNACK')).toEqual(['CONNACK sp=0', 'CONNACK sp=1']);
  await r.lua.waitFor('second batch acked', (l) => allIn(ackedSeqs(l), 1, LAST_SEQ), STEP_MS);
  await r.recorder.waitFor((rec) => rec.missing(1, LAST_SEQ).length === 0, STEP_MS);
  // [MQTT-4.4.0-1]: unacknowledged PUBLISHes are resent with DUP=1 on the resumed session.
  const after = r.broker.logs().slice(logBeforeRestart);
  expect(after).toMatch(new RegExp('Received PUBLISH from ' + r.clientId + ' \\(d1, q1'));
}

/** Clean exit and the totals: every message acked, the inbound one delivered once (never redelivered). */
async function finish(r: Run): Promise<void> {
  r.lua.send('quit');
  expect(await r.lua.exited(STEP_MS)).toBe(0);
  expect(r.lua.linesStarting('ERROR')).toEqual([]);
  expect(r.lua.linesStarting('PUBDONE').filter((l) => !l.endsWith(' acked'))).toEqual([]);
  expect(r.lua.linesStarting('MSG')).toEqual(['MSG 1 ' + r.topicIn + ' ' + INBOUND]);
  const s = summaryOf(r.lua.lines);
  expect(s.version).toBe('Lua' + r.binary.slice(3));
  expect(s).toMatchObject({ acked: String(LAST_SEQ), msgs: '1', connacks: '2', rejected: '0', reconnects: '1' });
  expect(r.recorder.missing(1, LAST_SEQ)).toEqual([]);
}

/** One broker, recorder and Lua host per interpreter; everything is torn down whatever happens. */
async function scenario(binary: string): Promise<void> {
  const tag = binary.replace('.', '') + '-' + process.pid;
  const clientId = 'lua-' + tag;
  const topicOut = 'lua/' + tag + '/out';
  const topicIn = 'lua/' + tag + '/in';
  let broker: Mosquitto | undefined;
  let recorder: Recorder | undefined;
  let lua: LuaProcess | undefined;
  try {
    broker = await startMosquitto({ persistence: true });
    recorder = await startRecorder({ port: broker.port, filter: topicOut, clientId: 'rec-' + tag });
    lua = new LuaProcess(binary, HOST_SCRIPT, [core.bundle, String(broker.port), clientId, topicOut, topicIn, String(HOST_MAX_SECONDS)]);
    const r: Run = { binary, clientId, topicIn, broker, recorder, lua };
    await firstBatch(r);
    await inboundMessage(r);
    await recovery(r, await crashWithUnacked(r));
    await finish(r);
  } finally {
    if (lua) lua.kill();
    if (recorder) await recorder.stop();
    if (broker) await broker.dispose();
  }
}

describeIfMosquitto('Lua client (dist/mqttcore.lua on LuaSocket) against Mosquitto', () => {
  core = useLuaBundle('lua-mosquitto-', BUILD_TIMEOUT_MS);

  test.each(LUA_BINARIES)('%s: QoS 1 both ways, broker crash with unacknowledged messages, reconnect and resend', async (binary) => {
    if (!canRun(binary)) return;
    await scenario(binary);
  }, SCENARIO_TIMEOUT_MS);
});

/**
 * dist/mqtt.js, dist/mqtt-codec.js and dist/linux.js on a REAL Espruino for Linux interpreter, through
 * scripts/espruino-mem.js. Needs ESPRUINO_BIN (an Espruino for Linux binary);
 * without it the interpreter tests are skipped with a plain message. The
 * argument checks of the script run everywhere.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Mosquitto, mosquittoAvailable, startMosquitto } from '../support/mosquitto';
import { Recorder, startRecorder } from '../support/subscriber';

interface Memory { usage: number; free: number; total: number; blocksize: number }
interface Measured { load?: Memory; run?: Memory; error: string; output: string }
interface EspruinoMem {
  measureCode(bin: string, code: string, opts: { flash: boolean; runMs: number }): Promise<Measured>;
  runCode(bin: string, code: string, tail: string, flash: boolean, timeoutMs: number): Promise<{ code: number | null; output: string }>;
  parseConsoleMemory(output: string): { load?: Memory; run?: Memory };
}

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'espruino-mem.js');
const mem = require(SCRIPT) as EspruinoMem;
const mqttPacket = require('mqtt-packet') as { generate(p: object): Buffer };
const BIN = process.env.ESPRUINO_BIN;
const MQTT_BUNDLE = path.join(ROOT, 'dist', 'mqtt.js');
const CODEC_BUNDLE = path.join(ROOT, 'dist', 'mqtt-codec.js');
const LINUX_BUNDLE = path.join(ROOT, 'dist', 'linux.js');
const { nodeConfig } = require(path.join(ROOT, 'sim', 'config.js')) as { nodeConfig(board: string, o: object): object };
const RUN_TIMEOUT_MS = 60000;

/**
 * Boots `bundle` from (emulated) flash as .bootcde, then runs `probe`: from
 * flash the bundle fits even an ESP8266-sized heap, where loading its source
 * into RAM runs out of memory.
 */
function probeBundle(bundle: string, probe: string): Promise<{ output: string }> {
  return mem.runCode(BIN as string, bundle, probe, true, RUN_TIMEOUT_MS);
}

/** What the program printed after `tag` on one line, parsed as JSON. */
function printed(output: string, tag: string): unknown {
  const line = output.split(/\r?\n/).find((l) => l.indexOf(tag) >= 0);
  if (line === undefined) throw new Error('no "' + tag + '" line in:\n' + output.slice(-3000));
  return JSON.parse(line.slice(line.indexOf(tag) + tag.length));
}

describe('scripts/espruino-mem.js without an interpreter', () => {
  test('reads the console\'s printed process.memory() answers: the first is load, the second run', () => {
    // What Espruino 2v29's console prints for `process.memory()` (prompt, echo, pretty-printed object).
    const answer = (free: number, usage: number): string =>
      '>process.memory()\r\n={ free: ' + free + ', usage: ' + usage + ', total: 1600, history: 0, \r\n' +
      '  gc: 0, gctime: 0.883, blocksize: 12, \r\n  rx: { used: 0, total: 1024 }, \r\n  tx: { used: 0, total: 256 }\r\n }\r\n';
    const output = 'banner\r\n' + answer(885, 715) + 'telemetry\r\n' + answer(807, 793) + '>quit()\r\n=undefined\r\n';
    expect(mem.parseConsoleMemory(output)).toEqual({
      load: { usage: 715, free: 885, total: 1600, blocksize: 12 },
      run: { usage: 793, free: 807, total: 1600, blocksize: 12 },
    });
    expect(mem.parseConsoleMemory('no answer')).toEqual({});
  });
});

describe('scripts/espruino-mem.js arguments', () => {
  function run(env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
    const r = spawnSync(process.execPath, [SCRIPT, MQTT_BUNDLE], { env: env, encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  }

  test('exits 2 naming ESPRUINO_BIN when it is unset', () => {
    const env = Object.assign({}, process.env);
    delete env.ESPRUINO_BIN;
    const r = run(env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ESPRUINO_BIN is not set');
  });

  test('exits 2 when ESPRUINO_BIN is not an executable file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'espruino-bin-'));
    const notExecutable = path.join(dir, 'espruino');
    fs.writeFileSync(notExecutable, 'not a binary');
    fs.chmodSync(notExecutable, 0o644);
    try {
      const r = run(Object.assign({}, process.env, { ESPRUINO_BIN: notExecutable }));
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('not an executable file');
      expect(run(Object.assign({}, process.env, { ESPRUINO_BIN: dir })).stderr).toContain('is not a file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

if (!BIN) console.log('SKIPPED: set ESPRUINO_BIN to an Espruino for Linux binary');
const onEspruino = BIN ? describe : describe.skip;

onEspruino('dist/mqtt.js on the real interpreter', () => {
  let bundle = '';
  let codec = '';

  beforeAll(() => {
    if (!fs.existsSync(MQTT_BUNDLE) || !fs.existsSync(CODEC_BUNDLE)) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
    bundle = fs.readFileSync(MQTT_BUNDLE, 'latin1');
    codec = fs.readFileSync(CODEC_BUNDLE, 'latin1');
  });

  test('loads and exposes the MQTT global as one plain object', async () => {
    const probe = 'print("@@API "+JSON.stringify({type:typeof MQTT,keys:Object.keys(MQTT).sort()}));quit();';
    const r = await probeBundle(bundle, probe);
    expect(r.output).not.toMatch(/Uncaught|OUT OF MEMORY|ASSERT/);
    expect(printed(r.output, '@@API ')).toEqual({
      type: 'object',
      keys: ['codecErrorMessage', 'createClient', 'createPublisher', 'createSupervisor', 'topicMatches'],
    });
  });

  test('dist/mqtt-codec.js: encodePacket matches mqtt-packet, createFramer decodes it from 7-byte chunks', async () => {
    const probe = [
      'function hex(s){var h="";for(var i=0;i<s.length;i++){var c=s.charCodeAt(i);h+=(c<16?"0":"")+c.toString(16)}return h}',
      'var payload="";for(var i=0;i<256;i++)payload+=String.fromCharCode(i);',
      'var bytes=MQTTCodec.encodePacket({type:3,dup:false,qos:1,retain:true,topic:"sensors/t1/telemetry",packetId:10,payload:payload});',
      'print("@@ENC "+JSON.stringify(hex(bytes)));',
      'var f=MQTTCodec.createFramer(1024),got=[];',
      'for(var o=0;o<bytes.length;o+=7){f.push(bytes.substr(o,7));var p;while((p=f.next())!==undefined)got.push(p)}',
      'print("@@DEC "+JSON.stringify(got.map(function(p){return{type:p.type,dup:p.dup,qos:p.qos,retain:p.retain,topic:p.topic,packetId:p.packetId,payload:hex(p.payload)}})));',
      'print("@@ERR "+JSON.stringify(String(f.error)));quit();',
    ].join('\n');
    const r = await probeBundle(codec, probe);
    const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const expected = mqttPacket.generate({
      cmd: 'publish', topic: 'sensors/t1/telemetry', payload: payload, qos: 1, retain: true, dup: false, messageId: 10,
    });
    expect(printed(r.output, '@@ENC ')).toBe(expected.toString('hex'));
    expect(printed(r.output, '@@DEC ')).toEqual([{
      type: 3, dup: false, qos: 1, retain: true, topic: 'sensors/t1/telemetry', packetId: 10, payload: payload.toString('hex'),
    }]);
    expect(printed(r.output, '@@ERR ')).toBe('undefined');
  });

  test('espruino-mem measures the bundle from flash: more blocks than an empty program, within the heap', async () => {
    const empty = await mem.measureCode(BIN as string, '', { flash: true, runMs: 100 });
    const loaded = await mem.measureCode(BIN as string, bundle, { flash: true, runMs: 100 });
    expect(empty.load).toBeDefined();
    expect(loaded.load).toBeDefined();
    const e = empty.load as Memory;
    const l = loaded.load as Memory;
    expect(l.total).toBe(e.total);
    expect(l.usage + l.free).toBe(l.total);
    // The API object, its functions and their scopes: hundreds of blocks on any geometry.
    expect(l.usage - e.usage).toBeGreaterThan(100);
    expect(loaded.run).toBeDefined();
  });
});

/**
 * The shipped Linux board bundle, from flash as it is installed, as a real
 * node: its node.json is written to Storage first (as a flashing tool would),
 * it connects to Mosquitto on loopback and publishes status and telemetry,
 * which an independent MQTT.js recorder checks.
 */
const onEspruinoWithBroker = BIN && mosquittoAvailable() ? describe : describe.skip;
if (BIN && !mosquittoAvailable()) console.log('SKIPPED: dist/linux.js on real Espruino needs mosquitto (apt-get install mosquitto)');

onEspruinoWithBroker('dist/linux.js on the real interpreter against Mosquitto', () => {
  let broker: Mosquitto;
  let recorder: Recorder;

  beforeAll(async () => {
    if (!fs.existsSync(LINUX_BUNDLE)) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
    broker = await startMosquitto();
    recorder = await startRecorder({ port: broker.port, filter: 'sensors/real-1/#', clientId: 'real-espruino-recorder' });
  });
  afterAll(async () => {
    if (recorder) await recorder.stop();
    if (broker) await broker.dispose();
  });

  test('boots from flash, says online and publishes telemetry with seq 1, 2, 3...', async () => {
    const config = JSON.stringify(nodeConfig('linux', { nodeId: 'real-1', port: broker.port, interval: 1, keepAlive: 10 }));
    const prelude = 'require("Storage").write("node.json",' + JSON.stringify(config) + ');\n';
    const run = mem.runCode(BIN as string, prelude + fs.readFileSync(LINUX_BUNDLE, 'latin1'), 'setTimeout(quit, 6000);', true, RUN_TIMEOUT_MS);
    // Uploading .bootcde through the console takes tens of seconds under emulation (qemu).
    await recorder.waitFor((r) => r.messages.filter((m) => m.topic === 'sensors/real-1/telemetry').length >= 3, RUN_TIMEOUT_MS);
    const r = await run;
    expect(r.output).not.toMatch(/Uncaught|OUT OF MEMORY|ASSERT/);
    const status = recorder.messages.filter((m) => m.topic === 'sensors/real-1/status').map((m) => m.payload.toString());
    expect(status).toContain('online');
    const seqs = recorder.messages.filter((m) => m.topic === 'sensors/real-1/telemetry').map((m) => JSON.parse(m.payload.toString()).seq);
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
  }, 2 * RUN_TIMEOUT_MS);
});

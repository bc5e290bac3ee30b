/**
 * The Espruino build (scripts/build.js and scripts/lib): bundles tiny
 * temporary entries end to end and runs the output in a fresh VM context.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';

interface Built { outfile: string; code: string; exportNames: string[] | null; renames: Array<[string, string]> }
interface BundleSpec { entry: string; outfile: string; globalName?: string; define?: Record<string, string> }
interface BuildModule {
  bundle(spec: BundleSpec): Promise<Built>;
  listBoards(dir: string): string[];
  main(argv: string[]): Promise<number>;
}
interface Finding { rule: string }

const ROOT = path.resolve(__dirname, '..', '..');
const build = require(path.join(ROOT, 'scripts', 'build.js')) as BuildModule;
const { checkSource } = require(path.join(ROOT, 'scripts', 'check-espruino.js')) as
  { checkSource(code: string, file: string): Finding[] };
const { fixIdentifiers } = require(path.join(ROOT, 'scripts', 'lib', 'identifier-fixups.js')) as
  { fixIdentifiers(code: string, topLevelPrefix?: string): { code: string; renames: Array<[string, string]> } };
const { configDefines } = require(path.join(ROOT, 'scripts', 'lib', 'config-hook.js')) as
  { configDefines(args: { board: string | null; config: string | null }): Record<string, string> };
const { parseBuildArgs } = require(path.join(ROOT, 'scripts', 'lib', 'build-args.js')) as
  { parseBuildArgs(argv: string[]): { board: string | null; config: string | null } };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'espruino-build-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function source(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** Run a bundle in a fresh context; `sandbox` supplies globals (e.g. module, require). */
function run(code: string, sandbox: Record<string, unknown>): Record<string, unknown> {
  const context = vm.createContext(sandbox);
  vm.runInContext(code, context);
  return context as Record<string, unknown>;
}

describe('API bundle (dist/mqtt.js shape)', () => {
  let built: Built;
  beforeAll(async () => {
    source('api/codec.ts', [
      'export function encode(s: string): string { return s + "caf\u00e9" + String.fromCharCode(255); }',
      'export function decodeLength(s: string): number { return s.length; }',
    ].join('\n'));
    source('api/index.ts', [
      'export { encode, decodeLength } from "./codec";',
      'export const PROTOCOL_LEVEL = 4;',
      'export class Session { id: number; constructor(id: number) { this.id = id; } }',
      'export function createSession(id: number): Session { return new Session(id); }',
      'export type Unused = number;',
    ].join('\n'));
    built = await build.bundle({ entry: path.join(dir, 'api/index.ts'), outfile: path.join(dir, 'out/mqtt.js'), globalName: 'MQTT' });
  });

  test('lists the runtime exports (types excluded)', () => {
    expect(built.exportNames).toEqual(['PROTOCOL_LEVEL', 'Session', 'createSession', 'decodeLength', 'encode']);
  });

  test('has no getter-per-export helper: no defineProperty, no get: accessor', () => {
    expect(built.code).not.toContain('Object.defineProperty');
    expect(built.code).not.toMatch(/get:/);
    expect(built.code).not.toContain('__export');
    expect(built.code).toMatch(/MQTT=\{PROTOCOL_LEVEL:/);
  });

  test('module.exports is a plain object of data properties when `module` exists', () => {
    const module = { exports: {} as Record<string, unknown> };
    run(built.code, { module: module });
    const api = module.exports;
    expect(Object.keys(api).sort()).toEqual(['PROTOCOL_LEVEL', 'Session', 'createSession', 'decodeLength', 'encode']);
    for (const key of Object.keys(api)) {
      const descriptor = Object.getOwnPropertyDescriptor(api, key);
      expect(descriptor && 'value' in descriptor && descriptor.get === undefined).toBe(true);
    }
    expect(api.PROTOCOL_LEVEL).toBe(4);
    expect((api.createSession as (id: number) => { id: number })(7).id).toBe(7);
  });

  test('the global MQTT is set without CommonJS', () => {
    const context = run(built.code, {});
    const api = context.MQTT as { decodeLength(s: string): number };
    expect(api.decodeLength('abc')).toBe(3);
  });

  test('output is ASCII although the source has non-ASCII literals, and the bytes survive', () => {
    expect(isAscii(built.code)).toBe(true);
    const context = run(built.code, {});
    const api = context.MQTT as { encode(s: string): string };
    expect(api.encode('x')).toBe('xcaf\u00e9\u00ff');
  });

  test('output passes the checker and is written to the outfile', () => {
    expect(checkSource(built.code, 'mqtt.js')).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'out/mqtt.js'), 'utf8')).toBe(built.code);
  });
});

/** A context whose String.fromCharCode keeps 8 bits, as Espruino on ESP32/ESP8266 (a byte-string host). */
function narrowHost(): vm.Context {
  const narrow = vm.createContext({});
  vm.runInContext('var f = String.fromCharCode; String.fromCharCode = function () { var a = []; for (var i = 0; i < arguments.length; i++) a.push(arguments[i] % 256); return f.apply(String, a); };', narrow);
  return narrow;
}

/** The client API of dist/mqtt.js, as far as these tests use it. */
interface ClientApi {
  createClient(o: object): { connect(t: object, now: number): void; onData(d: string, now: number): void; publish(t: string, p: unknown, q: number, r: boolean): unknown };
}

/** A client of `api` connected on a recording transport, past an accepted CONNACK, nothing written yet. */
function connectedClient(api: ClientApi): { c: ReturnType<ClientApi['createClient']>; written: string[] } {
  const written: string[] = [];
  const c = api.createClient({ clientId: 'n1' });
  c.connect({ write: (d: string) => { written.push(d); return true; }, close: () => undefined }, 0);
  c.onData('\u0020\u0002\u0000\u0000', 1); // CONNACK accepted
  written.length = 0;
  return { c, written };
}

describe('the real MQTT bundles', () => {
  let client: Built;
  let codec: Built;
  beforeAll(async () => {
    client = await build.bundle({ entry: path.join(ROOT, 'firmware/mqtt/index.ts'), outfile: path.join(dir, 'out/client.js'), globalName: 'MQTT' });
    codec = await build.bundle({ entry: path.join(ROOT, 'firmware/mqtt/codec-entry.ts'), outfile: path.join(dir, 'out/codec.js'), globalName: 'MQTTCodec' });
  });

  test('the client library carries the client API only; the full codec is its own bundle', () => {
    expect(client.exportNames).toEqual(['codecErrorMessage', 'createClient', 'createPublisher', 'createSupervisor', 'topicMatches']);
    expect(codec.exportNames).toEqual(['codecErrorMessage', 'createFramer', 'encodePacket']);
    // Neither the CONNECT decoder (it checks the protocol name) nor the CONNACK encoder is in the client.
    for (const brokerSide of ['!=="MQTT"', 'fromCharCode(32,2,']) {
      expect(codec.code).toContain(brokerSide);
      expect(client.code).not.toContain(brokerSide);
    }
  });

  test('probes wide strings at run time: on a byte-string host (ESP) UTF-8 topics pass through unchanged', () => {
    // esbuild folds String.fromCharCode(<literal>) to the build machine's
    // answer; the probe in utf8.ts must survive minification.
    const publish = { type: 3, dup: false, qos: 0, retain: false, topic: '\u00c3\u00a9', packetId: 0, payload: '' };
    const encode = (context: Record<string, unknown>, p: object): string | undefined =>
      (context.MQTTCodec as { encodePacket(p: unknown): string | undefined }).encodePacket(p);
    const narrow = narrowHost();
    vm.runInContext(codec.code, narrow);
    // Topic: 2-byte length then the 2 bytes as given (already UTF-8 on a byte host).
    expect((encode(narrow, publish) as string).substring(2, 6)).toBe('\u0000\u0002\u00c3\u00a9');
    // A wide host encodes each of the 2 chars as UTF-8: 4 bytes.
    const wide = run(codec.code, {});
    expect((encode(wide, publish) as string).substring(2, 4)).toBe('\u0000\u0004');
    // Latin-1 "caf\xE9" (what an ASCII-escaped literal gives an ESP) is not UTF-8:
    // refused on a byte host, where it used to go out as it is.
    expect(encode(narrow, { ...publish, topic: 'caf\u00e9' })).toBeUndefined();
    expect(encode(wide, { ...publish, topic: 'caf\u00e9' })).toBe(encode(narrow, { ...publish, topic: 'caf\u00c3\u00a9' }));
  });

  test('the plain-JS client refuses a payload that is not a byte string and writes nothing', () => {
    const { c, written } = connectedClient(run(client.code, {}).MQTT as ClientApi);
    // 42 used to go out as a PUBLISH with remaining length 0 followed by "42".
    for (const payload of [42, { a: 1 }, null, undefined, '\u20ac']) {
      for (const qos of [0, 1]) expect(typeof c.publish('a', payload, qos, false)).toBe('string');
    }
    expect(written).toEqual([]);
  });

  test('on a byte-string host the client refuses a Latin-1 topic and writes nothing', () => {
    const narrow = narrowHost();
    vm.runInContext(client.code, narrow);
    const { c, written } = connectedClient(narrow.MQTT as ClientApi);
    expect(typeof c.publish('caf\u00e9/t', 'x', 0, false)).toBe('string');
    expect(written).toEqual([]);
    expect(typeof c.publish('caf\u00c3\u00a9/t', 'x', 0, false)).toBe('number');
    expect(written).toEqual(['\u0030\u000a\u0000\u0007caf\u00c3\u00a9/tx']);
  });
});

/**
 * Bundles `lines` as the board boards/<name>.ts, with `report` declared, and
 * runs it with `sandbox` and a `report` that keeps its argument.
 */
async function runBoard(name: string, lines: string[], sandbox: Record<string, unknown> = {}) {
  const entry = source('boards/' + name + '.ts', ['declare const report: (v: unknown) => void;'].concat(lines).join('\n'));
  const built = await build.bundle({ entry: entry, outfile: path.join(dir, 'out/' + name + '.js') });
  const result = { built: built, reported: undefined as unknown, context: {} as Record<string, unknown> };
  result.context = run(built.code, { ...sandbox, report: (v: unknown) => { result.reported = v; } });
  return result;
}

describe('board bundles (self-starting, at global scope)', () => {
  test('declare their top-level names as $-prefixed globals, without an IIFE', async () => {
    const { built, reported, context } = await runBoard('top', [
      'class Box { constructor(public v: number) {} get(): number { return this.v; } }',
      'function twice(b: Box): number { return b.get() * 2; }',
      'report(twice(new Box(21)));',
    ]);
    expect(built.code.startsWith('(')).toBe(false);
    expect(reported).toBe(42);
    const globals = Object.getOwnPropertyNames(context).filter((n) => n !== 'report');
    expect(globals.length).toBeGreaterThan(0);
    for (const name of globals) expect(name).toMatch(/^\$/);
  });

  test('lowers ?. ** ||= class fields and object spread into code that runs', async () => {
    const { built, reported } = await runBoard('lower', [
      'class Counter { count = 0; step = 2; bump(): number { this.count += this.step ** 2; return this.count; } }',
      'const c = new Counter();',
      'const o: { a?: { b: number } } = { a: { b: 5 } };',
      'let name: string | undefined;',
      'name ||= "node";',
      'const merged = { ...{ x: 1 }, y: 2 };',
      'report([c.bump(), o.a?.b, name, merged.x + merged.y, `t${c.count}`]);',
    ]);
    expect(built.code).toContain('this.count=0');
    expect(reported).toEqual([4, 5, 'node', 3, 't4']);
    expect(checkSource(built.code, 'lower.js')).toEqual([]);
  });

  test('keeps require("net") verbatim, without esbuild\'s __require/Proxy helper', async () => {
    source('boards/port.ts', 'export const port = 1883;');
    const required: string[] = [];
    const { built, reported } = await runBoard('net', [
      'declare function require(name: string): { connect(o: object): string };',
      'import { port } from "./port";',
      'report(require("net").connect({ port: port }));',
    ], { require: (name: string) => { required.push(name); return { connect: (o: { port: number }) => 'connected:' + o.port }; } });
    expect(built.code).toContain('require("net")');
    expect(built.code).not.toContain('Proxy');
    expect(required).toEqual(['net']);
    expect(reported).toBe('connected:1883');
  });

  test('embeds the --config JSON as __NODE_CONFIG__ (null without --config)', async () => {
    const entry = source('boards/config.ts', 'declare const __NODE_CONFIG__: { nodeId: string; broker: { port: number } } | null;\ndeclare const report: (v: unknown) => void;\nreport(__NODE_CONFIG__ && __NODE_CONFIG__.nodeId + ":" + __NODE_CONFIG__.broker.port);\n');
    const configFile = source('node.json', JSON.stringify({ nodeId: 'node-7', broker: { host: '127.0.0.1' } }));
    const withConfig = await build.bundle({ entry: entry, outfile: path.join(dir, 'out/config.js'), define: configDefines({ board: 'linux', config: configFile }) });
    const withoutConfig = await build.bundle({ entry: entry, outfile: path.join(dir, 'out/noconfig.js'), define: configDefines({ board: null, config: null }) });
    const seen: unknown[] = [];
    run(withConfig.code, { report: (v: unknown) => seen.push(v) });
    run(withoutConfig.code, { report: (v: unknown) => seen.push(v) });
    // The embedded config is the validated one, with defaults filled in (port 1883).
    expect(seen).toEqual(['node-7:1883', null]);
  });
});

describe('the build refuses what Espruino cannot run', () => {
  test('destructuring and async fail in esbuild with file:line:col', async () => {
    const entry = source('bad/index.ts', [
      'export function first(o: { a: number }): number { const { a } = o; return a; }',
      'export async function later(): Promise<number> { return await Promise.resolve(1); }',
    ].join('\n'));
    const outfile = path.join(dir, 'out/bad.js');
    const failure = build.bundle({ entry: entry, outfile: outfile, globalName: 'MQTT' });
    await expect(failure).rejects.toThrow(/index\.ts:1:\d+: Transforming destructuring/);
    await expect(failure).rejects.toThrow(/index\.ts:2:\d+: Transforming async functions/);
    expect(fs.existsSync(outfile)).toBe(false);
  });

  test('default and rest parameters and array spread fail in esbuild', async () => {
    const entry = source('bad/params.ts', 'declare const report: (v: unknown) => void;\nfunction f(a = 1, ...r: number[]) { return [a, ...r]; }\nreport(f());\n');
    const failure = build.bundle({ entry: entry, outfile: path.join(dir, 'out/params.js') });
    await expect(failure).rejects.toThrow(/default arguments/);
    await expect(failure).rejects.toThrow(/rest arguments/);
    await expect(failure).rejects.toThrow(/array spread/);
  });

  test('what esbuild passes but Espruino lacks fails the checker, naming bundle, position and rule', async () => {
    const entry = source('bad/map.ts', 'declare const report: (v: unknown) => void;\nconst seen = new Map<string, number>();\nreport(seen);\n');
    const outfile = path.join(dir, 'out/map.js');
    fs.mkdirSync(path.dirname(outfile), { recursive: true });
    fs.writeFileSync(outfile, '/* stale bundle from an earlier build */');
    const failure = build.bundle({ entry: entry, outfile: outfile });
    await expect(failure).rejects.toThrow(/out\/map\.js:1:\d+ missing-global Map does not exist on Espruino\n {4}\.\.\..*new Map/);
    expect(fs.existsSync(outfile)).toBe(false);
  });

  test('a call before the function declaration runs fails the checker', async () => {
    const entry = source('bad/hoist.ts', 'declare const report: (v: unknown) => void;\nreport(start());\nfunction start(): number { return 1; }\n');
    await expect(build.bundle({ entry: entry, outfile: path.join(dir, 'out/hoist.js') })).rejects.toThrow(/no-hoisting/);
  });
});

describe('identifier fixups', () => {
  test('renames a variable named `of` everywhere, keeping property names', () => {
    const fixed = fixIdentifiers('var of=1;f(of,{of},x.of,{of:of});function g(of){return of}');
    expect(fixed.renames).toEqual([['of', '$of']]);
    expect(fixed.code).toBe('var $of=1;f($of,{of:$of},x.of,{of:$of});function g($of){return $of}');
    expect(checkSource(fixed.code, 'fixed.js')).toEqual([]);
  });

  test('with a prefix, renames top-level names everywhere, shadowing parameters included', () => {
    const fixed = fixIdentifiers('function a(){return 1}function b(a){return a+1}var c=b(a()),d={a};report(c,d.a);', '$');
    expect(fixed.code).toBe('function $a(){return 1}function $b($a){return $a+1}var $c=$b($a()),$d={a:$a};report($c,$d.a);');
    const seen: unknown[] = [];
    run(fixed.code, { report: (c: unknown, a: unknown) => seen.push(c, typeof a) });
    expect(seen).toEqual([2, 'function']);
  });

  test('picks a fresh name when $of is taken', () => {
    expect(fixIdentifiers('var of=1,$of=2;f(of,$of)').code).toBe('var $of1=1,$of=2;f($of1,$of)');
  });
});

describe('arguments and boards', () => {
  test('parses --board and --config in both forms', () => {
    expect(parseBuildArgs(['--board', 'esp32', '--config=node.json'])).toEqual({ board: 'esp32', config: 'node.json' });
    expect(parseBuildArgs([])).toEqual({ board: null, config: null });
  });

  test.each([
    [['--bogus'], /unknown argument "--bogus"/],
    [['--board'], /--board needs a value/],
    [['--board', 'a', '--board', 'b'], /--board given twice/],
    [['constructor'], /unknown argument "constructor"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBuildArgs(argv as string[])).toThrow(message as RegExp);
  });

  test('config hook: missing file, invalid JSON and a missing --board are clear errors', () => {
    expect(() => configDefines({ board: 'esp32', config: path.join(dir, 'missing.json') })).toThrow(/cannot read config/);
    const broken = source('broken.json', '{"id": ');
    expect(() => configDefines({ board: 'esp32', config: broken })).toThrow(/is not valid JSON/);
    expect(() => configDefines({ board: null, config: broken })).toThrow(/--config needs --board/);
  });

  test('config hook: an embedded config must be ASCII, DER keys aside (an ESP would get Latin-1)', () => {
    const base = { nodeId: 'n1', wifi: { ssid: 's' }, broker: { host: 'h', username: 'u' }, mqtt: { topicPrefix: 'ok' } };
    const embed = (c: object): string => configDefines({ board: 'esp32', config: source('ascii/node.json', JSON.stringify(c)) }).__NODE_CONFIG__;
    expect(JSON.parse(embed(base)).topicPrefix).toBe('ok');
    expect(() => embed({ ...base, mqtt: { topicPrefix: 'caf\u00e9' } })).toThrow(/mqtt\.topicPrefix: must be ASCII in a config embedded with --config/);
    expect(() => embed({ ...base, broker: { host: 'h', username: 'j\u00fcrgen' } })).toThrow(/broker\.username: must be ASCII/);
    expect(() => embed({ ...base, wifi: { ssid: 's', password: 'p\u00e4ss' } })).toThrow(/wifi\.password: must be ASCII/);
    // A CA certificate is DER bytes (0x82, 0xFF...): embedded as bytes, not refused.
    source('ascii/ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\nAP8=\n-----END CERTIFICATE-----\n');
    const tls = JSON.parse(embed({ ...base, broker: { host: 'h', tls: true, ca: 'ca.pem' } }));
    expect(tls.broker.ca).toBe('\x30\x82\x01\x00\xff');
  });

  test('listBoards finds boards/<name>.ts only', () => {
    source('tree/boards/esp32.ts', '');
    source('tree/boards/espruino.d.ts', '');
    source('tree/boards/espruino/net.ts', '');
    expect(build.listBoards(path.join(dir, 'tree/boards'))).toEqual(['esp32']);
  });

  test('main exits 1 with a message on an unknown board', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => { errors.push(m); });
    try {
      expect(await build.main(['--board', 'no-such-board'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/unknown board "no-such-board"/);
  });
});

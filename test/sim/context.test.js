'use strict';
/** The vm context a bundle runs in: what is (not) reachable, require, timers, uncaught errors. */
const { startNode, stopAll, waitForLine, payload, delay } = require('./helpers');

afterEach(stopAll);

const PROBE = `
var names = ['Map', 'Set', 'WeakMap', 'Symbol', 'Proxy', 'Reflect', 'Buffer', 'TextEncoder', 'queueMicrotask', 'setImmediate'];
var seen = {};
for (var i = 0; i < names.length; i++) {
  var ok;
  try { ok = typeof eval(names[i]) !== 'undefined'; } catch (e) { ok = false; }
  seen[names[i]] = ok;
}
seen.nextTick = typeof process.nextTick;
seen.isInteger = typeof Number.isInteger;
seen.arrayFrom = typeof Array.from;
seen.trunc = typeof Math.trunc;
seen.freeze = typeof Object.freeze;
seen.promise = typeof Promise;
seen.uint8 = typeof Uint8Array;
seen.dataView = typeof DataView;
seen.byte = String.fromCharCode(0x141).charCodeAt(0);
seen.b64 = atob(btoa(String.fromCharCode(0, 200, 255)));
seen.on = typeof ({}).on;
console.log('PROBE ' + JSON.stringify(seen));
`;

test('ES built-ins Espruino lacks are not reachable, Espruino ones are', async () => {
  const node = startNode({ board: 'esp32', bundle: PROBE });
  const p = payload(await waitForLine(node, /^PROBE /));
  for (const name of ['Map', 'Set', 'WeakMap', 'Symbol', 'Proxy', 'Reflect', 'Buffer', 'TextEncoder', 'queueMicrotask', 'setImmediate']) {
    expect([name, p[name]]).toEqual([name, false]);
  }
  expect(p).toMatchObject({ nextTick: 'undefined', isInteger: 'undefined', arrayFrom: 'undefined', trunc: 'undefined', freeze: 'undefined' });
  expect(p).toMatchObject({ promise: 'function', uint8: 'function', dataView: 'function', on: 'function' });
  expect(p.byte).toBe(0x41); // fromCharCode keeps the low 8 bits, as on the device
  expect(p.b64).toBe('\u0000\u00c8\u00ff');
});

test('a bundle that uses Map fails in the sim as on the device', async () => {
  const node = startNode({ board: 'esp8266', bundle: 'var m = new Map(); console.log("unreachable");' });
  await delay(20);
  expect(node.lines).not.toContain('unreachable');
  expect(node.errors[0].error.name).toBe('ReferenceError');
});

const REQUIRE_PROBE = `
var out = {};
['net', 'tls', 'Wifi', 'Storage', 'fs', 'http'].forEach(function (m) {
  try { require(m); out[m] = 'ok'; } catch (e) { out[m] = e.message; }
});
console.log('REQ ' + JSON.stringify(out));
`;

test.each([
  ['esp32', { net: 'ok', tls: 'ok', Wifi: 'ok', Storage: 'ok' }],
  ['esp8266', { net: 'ok', tls: 'Module tls not found', Wifi: 'ok', Storage: 'ok' }],
  ['linux', { net: 'ok', tls: 'ok', Wifi: 'Module Wifi not found', Storage: 'ok' }],
])('require() on %s offers only its built-in modules', async (board, expected) => {
  const node = startNode({ board, bundle: REQUIRE_PROBE });
  const p = payload(await waitForLine(node, /^REQ /));
  expect(p).toEqual(Object.assign({ fs: 'Module fs not found', http: 'Module http not found' }, expected));
});

test('timer ids are numbers; clearTimeout(undefined) and unknown ids throw like Espruino', async () => {
  const bundle = `
    var id = setTimeout(function () {}, 1000);
    var r = { type: typeof id };
    try { clearTimeout(undefined); r.undef = 'no throw'; } catch (e) { r.undef = 'threw'; }
    clearTimeout(id);
    try { clearTimeout(id); r.again = 'no throw'; } catch (e) { r.again = e.message; }
    setTimeout(function (a, b) { console.log('ARGS ' + JSON.stringify([a, b])); }, 1, 'x', 2);
    console.log('T ' + JSON.stringify(r));`;
  const node = startNode({ board: 'esp32', bundle });
  expect(payload(await waitForLine(node, /^T /))).toEqual({ type: 'number', undef: 'threw', again: 'Unknown Timeout' });
  expect(payload(await waitForLine(node, /^ARGS /))).toEqual(['x', 2]);
});

test('an exception in a timer callback is reported as an error event, not a crash', async () => {
  const node = startNode({ board: 'esp32', bundle: 'setTimeout(function () { throw new Error("boom"); }, 5); setTimeout(function () { console.log("still alive"); }, 30);' });
  const reported = new Promise((resolve) => node.events.on('error', resolve));
  const e = await reported;
  expect(e.error.message).toBe('boom');
  expect(e.where).toBe('timer');
  await waitForLine(node, /^still alive$/);
});

test('stop() clears the boot\'s timers: an interval stops firing', async () => {
  const node = startNode({ board: 'esp8266', bundle: 'var n = 0; setInterval(function () { console.log("tick " + (++n)); }, 5);' });
  await waitForLine(node, /^tick 2$/);
  node.stop();
  const count = node.lines.length;
  await delay(60);
  expect(node.lines.length).toBe(count);
  expect(node.env.timers.count()).toBe(0);
});

test('E.on("init") handlers run after the bundle, and timeScale speeds up simulated time', async () => {
  const bundle = `
    var t0 = getTime();
    E.on('init', function () { console.log('init'); });
    setTimeout(function () { console.log('ELAPSED ' + JSON.stringify(getTime() - t0)); }, 2000);
    console.log('loaded');`;
  const node = startNode({ board: 'esp32', bundle, timeScale: 0.01 });
  await waitForLine(node, /^init$/);
  expect(node.lines.indexOf('loaded')).toBeLessThan(node.lines.indexOf('init'));
  const elapsed = payload(await waitForLine(node, /^ELAPSED /));
  expect(elapsed).toBeGreaterThanOrEqual(1.9); // simulated seconds, reached in ~20 ms of real time
});

'use strict';
/** The emulated `net` module against real sockets on 127.0.0.1. */
const { startNode, cleanup, waitForLine, payload, listen, close } = require('./helpers');
const { BOARDS } = require('../../sim/boards');

afterEach(cleanup);

/** Bundle: connect, send `total` bytes of every value 0..255, collect the echo. */
function echoBundle(port, total) {
  return `
  var sent = '';
  for (var i = 0; i < ${total}; i++) sent += String.fromCharCode((i * 7 + (i >> 8)) & 255);
  var got = '', sizes = [];
  var sock = require('net').connect({ host: 'broker.local', port: ${port} }, function () {
    sock.write(sent);
  });
  sock.on('data', function (d) {
    sizes.push(d.length);
    got += d;
    if (got.length >= sent.length) {
      console.log('ECHO ' + JSON.stringify({ same: got === sent, len: got.length, max: Math.max.apply(null, sizes), chunks: sizes.length }));
      sock.end();
    }
  });`;
}

test.each(['esp32', 'esp8266', 'linux'])('%s: data arrives in chunks <= the board chunk size and reassembles exactly', async (board) => {
  const srv = await listen((s) => s.pipe(s));
  const node = startNode({ board, bundle: echoBundle(srv.port, 5000), brokerHostMap: { 'broker.local': '127.0.0.1' }, profile: { hasWifi: false } });
  const r = payload(await waitForLine(node, /^ECHO /));
  expect(r.same).toBe(true);
  expect(r.len).toBe(5000);
  expect(r.max).toBeLessThanOrEqual(BOARDS[board].chunkSize);
  expect(r.chunks).toBeGreaterThanOrEqual(Math.ceil(5000 / BOARDS[board].chunkSize));
});

test('chunk boundaries vary with the seed and replay with the same seed', async () => {
  const srv = await listen((s) => s.pipe(s));
  const run = async (seed) => {
    const node = startNode({ board: 'esp8266', seed, bundle: echoBundle(srv.port, 3000), brokerHostMap: { 'broker.local': '127.0.0.1' }, profile: { hasWifi: false } });
    return payload(await waitForLine(node, /^ECHO /)).chunks;
  };
  const counts = [await run(1), await run(2), await run(3)];
  expect(new Set(counts).size).toBeGreaterThan(1);
});

test('a data handler that throws is removed for good; other handlers keep receiving', async () => {
  const srv = await listen((s) => s.pipe(s));
  const bundle = `
    var bad = 0, good = '';
    var sock = require('net').connect({ host: '127.0.0.1', port: ${srv.port} }, function () { sock.write('first'); });
    sock.on('data', function () { bad++; throw new Error('handler bug'); });
    sock.on('data', function (d) {
      good += d;
      if (good === 'first') setTimeout(function () { sock.write('second'); }, 5);
      if (good === 'firstsecond') console.log('DONE ' + JSON.stringify({ bad: bad }));
    });`;
  const node = startNode({ board: 'esp32', bundle, profile: { hasWifi: false } });
  // Deliver 'first' as one chunk so "bad" sees exactly one call before removal.
  const r = payload(await waitForLine(node, /^DONE /));
  expect(r.bad).toBe(1);
  expect(node.errors.map((e) => e.error.message)).toEqual(['handler bug']);
  expect(node.lines.some((l) => /data handler threw/.test(l))).toBe(true);
});

test('writing to a closed socket throws; close reports hadError=false after a clean end', async () => {
  const srv = await listen((s) => s.end());
  const bundle = `
    var sock = require('net').connect({ host: '127.0.0.1', port: ${srv.port} });
    sock.on('close', function (hadError) {
      var r = { hadError: hadError };
      try { sock.write('x'); r.write = 'no throw'; } catch (e) { r.write = 'threw'; }
      console.log('CLOSED ' + JSON.stringify(r));
    });`;
  const node = startNode({ board: 'esp8266', bundle, profile: { hasWifi: false } });
  expect(payload(await waitForLine(node, /^CLOSED /))).toEqual({ hadError: false, write: 'threw' });
});

test('write() returns false (as Espruino does) and drain follows once the data is sent', async () => {
  const srv = await listen((s) => s.resume());
  const bundle = `
    var big = ''; for (var i = 0; i < 4000; i++) big += 'x';
    var sock = require('net').connect({ host: '127.0.0.1', port: ${srv.port} }, function () {
      sock.on('drain', function () { console.log('DRAIN ' + JSON.stringify({ ret: ret })); });
      var ret = sock.write(big);
    });`;
  const node = startNode({ board: 'esp8266', bundle, profile: { hasWifi: false } });
  expect(payload(await waitForLine(node, /^DRAIN /))).toEqual({ ret: false });
});

test('esp32: a host that does not resolve throws from connect()', async () => {
  const bundle = `
    try { require('net').connect({ host: 'nowhere.invalid', port: 1883 }); console.log('NO THROW'); }
    catch (e) { console.log('THREW ' + JSON.stringify(e.message)); }`;
  const node = startNode({ board: 'esp32', bundle, profile: { hasWifi: false } });
  expect(payload(await waitForLine(node, /^(THREW|NO THROW)/))).toBe('Unable to locate host');
});

test('esp8266: a host that does not resolve gives error -6 then close(true)', async () => {
  const bundle = `
    var ev = [];
    var s = require('net').connect({ host: 'nowhere.invalid', port: 1883 });
    ev.push('returned');
    s.on('error', function (e) { ev.push(e); });
    s.on('close', function (hadError) { ev.push('close ' + hadError); console.log('EV ' + JSON.stringify(ev)); });`;
  const node = startNode({ board: 'esp8266', bundle, profile: { hasWifi: false } });
  expect(payload(await waitForLine(node, /^EV /))).toEqual(['returned', { code: -6, message: 'not found' }, 'close true']);
});

test('a refused connection reports an error code and close(true)', async () => {
  const srv = await listen(() => {});
  const port = srv.port;
  await close(srv);
  const bundle = `
    var s = require('net').connect({ host: '127.0.0.1', port: ${port} }, function () { console.log('connected?!'); });
    s.on('error', function (e) { console.log('ERR ' + JSON.stringify(e)); });
    s.on('close', function (h) { console.log('CLOSE ' + h); });`;
  const node = startNode({ board: 'esp32', bundle, profile: { hasWifi: false } });
  expect(payload(await waitForLine(node, /^ERR /))).toEqual({ code: -9, message: 'connection reset' });
  await waitForLine(node, /^CLOSE true$/);
});

test('non-loopback addresses are never contacted (no route)', async () => {
  const bundle = `
    var s = require('net').connect({ host: '10.1.2.3', port: 1883 });
    s.on('error', function (e) { console.log('ERR ' + JSON.stringify(e.code)); });`;
  const node = startNode({ board: 'esp32', bundle, profile: { hasWifi: false } });
  expect(payload(await waitForLine(node, /^ERR /))).toBe(-4);
});

'use strict';
/** Boot, reboot and deep sleep of a node, with Storage kept across them. */
const { makeNode, startNode, cleanup, waitForLine, payload, listen, delay } = require('./helpers');

afterEach(cleanup);

/** Counts boots in Storage and deep-sleeps until the third boot. */
const SLEEPER = (sleepObject) => `
  var s = require('Storage');
  var boots = (s.readJSON('boots', true) || 0) + 1;
  s.writeJSON('boots', boots);
  console.log('BOOT ' + boots);
  if (boots < 3) ${sleepObject}.deepSleep(5000000);
`;

test.each([['esp32', 'ESP32'], ['esp8266', 'ESP8266']])('%s: deep sleep boots the bundle again with Storage kept', async (board, obj) => {
  const node = makeNode({ board, bundle: SLEEPER(obj), sleepScale: 0.001 });
  const sleeps = [];
  node.events.on('sleep', (e) => sleeps.push(e.us));
  const t0 = node.now();
  node.start();
  await waitForLine(node, /^BOOT 3$/);
  expect(node.lines.filter((l) => /^BOOT/.test(l))).toEqual(['BOOT 1', 'BOOT 2', 'BOOT 3']);
  expect(sleeps).toEqual([5000000, 5000000]);
  expect(node.bootCount).toBe(3);
  // The simulated clock advanced by the two 5 s sleeps even though only ~10 ms passed.
  expect(node.now() - t0).toBeGreaterThanOrEqual(10000);
});

test('reboot() restarts the bundle: RAM is lost, Storage is kept', async () => {
  const bundle = `
    var s = require('Storage');
    var n = (s.readJSON('n', true) || 0) + 1;
    s.writeJSON('n', n);
    if (typeof ramValue !== 'undefined') console.log('RAM SURVIVED');
    ramValue = 1;
    console.log('N ' + n);`;
  const node = startNode({ board: 'linux', bundle });
  await waitForLine(node, /^N 1$/);
  node.reboot();
  await waitForLine(node, /^N 2$/);
  expect(node.lines).not.toContain('RAM SURVIVED');
  expect(JSON.parse(node.storage.files.get('n'))).toBe(2);
});

test('ESP8266.deepSleep needs an integer number of microseconds', async () => {
  const bundle = `
    try { ESP8266.deepSleep(1.5); console.log('R "slept"'); } catch (e) { console.log('R ' + JSON.stringify(e.message)); }`;
  const node = startNode({ board: 'esp8266', bundle });
  expect(payload(await waitForLine(node, /^R /))).toBe('Invalid microseconds');
  expect(node.state).toBe('running');
});

test('deep sleep drops sockets abruptly (the server sees a reset, no clean close) and stops timers', async () => {
  let serverSaw = null;
  const srv = await listen((s) => {
    s.on('error', (e) => (serverSaw = e.code));
    s.on('end', () => (serverSaw = serverSaw || 'end'));
  });
  const bundle = `
    var sock = require('net').connect({ host: '127.0.0.1', port: ${srv.port} }, function () {
      setInterval(function () { console.log('tick'); }, 5);
      setTimeout(function () { ESP32.deepSleep(60000000); }, 20);
    });`;
  const node = startNode({ board: 'esp32', bundle, profile: { hasWifi: false } });
  await new Promise((r) => node.events.once('sleep', r));
  const ticks = node.lines.length;
  await delay(50);
  expect(serverSaw).toBe('ECONNRESET');
  expect(node.lines.length).toBe(ticks);
  expect(node.state).toBe('sleeping');
});

test('Storage: names over 28 chars throw, rewrites count flash wear and leave trash until compact()', async () => {
  const bundle = `
    var s = require('Storage'), r = {};
    try { s.write('abcdefghijklmnopqrstuvwxyz0123', 'x'); r.long = 'ok'; } catch (e) { r.long = 'threw'; }
    s.write('abcdefghijklmnopqrstuvwxyz01', 'x'); r.ok28 = s.read('abcdefghijklmnopqrstuvwxyz01');
    var free0 = s.getFree();
    for (var i = 0; i < 10; i++) s.write('cfg', 'value-' + i);
    r.read = s.read('cfg');
    r.trash = s.getStats().trashCount;
    r.lostToTrash = free0 - s.getFree();
    s.compact();
    r.trashAfter = s.getStats().trashCount;
    r.list = s.list();
    s.erase('cfg');
    r.missing = s.read('cfg') === undefined;
    console.log('S ' + JSON.stringify(r));`;
  const node = startNode({ board: 'esp8266', bundle });
  const r = payload(await waitForLine(node, /^S /));
  expect(r).toMatchObject({ long: 'threw', ok28: 'x', read: 'value-9', trash: 9, trashAfter: 0, list: ['abcdefghijklmnopqrstuvwxyz01', 'cfg'], missing: true });
  expect(r.lostToTrash).toBeGreaterThanOrEqual(10 * 32);
  expect(node.storage.stats.writes).toBe(11);
  expect(node.storage.stats.bytesWritten).toBe(1 + 10 * 7 + 11 * 32);
});

test('process.memory() and E.getSizeOf give block estimates on the board geometry', async () => {
  const bundle = `
    var m = process.memory();
    var big = []; for (var i = 0; i < 100; i++) big.push({ v: i });
    keep = big;
    var m2 = process.memory();
    console.log('M ' + JSON.stringify({ total: m.total, bs: m.blocksize, grew: m2.usage - m.usage, size: E.getSizeOf(big) }));`;
  const node = startNode({ board: 'esp8266', bundle });
  const r = payload(await waitForLine(node, /^M /));
  expect(r.total).toBe(1600);
  expect(r.bs).toBe(12);
  // 100 objects of one member: >= 100 * (element name + object + member name, its integer packed in).
  expect(r.size).toBeGreaterThanOrEqual(300);
  expect(r.grew).toBeGreaterThanOrEqual(r.size);
});

'use strict';
/**
 * SimNode features the fleet and the end-to-end tests rely on: Storage files
 * seeded before the first boot, cutPower() (reset or mute sockets), the
 * deep memory estimate that also counts closure scopes, ESP32 deep sleep
 * not returning, and a node that ends its socket right before sleeping
 * (DISCONNECT then deepSleep) not keeping Node from exiting, and stop()
 * called from a 'sleep' listener cancelling the wake-up.
 */
const path = require('path');
const { spawnSync } = require('child_process');
const { makeNode, startNode, cleanup, waitForLine, payload, listen, delay } = require('./helpers');

afterEach(cleanup);

test('options.files are in Storage at the first boot (objects as JSON)', async () => {
  const bundle = `var s = require('Storage'); console.log('F ' + JSON.stringify([s.read('node.json'), s.readJSON('cfg').a, s.read('bin').charCodeAt(0)]));`;
  const node = startNode({ board: 'esp8266', bundle, files: { 'node.json': '{"nodeId":"x"}', cfg: { a: 7 }, bin: String.fromCharCode(200) } });
  expect(payload(await waitForLine(node, /^F /))).toEqual(['{"nodeId":"x"}', 7, 200]);
  expect(() => startNode({ board: 'esp8266', bundle: '', files: { ['x'.repeat(29)]: '' } })).toThrow(/1\.\.28 chars/);
});

test.each([['reset', 'ECONNRESET'], ['silent', 'still open']])('cutPower with abruptClose %s: the peer sees %s', async (mode, expected) => {
  let seen = 'still open';
  const srv = await listen((s) => {
    s.on('error', (e) => (seen = e.code));
    s.on('end', () => (seen = 'end'));
  });
  const bundle = `require('net').connect({ host: '127.0.0.1', port: ${srv.port} }, function () { console.log('UP'); });`;
  const node = startNode({ board: 'linux', bundle, abruptClose: mode });
  await waitForLine(node, /^UP$/);
  node.cutPower();
  await delay(100);
  expect(seen).toBe(expected);
  expect(node.state).toBe('stopped');
  node.stop(); // releases the mute socket: now the peer sees it close
  await delay(100);
  expect(seen).not.toBe('still open');
});

test('memory({deep: true}) also counts data held only in closure scopes', async () => {
  const bundle = `(function () {
    var table = []; for (var i = 0; i < 200; i++) table.push({ v: i });
    setInterval(function () { return table.length; }, 100000);
    console.log('READY');
  })();`;
  const node = startNode({ board: 'esp8266', bundle });
  await waitForLine(node, /^READY$/);
  const shallow = node.memory();
  const deep = node.memory({ deep: true });
  // 200 objects of one integer member: at least 200 * 3 blocks that only the scope walk can see.
  expect(deep.dynamic - shallow.dynamic).toBeGreaterThanOrEqual(600);
  expect(deep.usage).toBe(deep.code + deep.dynamic + deep.buffers + (shallow.usage - shallow.code - shallow.dynamic - shallow.buffers));
});

test('ESP32.deepSleep does not return: nothing the bundle prints after it is seen', async () => {
  const node = startNode({ board: 'esp32', bundle: `console.log('BEFORE'); ESP32.deepSleep(1000000); console.log('AFTER');`, sleepScale: 1000 });
  await waitForLine(node, /^BEFORE$/);
  await delay(20);
  expect(node.lines).toEqual(['BEFORE']);
  expect(node.state).toBe('sleeping');
});

test('a socket ended right before deep sleep does not keep Node from exiting', () => {
  const script = `
    const net = require('net');
    const { createNode } = require(${JSON.stringify(path.resolve(__dirname, '../../sim/node-vm'))});
    const server = net.createServer((s) => { s.on('error', () => {}); s.resume(); }).listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      const node = createNode({ board: 'esp32', profile: { hasWifi: false }, bundle:
        "var s = require('net').connect({ host: '127.0.0.1', port: " + port + " }, function () { s.write('x'); s.end(); ESP32.deepSleep(60000000); });" });
      node.events.on('sleep', () => { node.stop(); server.close(); });
      node.start();
    });`;
  // Before the fix, libuv refused the reset of an ended socket and Node spun forever at exit.
  const r = spawnSync(process.execPath, ['-e', script], { timeout: 10000, encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  expect(r.status).toBe(0);
});

test('stop() from a sleep listener cancels the wake-up', async () => {
  const node = makeNode({ board: 'esp32', bundle: `console.log('BOOT'); ESP32.deepSleep(1000000);`, sleepScale: 0.001 });
  node.events.on('sleep', () => node.stop());
  node.start();
  await waitForLine(node, /^BOOT$/);
  await delay(50);
  expect(node.bootCount).toBe(1);
  expect(node.state).toBe('stopped');
});

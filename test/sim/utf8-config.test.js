'use strict';
/**
 * Non-ASCII text from node.json reaches the wire as UTF-8 on a byte-string
 * host: dist/esp8266.js in the emulation (8-bit strings, as on the chip)
 * with its config in Storage, as a flashing tool writes it. A Latin-1 string
 * (what an ASCII-escaped "caf\u00e9" gives an ESP) is refused, not sent.
 */
const { makeNode, cleanup, listen, waitForLine } = require('./helpers');
const { ensureBuilt, bundlePath } = require('../../sim/dist');
const { nodeConfig, nodeFiles } = require('../../sim/config');

beforeAll(() => ensureBuilt({ boards: ['esp8266'] }));
afterEach(cleanup);

/** Starts an esp8266 node with `files`; resolves the first bytes its broker connection receives. */
async function firstBytes(files) {
  let received = '';
  const srv = await listen((s) => s.on('data', (d) => (received += d.toString('latin1'))));
  const node = makeNode({ board: 'esp8266', bundlePath: bundlePath('esp8266'), timeScale: 0.05, files: files(srv.port) });
  node.start();
  return { node, bytes: () => received };
}

test('a UTF-8 topic prefix from node.json goes out as UTF-8 in the CONNECT will topic', async () => {
  const run = await firstBytes((port) => nodeFiles(nodeConfig('esp8266', { nodeId: 'n1', port, topicPrefix: 'caf\u00e9' })));
  for (const end = Date.now() + 10000; run.bytes().length === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
  const willTopic = Buffer.from('caf\u00e9/n1/status', 'utf8').toString('latin1');
  expect(run.bytes()).toContain(String.fromCharCode(0, willTopic.length) + willTopic);
});

test('a Latin-1 topic prefix is refused with BAD_CONNECT: no CONNECT is written', async () => {
  // node.json whose prefix is the single byte E9 (a JSON escape decoded on a byte host).
  const run = await firstBytes((port) => ({ 'node.json': JSON.stringify(nodeConfig('esp8266', { nodeId: 'n1', port, topicPrefix: 'caf' })).replace('"caf"', '"caf\\u00e9"') }));
  await waitForLine(run.node, /mqtt closed: BAD_CONNECT/, 10000);
  expect(run.bytes()).toBe('');
});

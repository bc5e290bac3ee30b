'use strict';
/**
 * The emulated `tls` module: encrypted, and (like Espruino) the server
 * certificate is NOT verified. Needs the openssl CLI to make a throwaway
 * self-signed certificate.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const tls = require('tls');
const { execFileSync } = require('child_process');
const { startNode, stopAll, waitForLine, payload } = require('./helpers');

let server;
let dir;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simtls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=not-the-broker', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
});
afterEach(() => {
  stopAll();
  if (server) server.close();
  server = null;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('tls.connect talks TLS to a server whose self-signed certificate matches nothing', async () => {
  let sawTls = false;
  server = tls.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (s) => {
    sawTls = s.encrypted === true;
    s.pipe(s);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const bundle = `
    var s = require('tls').connect({ host: 'broker.local', port: ${server.address().port} }, function () { s.write('hello' + String.fromCharCode(255)); });
    var got = '';
    s.on('data', function (d) { got += d; if (got.length === 6) console.log('TLS ' + JSON.stringify(got)); });
    s.on('error', function (e) { console.log('TLS ' + JSON.stringify(e)); });`;
  const node = startNode({ board: 'esp32', bundle, brokerHostMap: { 'broker.local': '127.0.0.1' }, profile: { hasWifi: false } });
  expect(payload(await waitForLine(node, /^TLS /))).toBe('hello\u00ff');
  expect(sawTls).toBe(true);
});

'use strict';
/**
 * The emulated `tls` takes ca/cert/key as DER byte strings, as Espruino's
 * mbedtls calls need them (no NUL terminator for PEM), presents the client
 * certificate, and fails like the device when given PEM text. Keys may be
 * PKCS#8, PKCS#1 (RSA) or SEC1 (EC). Needs the openssl CLI.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const tls = require('tls');
const { execFileSync } = require('child_process');
const { startNode, stopAll, waitForLine, payload } = require('./helpers');

let dir;
let server;
const f = (name) => path.join(dir, name);
const openssl = (args) => execFileSync('openssl', args, { stdio: 'ignore' });
/** The DER bytes of a PEM file as a latin1 byte string (what validateConfig embeds). */
const der = (file) => Buffer.from(fs.readFileSync(file, 'latin1').replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64').toString('latin1');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simtls-der-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=ca', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=server', '-keyout', f('server.key'), '-out', f('server.csr')]);
  openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-out', f('server.crt')]);
  // Client keys: RSA in PKCS#1 ("RSA PRIVATE KEY") and EC in SEC1 ("EC PRIVATE KEY").
  openssl(['genrsa', '-traditional', '-out', f('rsa.key'), '2048']);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('ec.key')]);
  for (const k of ['rsa', 'ec']) {
    openssl(['req', '-new', '-key', f(k + '.key'), '-subj', '/CN=client-' + k, '-out', f(k + '.csr')]);
    openssl(['x509', '-req', '-in', f(k + '.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-out', f(k + '.crt')]);
  }
});
afterEach(() => {
  stopAll();
  if (server) server.close();
  server = null;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A TLS server that requires a client certificate signed by the CA and answers with its CN. */
async function certServer() {
  server = tls.createServer({ key: fs.readFileSync(f('server.key')), cert: fs.readFileSync(f('server.crt')), ca: fs.readFileSync(f('ca.crt')), requestCert: true, rejectUnauthorized: true }, (s) => {
    s.end('CN=' + s.getPeerCertificate().subject.CN);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}

function bundleFor(port, material) {
  return `
    var got = '';
    var s = require('tls').connect(Object.assign({ host: '127.0.0.1', port: ${port} }, ${JSON.stringify(material)}));
    s.on('data', function (d) { got += d; });
    s.on('close', function () { console.log('R ' + JSON.stringify(got)); });
    s.on('error', function (e) { console.log('E ' + JSON.stringify(e)); });`;
}

test.each(['rsa', 'ec'])('DER ca/cert/key (%s key): the server sees the client certificate', async (k) => {
  const port = await certServer();
  const node = startNode({ board: 'esp32', profile: { hasWifi: false }, bundle: bundleFor(port, { ca: der(f('ca.crt')), cert: der(f(k + '.crt')), key: der(f(k + '.key')) }) });
  expect(payload(await waitForLine(node, /^R /))).toBe('CN=client-' + k);
});

test('PEM text fails as on the device: an exception is printed and the socket errors with -13', async () => {
  const port = await certServer();
  const pem = { ca: fs.readFileSync(f('ca.crt'), 'latin1') };
  const node = startNode({ board: 'linux', bundle: bundleFor(port, pem) });
  expect(payload(await waitForLine(node, /^E /)).code).toBe(-13);
  expect(node.lines.some((l) => /HTTPS init failed! .*'ca'/.test(l))).toBe(true);
});

test('without a client certificate the server refuses: no data reaches the bundle', async () => {
  const port = await certServer();
  const node = startNode({ board: 'linux', bundle: bundleFor(port, { ca: der(f('ca.crt')) }) });
  expect(payload(await waitForLine(node, /^R /))).toBe('');
});

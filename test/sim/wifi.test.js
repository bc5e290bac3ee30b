'use strict';
/** The emulated Wifi module: credentials, events, and dropping/restoring the access point. */
const { startNode, cleanup, waitForLine, waitForCount, payload, listen } = require('./helpers');

afterEach(cleanup);

const AP = { ssid: 'lab', password: 'secret', connectMs: 10 };

test('a wrong password fails with an error string; the right one connects with an IP', async () => {
  const bundle = `
    var wifi = require('Wifi');
    wifi.connect('lab', { password: 'wrong' }, function (err) {
      console.log('FIRST ' + JSON.stringify(err));
      wifi.on('connected', function (d) { console.log('EVENT ' + JSON.stringify(d.ip)); });
      wifi.connect('lab', { password: 'secret' }, function (err2) {
        console.log('SECOND ' + JSON.stringify({ err: err2, ip: wifi.getIP().ip, rssi: wifi.getDetails().rssi < 0 }));
      });
    });`;
  const node = startNode({ board: 'esp8266', bundle, wifi: AP });
  expect(payload(await waitForLine(node, /^FIRST /))).toBe('auth_fail');
  const second = payload(await waitForLine(node, /^SECOND /));
  expect(second).toMatchObject({ err: null, rssi: true });
  expect(second.ip).toMatch(/^192\.168\.4\.\d+$/);
  expect(payload(await waitForLine(node, /^EVENT /))).toBe(second.ip);
});

test('sockets need Wi-Fi; dropping the AP fails open sockets with -11 and restoring it reconnects', async () => {
  const srv = await listen((s) => s.resume());
  const bundle = `
    var wifi = require('Wifi');
    var s0 = require('net').connect({ host: '127.0.0.1', port: ${srv.port} });
    s0.on('error', function (e) { console.log('OFFLINE ' + JSON.stringify(e.code)); });
    wifi.on('disconnected', function (d) { console.log('DISC ' + JSON.stringify(d.reason)); });
    wifi.on('connected', function () {
      console.log('UP');
      var s = require('net').connect({ host: '127.0.0.1', port: ${srv.port} }, function () { console.log('SOCK'); });
      s.on('error', function (e) { console.log('SOCKERR ' + JSON.stringify(e.code)); });
    });
    wifi.connect('lab', { password: 'secret' });`;
  const node = startNode({ board: 'esp32', bundle, wifi: AP });
  expect(payload(await waitForLine(node, /^OFFLINE /))).toBe(-11);
  await waitForLine(node, /^SOCK$/);
  node.dropWifi();
  expect(payload(await waitForLine(node, /^DISC /))).toBe('beacon_timeout');
  expect(payload(await waitForLine(node, /^SOCKERR /))).toBe(-11);
  node.restoreWifi();
  // The station reconnects by itself ('connected' again) and a new socket works.
  await waitForCount(node, 'UP', 2);
  await waitForCount(node, 'SOCK', 2);
});

test('Wifi.save() makes the next boot connect by itself', async () => {
  const bundle = `
    var wifi = require('Wifi');
    wifi.on('connected', function () { console.log('CONNECTED'); });
    if (!require('Storage').read('saved')) {
      wifi.connect('lab', { password: 'secret' }, function () { wifi.save(); require('Storage').write('saved', '1'); E.reboot(); });
    }`;
  const node = startNode({ board: 'esp8266', bundle, wifi: AP });
  await waitForLine(node, /^CONNECTED$/);
  expect(node.bootCount).toBe(2);
});

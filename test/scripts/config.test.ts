/**
 * Build-time config validation (scripts/lib/config.js): defaults are filled
 * in, every error names its field, and secrets never appear in messages.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateConfig, loadConfig } = require('../../scripts/lib/config.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BOARD_CAPS } = require('../../scripts/lib/config-hook.js');

const esp32 = BOARD_CAPS.esp32;
const esp8266 = BOARD_CAPS.esp8266;
const linux = BOARD_CAPS.linux;

function base(): Record<string, any> {
  return { nodeId: 'n1', wifi: { ssid: 'lab', password: 'wifi-secret' }, broker: { host: 'broker.lan', password: 'mqtt-secret', username: 'u' } };
}

describe('validateConfig', () => {
  test('fills in every default', () => {
    expect(validateConfig(base(), esp32, '/')).toEqual({
      nodeId: 'n1',
      wifi: { ssid: 'lab', password: 'wifi-secret' },
      broker: { host: 'broker.lan', port: 1883, tls: false, username: 'u', password: 'mqtt-secret' },
      keepAlive: 60,
      cleanSession: false,
      topicPrefix: 'sensors',
      interval: 60,
      deepSleep: false,
      sensors: [],
    });
  });

  test('TLS defaults to port 8883; linux needs no wifi', () => {
    const c = base();
    c.broker.tls = true;
    delete c.wifi;
    const out = validateConfig(c, linux, '/');
    expect(out.broker.port).toBe(8883);
    expect(out.wifi).toBeUndefined();
  });

  test('the example config is valid for esp32 and esp8266', () => {
    const file = path.join(__dirname, '../../boards/config.example.json');
    expect(loadConfig(file, esp32).nodeId).toBe('greenhouse-1');
    expect(loadConfig(file, esp8266).sensors).toEqual([{ type: 'adc', name: 'battery', scale: 6.6 }]);
  });

  const errors: [string, (c: Record<string, any>) => void, any, RegExp][] = [
    ['missing nodeId', (c) => delete c.nodeId, esp32, /^nodeId: is required/],
    ['nodeId too long for a client id', (c) => { c.nodeId = 'x'.repeat(24); }, esp32, /^nodeId: must be 1\.\.23/],
    ['nodeId with a slash', (c) => { c.nodeId = 'a/b'; }, esp32, /^nodeId:/],
    ['missing wifi on a wifi board', (c) => delete c.wifi, esp8266, /^wifi: is required/],
    ['empty ssid', (c) => { c.wifi.ssid = ''; }, esp32, /^wifi\.ssid: must not be empty/],
    ['missing broker host', (c) => delete c.broker.host, esp32, /^broker\.host: is required/],
    ['port out of range', (c) => { c.broker.port = 70000; }, esp32, /^broker\.port: must be between 1 and 65535/],
    ['port not an integer', (c) => { c.broker.port = '1883'; }, esp32, /^broker\.port: must be an integer/],
    ['tls on esp8266', (c) => { c.broker.tls = true; }, esp8266, /^broker\.tls: board esp8266 has no TLS/],
    ['password without username', (c) => delete c.broker.username, esp32, /^broker\.password: needs broker\.username/],
    ['unknown top-level field', (c) => { c.brokr = {}; }, esp32, /^brokr: is not a known field/],
    ['unknown nested field', (c) => { c.broker.hots = 'x'; }, esp32, /^broker\.hots: is not a known field/],
    ['keepAlive negative', (c) => { c.mqtt = { keepAlive: -1 }; }, esp32, /^mqtt\.keepAlive: must be between 0 and 65535/],
    ['wildcard in prefix', (c) => { c.mqtt = { topicPrefix: 'a/#' }; }, esp32, /^mqtt\.topicPrefix: must be non-empty and contain no/],
    ['interval zero', (c) => { c.telemetry = { interval: 0 }; }, esp32, /^telemetry\.interval: must be between 1 and 86400/],
    ['deep sleep longer than the chips can', (c) => { c.telemetry = { deepSleep: true, interval: 3600 }; }, esp8266, /^telemetry\.interval: must be at most 2147 with deepSleep/],
    ['deep sleep on linux', (c) => { c.telemetry = { deepSleep: true }; }, linux, /^telemetry\.deepSleep: board linux cannot deep sleep/],
    ['unknown sensor type', (c) => { c.sensors = [{ type: 'bme999', name: 't' }]; }, esp32, /^sensors\[0\]\.type: unknown sensor type "bme999"/],
    ['sensor without name', (c) => { c.sensors = [{ type: 'adc' }]; }, esp32, /^sensors\[0\]\.name: is required/],
    ['sensors not an array', (c) => { c.sensors = {}; }, esp32, /^sensors: must be an array/],
    ['cert without tls', (c) => { c.broker.ca = 'ca.pem'; }, esp32, /^broker\.ca: cannot read/],
  ];

  test.each(errors)('%s', (_name, mutate, board, message) => {
    const c = base();
    mutate(c);
    let err: any;
    try {
      validateConfig(c, board, '/nonexistent');
    } catch (e) {
      err = e;
    }
    expect(err).toBeDefined();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/secret/);
  });

  test('PEM files are read relative to the config, need tls and are embedded as DER', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'comment line\n-----BEGIN CERTIFICATE-----\nMIIB\nAP8=\n-----END CERTIFICATE-----\n');
    fs.writeFileSync(path.join(dir, 'bad.pem'), 'not a pem');
    const c = base();
    c.broker.ca = 'ca.pem';
    expect(() => validateConfig(c, esp32, dir)).toThrow(/^broker\.ca: is only used with broker\.tls = true/);
    c.broker.tls = true;
    // Embedded as DER bytes (a latin1 byte string): base64 "MIIBAP8=".
    expect(validateConfig(c, esp32, dir).broker.ca).toBe('\x30\x82\x01\x00\xff');
    c.broker.cert = 'ca.pem';
    expect(() => validateConfig(c, esp32, dir)).toThrow(/client certificate and key go together/);
    c.broker.key = 'bad.pem';
    expect(() => validateConfig(c, esp32, dir)).toThrow(/^broker\.key: .*is not a PEM file/);
    fs.rmSync(dir, { recursive: true });
  });
});

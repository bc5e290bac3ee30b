'use strict';
/** Emulated I2C (BME280), 1-Wire (DS18B20) and ADC, driven from bundle code. */
const { startNode, stopAll, waitForLine, payload } = require('./helpers');
const { compensate, DEFAULT_CALIB } = require('../../sim/espruino/sensors/bme280');
const { crc8 } = require('../../sim/espruino/sensors/ds18b20');

afterEach(stopAll);

/** Forced-mode BME280 read: chip id, then raw data once "measuring" clears. */
const BME_BUNDLE = `
  I2C1.setup({ scl: D22, sda: D21, bitrate: 400000 });
  I2C1.writeTo(0x76, 0xD0);
  var id = I2C1.readFrom(0x76, 1)[0];
  I2C1.writeTo(0x76, [0xF2, 0x01, 0xF4, 0x25]);
  var poll = setInterval(function () {
    I2C1.writeTo(0x76, 0xF3);
    if (I2C1.readFrom(0x76, 1)[0] & 8) return;
    clearInterval(poll);
    I2C1.writeTo(0x76, 0xF7);
    var d = I2C1.readFrom(0x76, 8);
    console.log('BME ' + JSON.stringify({ id: id, isU8: d instanceof Uint8Array, raw: Array.prototype.slice.call(d) }));
  }, 2);
`;

test('BME280: chip id 0x60, forced measurement, raw data compensates to the configured values', async () => {
  const node = startNode({ board: 'esp32', bundle: BME_BUNDLE, sensors: { bme280: { temperature: 23.4, pressure: 98765, humidity: 61.2 } } });
  const r = payload(await waitForLine(node, /^BME /));
  expect(r.id).toBe(0x60);
  expect(r.isU8).toBe(true);
  const b = r.raw;
  const adcP = (b[0] << 12) | (b[1] << 4) | (b[2] >> 4);
  const adcT = (b[3] << 12) | (b[4] << 4) | (b[5] >> 4);
  const adcH = (b[6] << 8) | b[7];
  const v = compensate(DEFAULT_CALIB, adcT, adcP, adcH);
  expect(v.temperature).toBeCloseTo(23.4, 1);
  expect(v.pressure).toBeCloseTo(98765, -1);
  expect(v.humidity).toBeCloseTo(61.2, 1);
  expect(node.i2c.options).toMatchObject({ bitrate: 400000 });
});

test.each([
  ['esp32', "jshI2CRead: slave doesn't ACK the transfer", 'Error'],
  ['esp8266', 'I2CRead: No ACK 0', 'InternalError'],
])('%s: reading an absent I2C device throws like the device', async (board, message, name) => {
  const bundle = `try { I2C1.readFrom(0x40, 2); console.log('R "no throw"'); } catch (e) { console.log('R ' + JSON.stringify([e.name, e.message])); }`;
  const node = startNode({ board, bundle });
  expect(payload(await waitForLine(node, /^R /))).toEqual([name, message]);
});

test('linux: I2C is a stub (reads return zeros, no throw)', async () => {
  const node = startNode({ board: 'linux', bundle: `console.log('R ' + JSON.stringify(Array.prototype.slice.call(I2C1.readFrom(0x76, 3))));` });
  expect(payload(await waitForLine(node, /^R /))).toEqual([0, 0, 0]);
});

const DS_BUNDLE = `
  var ow = new OneWire(D4);
  var roms = ow.search();
  var present = ow.reset();
  ow.select(roms[0]);
  ow.write(0x44, true);
  var wait = setInterval(function () {
    if (ow.read() === 0) return;
    clearInterval(wait);
    ow.reset();
    ow.select(roms[0]);
    ow.write(0xBE);
    var sp = ow.read(9);
    console.log('DS ' + JSON.stringify({ roms: roms, present: present, sp: sp }));
  }, 50);
`;

test('DS18B20: search, convert (not instant), read scratchpad with a valid CRC', async () => {
  const node = startNode({ board: 'esp8266', bundle: DS_BUNDLE, timeScale: 0.05, sensors: { ds18b20: { pin: 4, temperature: -10.125 } } });
  const r = payload(await waitForLine(node, /^DS /));
  expect(r.present).toBe(true);
  expect(r.roms).toEqual(['2811223344556656']);
  expect(crc8(r.sp.slice(0, 8))).toBe(r.sp[8]);
  const raw = (r.sp[1] << 8) | r.sp[0];
  expect((raw > 0x7fff ? raw - 0x10000 : raw) / 16).toBe(-10.125);
});

test('DS18B20 reads the 85 degC power-on value before any conversion', async () => {
  const bundle = `var ow = new OneWire(D4); ow.reset(); ow.skip(); ow.write(0xBE); console.log('SP ' + JSON.stringify(ow.read(2)));`;
  const node = startNode({ board: 'esp32', bundle, sensors: { ds18b20: { temperature: 20 } } });
  expect(payload(await waitForLine(node, /^SP /))).toEqual([0x50, 0x05]);
});

test('analogRead quantises like the board ADC', async () => {
  const bundle = `console.log('A ' + JSON.stringify([analogRead(A0), analogRead(D5)]));`;
  const node = startNode({ board: 'esp8266', bundle, sensors: { adc: { A0: 0.5 } } });
  // ESP8266: 10-bit reading / 1023 whatever pin is named; 0.5 V of a 1 V range.
  expect(payload(await waitForLine(node, /^A /))).toEqual([512 / 1023, 512 / 1023]);
  const esp32 = startNode({ board: 'esp32', bundle: `console.log('A ' + JSON.stringify(analogRead(D34)));`, sensors: { adc: { D34: 1.65 } } });
  expect(payload(await waitForLine(esp32, /^A /))).toBe(2048 / 4096);
});

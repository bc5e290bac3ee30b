'use strict';
/**
 * Attaches the emulated sensors named in a node's `sensors` option to its
 * buses. They live at node level (they keep power and state while the ESP
 * deep-sleeps) and read the node's simulated clock.
 *   bme280: true | {address (0x76), temperature, pressure, humidity, calib}
 *   ds18b20: {pin (4), temperature, serial} or an array of those
 *   adc: {A0: volts | (ms) => volts}, adcNoise: LSBs, gpio: {D4: 0|1 | fn}
 *     (read live by adc-gpio.js)
 */
const { createBme280 } = require('./bme280');
const { createDs18b20 } = require('./ds18b20');

const BME280_DEFAULT_ADDRESS = 0x76;
const DS18B20_DEFAULT_PIN = 4;

/**
 * Creates and attaches the configured devices.
 * @param {{i2c: import('../i2c').I2cBus, oneWire: import('../onewire').OneWireBuses, now: () => number}} node
 * @param {object} sensors
 * @returns {{bme280: object|null, ds18b20: object[]}} the devices, for tests to adjust or unplug
 */
function attachSensors(node, sensors) {
  const clock = () => node.now();
  const out = { bme280: null, ds18b20: [] };
  if (sensors.bme280) {
    const o = sensors.bme280 === true ? {} : sensors.bme280;
    out.bme280 = createBme280(Object.assign({}, o, { clock }));
    node.i2c.attach(o.address === undefined ? BME280_DEFAULT_ADDRESS : o.address, out.bme280);
  }
  const ds = sensors.ds18b20 ? [].concat(sensors.ds18b20) : [];
  for (const o of ds) {
    const dev = createDs18b20(Object.assign({}, o, { clock }));
    node.oneWire.attach(o.pin === undefined ? DS18B20_DEFAULT_PIN : o.pin, dev);
    out.ds18b20.push(dev);
  }
  return out;
}

module.exports = { attachSensors };

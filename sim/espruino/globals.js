'use strict';
/**
 * Assembles the global scope one boot of a simulated node sees: require with
 * only the board's built-in modules (anything else throws "Module X not
 * found", as Espruino does), console/print, getTime/setTime, btoa/atob over
 * byte strings, timers, E, process, pins/GPIO/ADC, I2C1, OneWire and the
 * ESP32 / ESP8266 objects with deepSleep.
 */
const { createTimers } = require('./timers');
const { createNetModule } = require('./net');
const { createTlsModule } = require('./tls');
const { createWifiModule } = require('./wifi');
const { createStorageModule } = require('./storage');
const { createI2C } = require('./i2c');
const { createOneWireClass } = require('./onewire');
const { createGpio } = require('./adc-gpio');
const { createE } = require('./e');
const { createProcess } = require('./process');

/** Formats console.log arguments the way Espruino prints them (strings raw, the rest as JSON). */
function formatArgs(args) {
  return Array.prototype.map
    .call(args, (a) => {
      if (typeof a === 'string') return a;
      if (typeof a === 'function' || a === undefined) return String(a);
      if (a && typeof a === 'object' && typeof a.message === 'string' && typeof a.name === 'string') return a.name + ': ' + a.message;
      try {
        return JSON.stringify(a);
      } catch (e) {
        return String(a);
      }
    })
    .join(' ');
}

/** The deepSleep/reboot object of ESP32 or ESP8266 builds. */
function createSleepObject(env) {
  const esp8266 = env.profile.name === 'esp8266';
  return {
    deepSleep(us) {
      const n = Number(us);
      // ESP8266 insists on an integer (a float such as 1.5e6 from a minifier's
      // exponent literal throws on the device; V8 cannot tell 1e6 from 1000000).
      if (esp8266 && (typeof us !== 'number' || Math.floor(n) !== n || n < 0)) throw env.error('Invalid microseconds');
      if (!(n >= 0)) throw env.error('Invalid microseconds');
      env.node.deepSleepFromBundle(n);
      // ESP32.deepSleep never returns [targets/esp32/jswrap_esp32.c]; ESP8266's
      // system_deep_sleep returns and the chip powers down when the JS task
      // ends, so only there can the code after the call still print.
      if (!esp8266) env.muted = true;
    },
    reboot() {
      env.node.reboot(env.profile.sleepObject + '.reboot');
    },
  };
}

/**
 * Builds the globals for one boot and attaches the boot's controllers to env
 * (env.timers, env.wifi, env.E, env.gpio).
 * @param {object} env per-boot runtime from node-vm.js
 * @returns {object} name -> value to define on the context's global object
 */
function createGlobals(env) {
  const node = env.node;
  const profile = env.profile;
  env.timers = createTimers(env);
  env.gpio = createGpio(env);
  env.pinNumber = env.gpio.pinNumber;
  env.wifi = profile.hasWifi ? createWifiModule(env) : null;
  env.E = createE(env);

  const factories = { net: () => createNetModule(env), Storage: () => createStorageModule(env, node.flash) };
  if (profile.hasTls) factories.tls = () => createTlsModule(env);
  if (profile.hasWifi) factories.Wifi = () => env.wifi.module;
  const sleepObject = profile.sleepObject ? createSleepObject(env) : null;
  if (profile.name === 'esp8266') factories.ESP8266 = () => sleepObject;
  env.moduleNames = Object.keys(factories);
  const cache = {};

  const globals = Object.assign({}, env.timers.globals, env.gpio.globals, {
    require(name) {
      const n = String(name);
      if (!Object.prototype.hasOwnProperty.call(factories, n)) throw env.error('Module ' + n + ' not found');
      if (!cache[n]) cache[n] = factories[n]();
      return cache[n];
    },
    console: { log: (...a) => env.log(formatArgs(a)) },
    print: (...a) => env.log(formatArgs(a)),
    getTime: () => node.now() / 1000,
    setTime: (seconds) => node.setTime(Number(seconds) * 1000),
    btoa: (s) => Buffer.from(String(s), 'latin1').toString('base64'),
    atob: (s) => Buffer.from(String(s), 'base64').toString('latin1'),
    E: env.E,
    process: createProcess(env),
    I2C1: createI2C(env, node.i2c),
    OneWire: createOneWireClass(env, node.oneWire),
  });
  if (sleepObject) globals[profile.sleepObject] = sleepObject;
  return globals;
}

module.exports = { createGlobals, formatArgs };

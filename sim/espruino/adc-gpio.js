'use strict';
/**
 * Pins, GPIO and ADC for one boot: Pin objects (globals D0..Dn and A0 on
 * ESP8266), pinMode/getPinMode, digitalRead/digitalWrite and analogRead.
 * Inputs come from the node's `sensors.gpio` ({D4: 1} or functions) and ADC
 * voltages from `sensors.adc` ({A0: 0.42} volts, or functions returning volts).
 * analogRead gives 0..1 of the board's ADC full scale, quantised like the
 * device: ESP8266 reads its 10-bit ADC / 1023 whatever pin is named
 * [targets/esp8266/jshardware.c], ESP32 12-bit / 4096 (11 dB attenuation,
 * ~3.3 V full scale).
 */

const ESP8266_A0 = 17;

function fullScaleVolts(profile) {
  return profile.name === 'esp8266' ? 1.0 : 3.3;
}

/**
 * Creates Pin, the pin globals and the GPIO/ADC functions for one boot.
 * @param {object} env per-boot runtime from node-vm.js (profile, node, error, rng)
 * @returns {{globals: object, pinNumber: (p: any) => number, levels: Map<number, number>}}
 */
function createGpio(env) {
  const profile = env.profile;
  const sensors = env.node.sensors;
  const levels = new Map();
  const modes = new Map();

  function Pin(value) {
    if (!(this instanceof Pin)) return new Pin(value);
    Object.defineProperty(this, '_n', { value: pinNumber(value), enumerable: false });
  }

  function pinName(n) {
    return profile.name === 'esp8266' && n === ESP8266_A0 ? 'A0' : 'D' + n;
  }

  function pinNumber(p) {
    if (p instanceof Pin) return p._n;
    if (typeof p === 'number' && p >= 0 && Math.floor(p) === p) return p;
    if (typeof p === 'string') {
      if (p === 'A0' && profile.name === 'esp8266') return ESP8266_A0;
      if (/^D\d+$/.test(p)) return Number(p.slice(1));
    }
    throw env.error('Invalid pin: ' + String(p));
  }

  function inputLevel(n) {
    const cfg = sensors.gpio ? sensors.gpio[pinName(n)] : undefined;
    const v = typeof cfg === 'function' ? cfg(env.now()) : cfg;
    return v ? 1 : 0;
  }

  function digitalRead(pin) {
    const n = pinNumber(pin);
    const mode = modes.get(n) || 'input';
    return mode === 'output' || mode === 'opendrain' ? levels.get(n) || 0 : inputLevel(n);
  }

  function digitalWrite(pin, value) {
    const n = pinNumber(pin);
    if (!modes.has(n)) modes.set(n, 'output');
    levels.set(n, value ? 1 : 0);
  }

  function analogRead(pin) {
    let n = pinNumber(pin);
    if (profile.name === 'esp8266') n = ESP8266_A0; // one ADC: the pin argument is ignored
    const cfg = sensors.adc ? sensors.adc[pinName(n)] : undefined;
    const volts = typeof cfg === 'function' ? cfg(env.now()) : Number(cfg || 0);
    const esp8266 = profile.name === 'esp8266';
    const maxCode = esp8266 ? 1023 : 4095;
    const noise = sensors.adcNoise ? env.rng.int(2 * sensors.adcNoise + 1) - sensors.adcNoise : 0;
    const ratio = Math.min(Math.max(volts / fullScaleVolts(profile), 0), 1);
    const code = Math.min(Math.max(Math.round(ratio * maxCode) + noise, 0), maxCode);
    return code / (esp8266 ? 1023 : 4096);
  }

  Pin.prototype.read = function () {
    return digitalRead(this) === 1;
  };
  Pin.prototype.write = function (v) {
    digitalWrite(this, v);
  };
  Pin.prototype.set = function () {
    digitalWrite(this, 1);
  };
  Pin.prototype.reset = function () {
    digitalWrite(this, 0);
  };
  Pin.prototype.toggle = function () {
    const v = digitalRead(this) ? 0 : 1;
    digitalWrite(this, v);
    return v === 1;
  };
  Pin.prototype.mode = function (m) {
    modes.set(this._n, String(m));
  };
  Pin.prototype.getMode = function () {
    return modes.get(this._n) || 'input';
  };
  Pin.prototype.getInfo = function () {
    return { num: this._n };
  };
  Pin.prototype.toString = function () {
    return pinName(this._n);
  };
  Pin.prototype.valueOf = function () {
    return this._n;
  };

  const globals = {
    Pin,
    HIGH: 1,
    LOW: 0,
    pinMode(pin, mode) {
      modes.set(pinNumber(pin), String(mode));
    },
    getPinMode(pin) {
      return modes.get(pinNumber(pin)) || 'input';
    },
    digitalRead,
    digitalWrite,
    analogRead,
    analogWrite(pin, value) {
      levels.set(pinNumber(pin), Number(value));
    },
  };
  for (let i = 0; i < profile.pinCount; i++) globals['D' + i] = new Pin(i);
  if (profile.name === 'esp8266') globals.A0 = new Pin(ESP8266_A0);
  return { globals, pinNumber, levels };
}

module.exports = { createGpio };

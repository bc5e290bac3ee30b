'use strict';
/**
 * Espruino's I2C1 over emulated devices on a per-node bus. Devices answer at a
 * 7-bit address with write(bytes) and read(count). A missing (or detached)
 * device makes the transfer fail the way each build reports it:
 * ESP32 hardware I2C throws "jshI2CWrite: slave doesn't ACK the transfer"
 * [targets/esp32/jshardwareI2c.c], ESP8266 throws InternalError
 * "I2CWrite: No ACK 0" [targets/esp8266/jshardware.c]; Espruino for Linux has
 * stub I2C functions, so writes vanish and reads return zeros.
 */

/**
 * Flattens Espruino write data (numbers, strings, arrays, typed arrays,
 * {data, count}) into an array of bytes.
 */
function flatten(args, out) {
  for (const a of args) {
    if (typeof a === 'number' || typeof a === 'boolean') out.push(Number(a) & 255);
    else if (typeof a === 'string') for (let i = 0; i < a.length; i++) out.push(a.charCodeAt(i) & 255);
    else if (a && typeof a === 'object' && a.data !== undefined) {
      const times = a.count === undefined ? 1 : a.count;
      for (let i = 0; i < times; i++) flatten([a.data], out);
    } else if (a && typeof a === 'object' && typeof a.length === 'number') flatten(Array.prototype.slice.call(a), out);
    else if (a && typeof a === 'object' && typeof a.byteLength === 'number') flatten([new Uint8Array(a)], out);
  }
  return out;
}

/** A node's I2C bus: devices by 7-bit address, kept across boots. */
class I2cBus {
  constructor() {
    /** @type {Map<number, {write: (b: number[]) => void, read: (n: number) => number[], present?: boolean}>} */
    this.devices = new Map();
    /** Every transfer, newest last (bounded), for tests: {op, addr, bytes}. */
    this.log = [];
    /** The options last passed to I2C1.setup(). */
    this.options = null;
  }

  attach(addr, device) {
    this.devices.set(addr, device);
  }

  device(addr) {
    const d = this.devices.get(addr);
    return d && d.present !== false ? d : null;
  }

  record(op, addr, bytes) {
    this.log.push({ op, addr, bytes });
    if (this.log.length > 256) this.log.shift();
  }
}

/**
 * Creates the I2C1 object for one boot.
 * @param {object} env per-boot runtime from node-vm.js (profile, error, realm)
 * @param {I2cBus} bus
 */
function createI2C(env, bus) {
  const kind = env.profile.i2c;

  function nack(op) {
    if (kind === 'hw') throw env.error('jshI2C' + op + ": slave doesn't ACK the transfer");
    throw env.error('I2C' + op + ': No ACK 0', 'InternalError');
  }

  function address(a) {
    return typeof a === 'object' && a !== null ? Number(a.address) : Number(a);
  }

  return {
    setup(opts) {
      bus.options = opts || {};
    },
    writeTo(addr) {
      const a = address(addr);
      const bytes = flatten(Array.prototype.slice.call(arguments, 1), []);
      bus.record('write', a, bytes);
      if (kind === 'none') return;
      const d = bus.device(a);
      if (!d) nack('Write');
      d.write(bytes);
    },
    readFrom(addr, count) {
      const a = address(addr);
      const n = Number(count) || 0;
      const out = new env.realm.Uint8Array(n);
      if (kind !== 'none') {
        const d = bus.device(a);
        if (!d) nack('Read');
        const got = d.read(n);
        for (let i = 0; i < n; i++) out[i] = got[i] & 255;
      }
      bus.record('read', a, Array.from(out));
      return out;
    },
  };
}

module.exports = { I2cBus, createI2C, flatten };

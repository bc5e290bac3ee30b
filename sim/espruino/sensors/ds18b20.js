'use strict';
/**
 * An emulated Maxim DS18B20 on a 1-Wire bus (datasheet 19-7487): 64-bit ROM
 * (family 0x28, 48-bit serial, CRC-8), Convert T (0x44) taking 93.75 ms x
 * 2^(res-9) simulated (read slots return 0 while converting, 1 when done),
 * Read Scratchpad (0xBE, 9 bytes with CRC), Write Scratchpad (0x4E: TH, TL,
 * config), Read Power Supply (0xB4: externally powered). The temperature
 * register holds the power-on value 85 degC until the first conversion, which
 * drivers must not mistake for a reading.
 */

const FAMILY = 0x28;
const CMD = { CONVERT_T: 0x44, READ_SCRATCHPAD: 0xbe, WRITE_SCRATCHPAD: 0x4e, READ_POWER: 0xb4, COPY: 0x48, RECALL: 0xb8 };
const POWER_ON_RAW = 0x0550; // +85 degC

/** Dallas/Maxim CRC-8 (polynomial x^8 + x^5 + x^4 + 1, reflected 0x8C). */
function crc8(bytes) {
  let crc = 0;
  for (let b of bytes) {
    for (let i = 0; i < 8; i++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

/**
 * Creates an emulated DS18B20.
 * @param {{serial?: number[], temperature?: number | ((ms: number) => number), clock: () => number}} options
 *   serial: 6 bytes; temperature in degC; clock gives simulated ms
 */
function createDs18b20(options) {
  const serial = options.serial || [0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
  const rom = [FAMILY].concat(serial);
  rom.push(crc8(rom));
  const dev = {
    rom,
    present: true,
    temperature: options.temperature === undefined ? 20 : options.temperature,
    sp: { raw: POWER_ON_RAW, th: 0x4b, tl: 0x46, config: 0x7f },
    mode: 'command',
    readPos: 0,
    written: [],
    convertDone: null,
  };

  function resolution() {
    return 9 + ((dev.sp.config >> 5) & 3);
  }

  function scratchpad() {
    const b = [dev.sp.raw & 255, (dev.sp.raw >> 8) & 255, dev.sp.th, dev.sp.tl, dev.sp.config, 0xff, 0x0c, 0x10];
    b.push(crc8(b));
    return b;
  }

  function finishConversion(now) {
    if (dev.convertDone === null || now < dev.convertDone) return;
    dev.convertDone = null;
    const t = typeof dev.temperature === 'function' ? dev.temperature(now) : dev.temperature;
    const unused = 12 - resolution();
    // 1/16 degC two's complement, with undefined low bits cleared at lower resolutions.
    let raw = Math.round(t * 16) & 0xffff;
    raw &= 0xffff & ~((1 << unused) - 1);
    dev.sp.raw = raw;
  }

  dev.reset = function () {
    finishConversion(options.clock());
    dev.mode = 'command';
  };
  dev.writeByte = function (b) {
    if (dev.mode === 'write') {
      dev.written.push(b);
      if (dev.written.length === 3) {
        dev.sp.th = dev.written[0];
        dev.sp.tl = dev.written[1];
        dev.sp.config = (dev.written[2] & 0x60) | 0x1f;
        dev.mode = 'command';
      }
      return;
    }
    if (b === CMD.CONVERT_T) {
      dev.convertDone = options.clock() + 93.75 * (1 << (resolution() - 9));
      dev.mode = 'converting';
    } else if (b === CMD.READ_SCRATCHPAD) {
      finishConversion(options.clock());
      dev.mode = 'read';
      dev.readPos = 0;
    } else if (b === CMD.WRITE_SCRATCHPAD) {
      dev.mode = 'write';
      dev.written = [];
    } else if (b === CMD.READ_POWER) {
      dev.mode = 'power';
    }
  };
  dev.readByte = function () {
    const now = options.clock();
    if (dev.mode === 'read') {
      const sp = scratchpad();
      return dev.readPos < sp.length ? sp[dev.readPos++] : 0xff;
    }
    if (dev.mode === 'converting') {
      finishConversion(now);
      return dev.convertDone === null ? 0xff : 0x00;
    }
    return 0xff;
  };
  /** Changes the simulated temperature (degC, or a function of simulated ms). */
  dev.set = function (v) {
    if (v.temperature !== undefined) dev.temperature = v.temperature;
  };
  return dev;
}

module.exports = { createDs18b20, crc8, FAMILY };

'use strict';
/**
 * An emulated Bosch BME280 on I2C (address 0x76, or 0x77 with SDO high),
 * register-compatible with the datasheet (BST-BME280-DS002): chip id 0x60 at
 * 0xD0, soft reset (0xB6 to 0xE0), ctrl_hum 0xF2, status 0xF3 (bit 3
 * "measuring"), ctrl_meas 0xF4 (osrs_t, osrs_p, mode), config 0xF5, raw data
 * 0xF7..0xFE and trimming parameters 0x88..0xA1 / 0xE1..0xE7 (section 5.4).
 * Raw ADC values are computed by inverting the datasheet's floating-point
 * compensation formulas (section 8.1) so a correct driver reads back the
 * configured temperature/pressure/humidity. Forced mode takes the typical
 * measurement time of section 9.1 (simulated) before data registers update;
 * a skipped measurement (oversampling 0) reads 0x80000 / 0x8000.
 */

const CHIP_ID = 0x60;
const REG = { CALIB00: 0x88, CHIP_ID: 0xd0, RESET: 0xe0, CALIB26: 0xe1, CTRL_HUM: 0xf2, STATUS: 0xf3, CTRL_MEAS: 0xf4, CONFIG: 0xf5, DATA: 0xf7 };
const RESET_WORD = 0xb6;

/** Typical trimming values (the T/P set is the BMP280 datasheet's worked example). */
const DEFAULT_CALIB = { T1: 27504, T2: 26435, T3: -1000, P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000, H1: 75, H2: 370, H3: 0, H4: 313, H5: 50, H6: 30 };

/** Datasheet 8.1 compensation (double precision), used forwards and for inversion. */
function compensate(c, adcT, adcP, adcH) {
  const v1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const d = adcT / 131072 - c.T1 / 8192;
  const tFine = v1 + d * d * c.T3;
  let p1 = tFine / 2 - 64000;
  let p2 = (p1 * p1 * c.P6) / 32768 + p1 * c.P5 * 2;
  p2 = p2 / 4 + c.P4 * 65536;
  p1 = ((c.P3 * p1 * p1) / 524288 + c.P2 * p1) / 524288;
  p1 = (1 + p1 / 32768) * c.P1;
  let p = 1048576 - adcP;
  p = ((p - p2 / 4096) * 6250) / p1;
  p = p + ((c.P9 * p * p) / 2147483648 + (p * c.P8) / 32768 + c.P7) / 16;
  let h = tFine - 76800;
  h = (adcH - (c.H4 * 64 + (c.H5 / 16384) * h)) * ((c.H2 / 65536) * (1 + (c.H6 / 67108864) * h * (1 + (c.H3 / 67108864) * h)));
  h = h * (1 - (c.H1 * h) / 524288);
  return { temperature: tFine / 5120, pressure: p, humidity: Math.min(Math.max(h, 0), 100) };
}

/** Smallest integer in [lo, hi] where f(x) >= target, for increasing f. */
function search(lo, hi, f, target) {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (f(mid) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Raw 20-bit T/P and 16-bit H readings that compensate to `values`. */
function rawFor(c, values) {
  const adcT = search(0, 0xfffff, (x) => compensate(c, x, 0x80000, 0).temperature, values.temperature);
  // Pressure falls as adc_P rises: search on the negated function.
  const adcP = search(0, 0xfffff, (x) => -compensate(c, adcT, x, 0).pressure, -values.pressure);
  const adcH = search(0, 0xffff, (x) => compensate(c, adcT, 0x80000, x).humidity, values.humidity);
  return { adcT, adcP, adcH };
}

function oversampling(bits) {
  return bits === 0 ? 0 : Math.min(1 << (bits - 1), 16);
}

/**
 * Creates an emulated BME280.
 * @param {{temperature?: number, pressure?: number, humidity?: number, calib?: object, clock: () => number}} options
 *   values in degC, Pa and %RH (numbers, or functions of simulated ms); clock gives simulated ms
 */
function createBme280(options) {
  const c = Object.assign({}, DEFAULT_CALIB, options.calib || {});
  const values = { temperature: 21.5, pressure: 101325, humidity: 45 };
  const regs = new Uint8Array(256);
  const dev = { present: true, values, pointer: 0, pending: null };

  function current(now) {
    const out = {};
    for (const k of Object.keys(values)) out[k] = typeof values[k] === 'function' ? values[k](now) : values[k];
    return out;
  }

  function storeCalib() {
    const w16 = (reg, v) => {
      regs[reg] = v & 255;
      regs[reg + 1] = (v >> 8) & 255;
    };
    ['T1', 'T2', 'T3', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'].forEach((k, i) => w16(REG.CALIB00 + 2 * i, c[k]));
    regs[0xa1] = c.H1;
    w16(REG.CALIB26, c.H2);
    regs[0xe3] = c.H3;
    regs[0xe4] = (c.H4 >> 4) & 255;
    regs[0xe5] = (c.H4 & 0x0f) | ((c.H5 & 0x0f) << 4);
    regs[0xe6] = (c.H5 >> 4) & 255;
    regs[0xe7] = c.H6 & 255;
  }

  function powerOnReset() {
    regs.fill(0, 0xf2);
    regs[REG.CHIP_ID] = CHIP_ID;
    // Data registers read 0x80000 / 0x8000 until the first measurement.
    regs.set([0x80, 0, 0, 0x80, 0, 0, 0x80, 0], REG.DATA);
    storeCalib();
    dev.pending = null;
  }

  function latch(now) {
    const osT = oversampling(regs[REG.CTRL_MEAS] >> 5);
    const osP = oversampling((regs[REG.CTRL_MEAS] >> 2) & 7);
    const osH = oversampling(regs[REG.CTRL_HUM] & 7);
    const raw = rawFor(c, current(now));
    const t = osT ? raw.adcT : 0x80000;
    const p = osP ? raw.adcP : 0x80000;
    const h = osH ? raw.adcH : 0x8000;
    regs.set([p >> 12, (p >> 4) & 255, (p & 15) << 4, t >> 12, (t >> 4) & 255, (t & 15) << 4, h >> 8, h & 255], REG.DATA);
  }

  function startForced(now) {
    const osT = oversampling(regs[REG.CTRL_MEAS] >> 5);
    const osP = oversampling((regs[REG.CTRL_MEAS] >> 2) & 7);
    const osH = oversampling(regs[REG.CTRL_HUM] & 7);
    const ms = 1 + 2 * osT + (osP ? 2 * osP + 0.5 : 0) + (osH ? 2 * osH + 0.5 : 0);
    dev.pending = now + ms;
  }

  function update(now) {
    if (dev.pending !== null && now >= dev.pending) {
      dev.pending = null;
      latch(now);
      regs[REG.CTRL_MEAS] &= 0xfc; // forced mode returns to sleep
    }
    if ((regs[REG.CTRL_MEAS] & 3) === 3) latch(now); // normal mode: always fresh
    regs[REG.STATUS] = dev.pending !== null ? 0x08 : 0;
  }

  dev.write = function (bytes) {
    const now = options.clock();
    if (bytes.length === 0) return;
    dev.pointer = bytes[0];
    // Writes are (register, value) pairs; there is no auto-increment [5.2.1].
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const reg = bytes[i];
      const v = bytes[i + 1];
      if (reg === REG.RESET && v === RESET_WORD) powerOnReset();
      else if (reg === REG.CTRL_HUM || reg === REG.CONFIG) regs[reg] = v;
      else if (reg === REG.CTRL_MEAS) {
        regs[reg] = v;
        if ((v & 3) === 1 || (v & 3) === 2) startForced(now);
      }
    }
  };
  dev.read = function (n) {
    update(options.clock());
    const out = [];
    for (let i = 0; i < n; i++) out.push(regs[(dev.pointer + i) & 255]);
    dev.pointer = (dev.pointer + n) & 255;
    return out;
  };
  /** Changes the simulated environment (numbers or functions of simulated ms). */
  dev.set = function (v) {
    Object.assign(values, v);
  };
  powerOnReset();
  for (const k of ['temperature', 'pressure', 'humidity']) if (options[k] !== undefined) values[k] = options[k];
  return dev;
}

module.exports = { createBme280, compensate, DEFAULT_CALIB, CHIP_ID };

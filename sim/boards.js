'use strict';
/**
 * Per-board emulation profiles: what differs between the Espruino builds the
 * simulator runs a bundle against. Numbers come from /work/shared/PLATFORMS.md
 * (Espruino 2v29 sources): socket chunk sizes, JsVar block geometry, which
 * modules exist, and how a DNS failure surfaces.
 */

const PIN_COUNT_ESP32 = 40;
const PIN_COUNT_ESP8266 = 17;

/**
 * @typedef {Object} BoardProfile
 * @property {string} name board key ('esp32' | 'esp8266' | 'linux')
 * @property {string} boardEnv value of process.env.BOARD on the device
 * @property {number} chunkSize largest socket 'data' chunk in bytes
 * @property {boolean} hasTls require('tls') exists
 * @property {boolean} hasWifi require('Wifi') exists (Linux is always online)
 * @property {'throw'|'event'} dnsFailure ESP32/Linux DNS is blocking and throws
 *   from connect; ESP8266 reports error -6 later
 * @property {number} blockSize bytes per JsVar block
 * @property {number} blockCount JsVar blocks in the heap
 * @property {boolean} codeInFlash bundle runs from Storage (.bootcde), so
 *   function bodies cost no RAM (ESP8266 nodes do this, see PLATFORMS 2)
 * @property {number} maxSockets open sockets allowed (ESP8266: 10)
 * @property {number} storageBytes Storage (flash file system) capacity
 * @property {'hw'|'soft'|'none'} i2c ESP32 hardware I2C, ESP8266 bit-banged,
 *   Linux has stub I2C functions (writes vanish, reads give zeros)
 * @property {number} adcBits ADC resolution (analogRead quantisation)
 * @property {string|null} sleepObject global with deepSleep(us), or null
 * @property {boolean} watchdog E.enableWatchdog really resets (ESP8266: no-op)
 * @property {number} pinCount number of D<n> pins
 */

/** @type {Record<string, BoardProfile>} */
const BOARDS = {
  esp32: {
    name: 'esp32',
    boardEnv: 'ESP32',
    chunkSize: 536,
    hasTls: true,
    hasWifi: true,
    dnsFailure: 'throw',
    blockSize: 14,
    // ESP32 sizes its heap at boot from free RAM (up to 16383 blocks of 14
    // bytes); with Wi-Fi and TLS started about 10000 is what remains.
    blockCount: 10000,
    codeInFlash: false,
    maxSockets: 16,
    storageBytes: 1024 * 1024,
    i2c: 'hw',
    adcBits: 12,
    sleepObject: 'ESP32',
    watchdog: true,
    pinCount: PIN_COUNT_ESP32,
  },
  esp8266: {
    name: 'esp8266',
    boardEnv: 'ESP8266_4MB',
    chunkSize: 268,
    hasTls: false,
    hasWifi: true,
    dnsFailure: 'event',
    blockSize: 12,
    blockCount: 1600,
    codeInFlash: true,
    maxSockets: 10,
    storageBytes: 192 * 1024,
    i2c: 'soft',
    adcBits: 10,
    sleepObject: 'ESP8266',
    watchdog: false,
    pinCount: PIN_COUNT_ESP8266,
  },
  linux: {
    name: 'linux',
    boardEnv: 'LINUX',
    chunkSize: 536,
    hasTls: true,
    hasWifi: false,
    dnsFailure: 'throw',
    blockSize: 16,
    blockCount: 40000,
    codeInFlash: false,
    maxSockets: 64,
    storageBytes: 4 * 1024 * 1024,
    i2c: 'none',
    adcBits: 12,
    sleepObject: null,
    watchdog: false,
    pinCount: 32,
  },
};

/**
 * Returns a copy of the profile for `board`, with `overrides` applied on top.
 * Throws for an unknown board name (a programmer error in the caller).
 * @param {string} board
 * @param {Partial<BoardProfile>} [overrides]
 * @returns {BoardProfile}
 */
function getBoard(board, overrides) {
  const base = BOARDS[board];
  if (!base) throw new Error('unknown board "' + board + '" (esp32, esp8266 or linux)');
  return Object.assign({}, base, overrides || {});
}

module.exports = { BOARDS, getBoard };

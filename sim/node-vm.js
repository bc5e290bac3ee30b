'use strict';
/**
 * Runs a device bundle (dist/esp32.js, dist/esp8266.js, dist/linux.js)
 * unchanged in a Node `vm` context per simulated node, against the Espruino
 * API emulation in sim/espruino/. A node owns what survives a reset (flash
 * Storage, I2C/1-Wire devices, the Wi-Fi access point, the simulated clock);
 * each boot gets a fresh context, fresh timers and sockets. Deep sleep tears
 * the boot down abruptly (no DISCONNECT, sockets reset or left silent) and
 * boots again from the same bundle after the scaled sleep time.
 */
const vm = require('vm');
const fs = require('fs');
const { EventEmitter } = require('events');
const { getBoard } = require('./boards');
const { installEventMixin } = require('./espruino/events');
const { FlashStore } = require('./espruino/storage');
const { I2cBus } = require('./espruino/i2c');
const { OneWireBuses } = require('./espruino/onewire');
const { abandon } = require('./espruino/net');
const { createEnv } = require('./espruino/runtime');
const { createGlobals } = require('./espruino/globals');
const { attachSensors } = require('./espruino/sensors');

/** Built-ins Espruino does not have [PLATFORMS 1]: removed so a bundle using them fails here too. */
const REMOVED_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'Intl', 'AggregateError'];
const REMOVED_MEMBERS = [
  ['Number', 'isInteger'], ['Number', 'isSafeInteger'], ['Math', 'trunc'], ['Array', 'from'], ['Array', 'of'],
  ['Object', 'freeze'], ['Object', 'seal'], ['Promise', 'race'], ['Promise', 'allSettled'], ['Promise', 'any'],
  ['Array.prototype', 'at'], ['Array.prototype', 'flat'], ['Array.prototype', 'flatMap'], ['Array.prototype', 'lastIndexOf'],
  ['String.prototype', 'codePointAt'], ['String.prototype', 'at'], ['Promise.prototype', 'finally'],
];

/** Runs inside each fresh context before the bundle: strips and patches built-ins. */
const PRELUDE = `(function (installEventMixin, removedGlobals, removedMembers, nowMs) {
  var g = globalThis;
  installEventMixin(Object.prototype);
  var fcc = String.fromCharCode;
  // Espruino strings are 8-bit: fromCharCode keeps only the low byte.
  String.fromCharCode = function () {
    var a = [];
    for (var i = 0; i < arguments.length; i++) a.push(arguments[i] & 255);
    return fcc.apply(String, a);
  };
  var RealDate = Date;
  // Date follows the node's simulated clock (scaled by timeScale).
  class SimDate extends RealDate {
    constructor() {
      if (arguments.length === 0) super(nowMs());
      else super(...arguments);
    }
    static now() { return nowMs(); }
  }
  g.Date = SimDate;
  for (var j = 0; j < removedMembers.length; j++) {
    var path = removedMembers[j][0].split('.');
    var owner = g[path[0]];
    if (path[1]) owner = owner[path[1]];
    delete owner[removedMembers[j][1]];
  }
  for (var k = 0; k < removedGlobals.length; k++) delete g[removedGlobals[k]];
})`;

/** Context names must be unique per process, even when a test runner loads this module again. */
const CONTEXT_TAG = Math.random().toString(36).slice(2, 8);
let contextSerial = 0;

/** One simulated device. Create with createNode(). */
class SimNode {
  constructor(options) {
    const o = options || {};
    this.id = String(o.id === undefined ? 'node' : o.id);
    this.board = o.board || 'esp32';
    this.profile = getBoard(this.board, o.profile);
    this.bundle = o.bundle !== undefined ? String(o.bundle) : fs.readFileSync(o.bundlePath, 'latin1');
    this.bundleName = o.bundlePath || this.board + '.js';
    this.seed = o.seed === undefined ? 1 : Number(o.seed);
    this.timeScale = o.timeScale === undefined ? 1 : Number(o.timeScale);
    this.sleepScale = o.sleepScale === undefined ? this.timeScale : Number(o.sleepScale);
    this.abruptClose = o.abruptClose || 'reset';
    this.hostMap = Object.assign({ localhost: '127.0.0.1' }, o.brokerHostMap || {});
    this.logSink = o.log;
    this.events = new EventEmitter();
    this.flash = new FlashStore(this.profile.storageBytes);
    seedFiles(this.flash, o.files);
    this.i2c = new I2cBus();
    this.oneWire = new OneWireBuses();
    this.sensors = o.sensors || {};
    this.mac = macFor(this.id);
    const wifi = o.wifi || {};
    this.ap = {
      ssid: wifi.ssid === undefined ? 'simnet' : String(wifi.ssid),
      password: wifi.password === undefined ? '' : String(wifi.password),
      up: true,
      rssi: wifi.rssi === undefined ? -60 : wifi.rssi,
      connectMs: wifi.connectMs === undefined ? 100 : wifi.connectMs,
      gateway: '192.168.4.1',
      ipFor: (id) => '192.168.4.' + (2 + (hash(id) % 250)),
    };
    this.wifiSaved = null;
    this.bootCount = 0;
    this.state = 'off';
    this.env = null;
    this.errors = [];
    this.zombies = new Set();
    this.nodeTimers = new Set();
    this.clock = { real: Date.now(), sim: o.startTime === undefined ? Date.now() : Number(o.startTime) };
    this.devices = attachSensors(this, this.sensors);
  }

  /** Simulated wall-clock time in ms. */
  now() {
    return this.clock.sim + (Date.now() - this.clock.real) / this.timeScale;
  }

  /** Sets the simulated clock (Espruino setTime). */
  setTime(ms) {
    this.clock = { real: Date.now(), sim: ms };
  }

  /** Powers the node on (boots the bundle). Returns the node. */
  start() {
    if (this.state === 'off' || this.state === 'stopped') this.boot('power-on');
    return this;
  }

  /** Powers the node off: clears timers, resets sockets, cancels wake-ups. Idempotent. */
  stop() {
    for (const h of this.nodeTimers) clearTimeout(h);
    this.nodeTimers.clear();
    this.teardown('reset');
    for (const z of this.zombies) z.destroy();
    this.zombies.clear();
    if (this.state !== 'stopped') {
      this.state = 'stopped';
      this.events.emit('stop', { id: this.id });
    }
  }

  /**
   * The node loses power now (a crash, a pulled plug): timers stop and its
   * sockets end as `abruptClose` says: 'reset' sends a TCP RST, 'silent'
   * leaves them open and mute, so a broker notices only through keepalive.
   * The node stays off until start(); stop() releases the mute sockets.
   */
  cutPower() {
    for (const h of this.nodeTimers) clearTimeout(h);
    this.nodeTimers.clear();
    this.teardown(this.abruptClose);
    if (this.state !== 'stopped') {
      this.state = 'stopped';
      this.events.emit('stop', { id: this.id });
    }
  }

  /** Resets the node now (RAM lost, Storage kept), like pressing RST. */
  reboot(reason) {
    if (this.state === 'stopped') return;
    for (const h of this.nodeTimers) clearTimeout(h);
    this.nodeTimers.clear();
    this.teardown('reset');
    this.state = 'rebooting';
    // Boot on a fresh host tick so the caller's stack (maybe bundle code) unwinds first.
    this.nodeTimer(0, () => this.boot(reason || 'reboot'));
  }

  /** Called by ESP32/ESP8266.deepSleep(us): stop abruptly, boot again after us (scaled). */
  deepSleepFromBundle(us) {
    if (!this.env || !this.env.alive) return;
    this.teardown(this.abruptClose);
    this.state = 'sleeping';
    // ESP8266 with 0 us sleeps until an external reset: no wake-up timer.
    if (us !== 0) {
      const simAtSleep = this.now();
      this.nodeTimer((us / 1000) * this.sleepScale, () => {
        if (this.state !== 'sleeping') return;
        this.clock = { real: Date.now(), sim: simAtSleep + us / 1000 };
        this.boot('deepsleep');
      });
    }
    // Last, so that a listener calling stop() also cancels the wake-up.
    this.events.emit('sleep', { id: this.id, us, bootCount: this.bootCount });
  }

  /** Takes the Wi-Fi access point away; it comes back after `ms` simulated ms if given. */
  dropWifi(ms) {
    if (!this.profile.hasWifi) throw new Error(this.board + ' has no Wi-Fi to drop');
    this.ap.up = false;
    const env = this.env;
    if (env && env.alive) {
      env.wifi.apDown();
      for (const sock of Array.from(env.sockets)) env.failSocket(sock);
    }
    if (ms !== undefined) this.nodeTimer(ms * this.timeScale, () => this.restoreWifi());
  }

  /** Brings the access point back; a station that wants a link reconnects by itself. */
  restoreWifi() {
    this.ap.up = true;
    if (this.env && this.env.alive && this.env.wifi) this.env.wifi.apUp();
  }

  /** The flash file system (files, stats.bytesWritten...), kept across boots. */
  get storage() {
    return this.flash;
  }

  /**
   * Estimated JsVar blocks of the current boot: {usage, total, free,
   * blocksize, code, dynamic, buffers}. With {deep: true} the data held in
   * closure scopes is counted too (slow; process.memory() inside the bundle
   * stays shallow, a lower bound).
   */
  memory(options) {
    const total = this.profile.blockCount;
    if (!this.env) return { usage: 0, total, free: total, blocksize: this.profile.blockSize, code: 0, dynamic: 0, buffers: 0 };
    const m = this.env.memoryBreakdown(Boolean(options && options.deep));
    return Object.assign({ total, free: Math.max(total - m.usage, 0), blocksize: this.profile.blockSize }, m);
  }

  nodeTimer(realMs, fn) {
    const h = setTimeout(() => {
      this.nodeTimers.delete(h);
      fn();
    }, realMs);
    this.nodeTimers.add(h);
  }

  log(line) {
    this.events.emit('log', { id: this.id, line });
    if (typeof this.logSink === 'function') this.logSink(line, this);
  }

  /** Reports an exception that escaped bundle code (Espruino prints "Uncaught ..."). */
  uncaught(where, error) {
    const text = error && typeof error === 'object' && 'message' in error ? (error.name || 'Error') + ': ' + error.message : String(error);
    this.log('Uncaught ' + text + ' (in ' + where + ')');
    this.errors.push({ where, error, bootCount: this.bootCount });
    if (this.errors.length > 100) this.errors.shift();
    if (this.events.listenerCount('error') > 0) this.events.emit('error', { id: this.id, where, error });
  }

  boot(reason) {
    this.bootCount++;
    const env = createEnv(this);
    this.env = env;
    this.state = 'running';
    const globals = createGlobals(env);
    // Unique per process: the deep memory walk finds the context by name (scopes.js).
    env.contextName = 'sim ' + this.id + '#' + this.bootCount + ' ' + CONTEXT_TAG + '.' + ++contextSerial;
    const ctx = vm.createContext({}, { name: env.contextName });
    env.ctx = ctx;
    vm.runInContext(PRELUDE, ctx)(vm.runInContext('(' + installEventMixin.toString() + ')', ctx), REMOVED_GLOBALS, REMOVED_MEMBERS, () => this.now());
    env.realm = vm.runInContext('({ Error: Error, Uint8Array: Uint8Array, JSON: JSON, Array: Array, Object: Object, Function: Function })', ctx);
    env.global = vm.runInContext('globalThis', ctx);
    for (const k of Object.keys(globals)) env.global[k] = globals[k];
    env.global.global = env.global;
    env.baseline = new Set(Object.getOwnPropertyNames(env.global));
    this.events.emit('boot', { id: this.id, bootCount: this.bootCount, reason });
    try {
      new vm.Script(this.bundle, { filename: this.bundleName }).runInContext(ctx);
    } catch (e) {
      this.uncaught('bundle', e);
    }
    if (!env.alive) return;
    env.dispatch(env.E, 'init', []);
    if (env.wifi && this.wifiSaved) env.wifi.autoConnect(this.wifiSaved);
  }

  teardown(mode) {
    const env = this.env;
    if (!env || !env.alive) return;
    env.alive = false;
    env.timers.clearAll();
    for (const h of env.hostTimers) clearTimeout(h);
    for (const h of env.immediates) clearImmediate(h);
    for (const sock of env.sockets) abandon(sock, mode, this.zombies);
    env.sockets.clear();
  }
}

/**
 * Writes `files` (name -> content) into flash before the first boot, as a
 * flashing tool would (e.g. "node.json", the config of a bundle built
 * without --config). Contents are byte strings; objects are stored as JSON.
 */
function seedFiles(flash, files) {
  if (!files) return;
  for (const name of Object.keys(files)) {
    const v = files[name];
    const content = typeof v === 'string' ? v : JSON.stringify(v);
    if (name.length === 0 || name.length > 28) throw new Error('Storage file name must be 1..28 chars: ' + name);
    if (!flash.put(name, content, content.length)) throw new Error('Storage full while seeding ' + name);
  }
}

function hash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

function macFor(id) {
  const h = hash(id);
  const b = [0x24, 0x0a, 0xc4, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
  return b.map((x) => (x < 16 ? '0' : '') + x.toString(16)).join(':');
}

/**
 * Creates a simulated node (not yet started: call start()).
 * @param {object} options
 * @param {'esp32'|'esp8266'|'linux'} options.board
 * @param {string} [options.bundle] bundle JS source (or options.bundlePath)
 * @param {string} [options.bundlePath] file to read the bundle from
 * @param {string} [options.id] node id (logs, MAC, IP)
 * @param {number} [options.seed] RNG seed: chunk boundaries, RSSI jitter, noise
 * @param {{ssid?: string, password?: string, rssi?: number, connectMs?: number}} [options.wifi] the access point
 * @param {Record<string, string>} [options.brokerHostMap] host name -> loopback IP
 * @param {object} [options.sensors] {bme280?, ds18b20?, adc?, adcNoise?, gpio?} see sensors/index.js
 * @param {number} [options.timeScale] real ms per simulated ms (0.01 = 100x faster)
 * @param {number} [options.sleepScale] real ms per simulated ms of deep sleep (default timeScale)
 * @param {'reset'|'silent'} [options.abruptClose] what the broker sees when the node dies
 * @param {(line: string, node: SimNode) => void} [options.log] console output sink
 * @param {object} [options.profile] overrides of the board profile (sim/boards.js)
 * @param {Record<string, string|object>} [options.files] Storage files written before the
 *   first boot (name -> byte string, or an object stored as JSON), e.g. {"node.json": config}
 * @returns {SimNode}
 */
function createNode(options) {
  return new SimNode(options);
}

module.exports = { createNode, SimNode, REMOVED_GLOBALS };

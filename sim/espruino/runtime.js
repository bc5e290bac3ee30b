'use strict';
/**
 * The per-boot runtime ("env") that node-vm.js hands to every sim/espruino
 * module: the simulated clock, tracked host timers (cleared at teardown), the
 * guard that runs bundle callbacks and reports what they throw, name
 * resolution, realm-correct errors, and the memory model of process.js
 * applied to what the boot can reach.
 */
const vm = require('vm');
const nodeNet = require('net');
const { createRng } = require('./rng');
const { listenersOf, allListeners } = require('./events');
const { abandon, failLater, pendingBytes, SOCKET_ERR } = require('./net');
const { estimateBlocks, stringBlocks, codeBlocks, EMPTY_PROGRAM_BLOCKS } = require('./process');
const { closureScopes } = require('./scopes');

/**
 * Creates the runtime for the node's next boot. node-vm.js sets env.ctx,
 * env.realm, env.global and env.baseline once the context exists.
 * @param {import('../node-vm').SimNode} node
 */
function createEnv(node) {
  const env = {
    node,
    profile: node.profile,
    rng: createRng(node.seed * 7919 + node.bootCount),
    alive: true,
    sockets: new Set(),
    hostTimers: new Set(),
    immediates: new Set(),
    now: () => node.now(),
    realDelay: (ms) => Math.max(0, Number(ms) || 0) * node.timeScale,
    // Set once the CPU is gone (ESP32 deep sleep never returns): later output of the boot is lost.
    muted: false,
    log: (line) => {
      if (!env.muted) node.log(line);
    },
    later(realMs, fn) {
      const h = setTimeout(() => {
        env.hostTimers.delete(h);
        if (env.alive) fn();
      }, realMs);
      env.hostTimers.add(h);
    },
    immediate(fn) {
      const h = setImmediate(() => {
        env.immediates.delete(h);
        if (env.alive) fn();
      });
      env.immediates.add(h);
    },
    guard(where, fn, thisArg, args) {
      // A boot that has been torn down (sleep, reset) runs no more bundle code.
      if (!env.alive) return { threw: false, value: undefined };
      try {
        return { threw: false, value: fn.apply(thisArg, args) };
      } catch (e) {
        node.uncaught(where, e);
        return { threw: true, error: e };
      }
    },
    dispatch(obj, event, args) {
      for (const fn of listenersOf(obj, event)) env.guard(event + ' handler', fn, obj, args);
    },
    error(message, name) {
      const e = new env.realm.Error(message);
      if (name) e.name = name;
      return e;
    },
    resolve(host) {
      if (Object.prototype.hasOwnProperty.call(node.hostMap, host)) return node.hostMap[host];
      return nodeNet.isIP(host) ? host : null;
    },
    networkUp: () => !node.profile.hasWifi || env.wifi.isConnected(),
    evalInContext: (src) => vm.runInContext(src, env.ctx),
    failSocket(sock) {
      abandon(sock, node.abruptClose, node.zombies);
      env.sockets.delete(sock);
      failLater(sock, SOCKET_ERR.NO_CONNECTION);
    },
    estimateSize: (v) => estimateBlocks(v, node.profile.blockSize, new Set(), isBundleValue, node.profile.codeInFlash),
    memoryUsage: () => env.memoryBreakdown().usage,
    memoryBreakdown: (deep) => memoryBreakdown(env, deep),
  };
  function isBundleValue(v) {
    return v instanceof env.realm.Object || v instanceof env.realm.Function;
  }
  env.isBundleValue = isBundleValue;
  return env;
}

/**
 * The memory model of process.js applied to what the current boot can reach;
 * `deep` also walks closure scopes (slow: inspector protocol, see scopes.js).
 */
function memoryBreakdown(env, deep) {
  const bs = env.profile.blockSize;
  const seen = new Set();
  const scopesOf = deep ? scopeReader({ global: env.global, contextName: env.contextName }) : undefined;
  // Code is charged once by codeBlocks(); functions reached here count as headers only.
  const est = (v) => estimateBlocks(v, bs, seen, env.isBundleValue, true, scopesOf);
  let dynamic = 0;
  for (const name of Object.getOwnPropertyNames(env.global)) {
    if (env.baseline.has(name)) continue;
    dynamic += 1 + est(env.global[name]);
  }
  for (const entry of env.timers.callbacks()) dynamic += 4 + entry.reduce((n, v) => n + est(v), 0);
  const emitters = [env.E].concat(env.wifi ? [env.wifi.module] : [], Array.from(env.sockets));
  for (const obj of emitters) for (const fn of allListeners(obj)) dynamic += 1 + est(fn);
  let buffers = 0;
  for (const sock of env.sockets) {
    const n = pendingBytes(sock);
    if (n > 0) buffers += stringBlocks(n, bs);
  }
  const code = codeBlocks(env.node.bundle, env.profile);
  return { usage: EMPTY_PROGRAM_BLOCKS + code + dynamic + buffers, code, dynamic, buffers };
}

/** closureScopes() with value identities for scope keys (one id per object, for this walk). */
function scopeReader(where) {
  const ids = new WeakMap();
  let next = 1;
  const idOf = (v) => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return typeof v + ':' + String(v).slice(0, 32);
    if (!ids.has(v)) ids.set(v, next++);
    return '#' + ids.get(v);
  };
  return (fn) => closureScopes(fn, idOf, where);
}

module.exports = { createEnv };

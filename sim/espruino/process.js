'use strict';
/**
 * process (process.memory(), process.env) and the JsVar block estimate behind
 * it and E.getSizeOf. Espruino counts memory in fixed-size blocks; V8 cannot
 * tell us that, so this is a MODEL, calibrated on a real Espruino for Linux
 * (2v29) built with 1600 x 12-byte, 2047 x 12-byte and 10000 x 14-byte heaps
 * (scripts/espruino-mem.js):
 * - empty program: 56 blocks;
 * - code from flash (.bootcde): per function 4 blocks (function object, its
 *   name in a scope or prototype, flash-code name and reference) + 1 per
 *   parameter + 1 for the scope link when it is defined inside another
 *   function (an IIFE), + 6 per class (prototype object and links), whatever
 *   the block size: dist/mqtt.js (69 functions in an IIFE, model 485) cost
 *   502 blocks above empty; 10 top-level functions with 0/1/3 parameters
 *   cost 40/49/70;
 * - code from RAM: the flash cost plus the source text, ~1 block per
 *   (blockSize + 1) bytes (measured 0.065..0.068 block/byte at 14 bytes);
 * - values: every value >= 1 block, each object/array member ~2 blocks (name +
 *   value) but 1 when the value is an integer or undefined (packed into the
 *   name block, as trace() shows), names longer than blockSize-5 chars and strings longer than
 *   blockSize-8 chars take extension blocks of blockSize chars.
 * The walk reaches what the bundle can reach from new globals, timers,
 * listeners and Storage-free data; state held only in closure scopes is
 * visible only to the deep walk (scopes.js, node.memory({deep: true})), so
 * the shallow figure of process.memory() is a lower bound. Socket send/receive
 * buffers are added as string blocks (they are RAM on the device).
 */

const acorn = require('acorn');
const { forEachChild } = require('../../scripts/lib/ast');

const EMPTY_PROGRAM_BLOCKS = 56;

/** Blocks used by a string of `len` chars. */
function stringBlocks(len, blockSize) {
  const first = blockSize - 8;
  return 1 + (len > first ? Math.ceil((len - first) / blockSize) : 0);
}

/** Blocks used by a member name. */
function nameBlocks(name, blockSize) {
  const first = blockSize - 5;
  return 1 + (name.length > first ? Math.ceil((name.length - first) / blockSize) : 0);
}

/**
 * Estimates the blocks reachable from `value`, counting each object once
 * (`seen` is shared across calls for one total). Host-realm objects (the
 * emulated API) count as one native block.
 * @param {any} value
 * @param {number} blockSize
 * @param {Set<any>} seen
 * @param {(o: any) => boolean} isBundleObject true for objects of the node's realm
 * @param {boolean} codeInFlash function bodies stay in flash
 * @param {(fn: Function) => {key: string, vars: {name: string, value: any}[]}[]} [scopesOf]
 *   deep mode: the closure scopes of a function (scopes.js); each scope is
 *   charged once (by key) as an object with one member per variable
 */
function estimateBlocks(value, blockSize, seen, isBundleObject, codeInFlash, scopesOf) {
  if (typeof value === 'string') return stringBlocks(value.length, blockSize);
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return 1;
  if (seen.has(value)) return 0;
  seen.add(value);
  if (!isBundleObject(value)) return 1;
  let n = 1;
  if (typeof value === 'function') {
    n += codeInFlash ? 1 : stringBlocks(Function.prototype.toString.call(value).length, blockSize);
    if (scopesOf) n += scopeBlocks(scopesOf(value), blockSize, seen, isBundleObject, codeInFlash, scopesOf);
  }
  if (ArrayBuffer.isView(value)) return n + 1 + Math.ceil(value.byteLength / blockSize);
  for (const key of Object.keys(value)) {
    let child;
    try {
      child = value[key];
    } catch (e) {
      continue;
    }
    n += memberBlocks(key, child, blockSize, seen, isBundleObject, codeInFlash, scopesOf);
  }
  return n;
}

/** Blocks of one object member or scope variable: its name, plus its value unless packed into the name. */
function memberBlocks(name, value, blockSize, seen, isBundleObject, codeInFlash, scopesOf) {
  const packed = value === undefined || (Number.isInteger(value) && Math.abs(value) < 0x80000000);
  return nameBlocks(name, blockSize) + (packed ? 0 : estimateBlocks(value, blockSize, seen, isBundleObject, codeInFlash, scopesOf));
}

/** Blocks of closure scopes not charged yet: one per scope plus a member per variable. */
function scopeBlocks(scopes, blockSize, seen, isBundleObject, codeInFlash, scopesOf) {
  let n = 0;
  for (const scope of scopes) {
    if (seen.has(scope.key)) continue;
    seen.add(scope.key);
    n += 1;
    for (const v of scope.vars) n += memberBlocks(v.name, v.value, blockSize, seen, isBundleObject, codeInFlash, scopesOf);
  }
  return n;
}

/** Blocks of the function and class objects of `code` (the model above); 0 if it does not parse. */
function functionBlocks(code) {
  let ast;
  try {
    ast = acorn.parse(code, { ecmaVersion: 'latest' });
  } catch {
    return 0;
  }
  let n = 0;
  const visit = (node, depth) => {
    let inner = depth;
    if (/Function/.test(node.type)) {
      n += 4 + node.params.length + (depth > 0 ? 1 : 0);
      inner = depth + 1;
    } else if (/Class/.test(node.type)) {
      n += 6;
    }
    forEachChild(node, (c) => visit(c, inner));
  };
  visit(ast, 0);
  return n;
}

let lastCode = '';
let lastFunctionBlocks = 0;

/** Blocks that loading the bundle source `code` costs on this board (see the model above). */
function codeBlocks(code, profile) {
  if (code !== lastCode) {
    lastCode = code;
    lastFunctionBlocks = functionBlocks(code);
  }
  const flash = lastFunctionBlocks;
  return Math.round(profile.codeInFlash ? flash : flash + code.length / (profile.blockSize + 1));
}

/**
 * Creates the `process` global for one boot.
 * @param {object} env per-boot runtime from node-vm.js (profile, memoryUsage)
 */
function createProcess(env) {
  return {
    version: '2v29',
    env: { VERSION: '2v29', BOARD: env.profile.boardEnv, CONSOLE: 'Serial1', MODULES: env.moduleNames.join(','), SIMULATED: true },
    memory() {
      const usage = env.memoryUsage();
      const total = env.profile.blockCount;
      return { free: Math.max(total - usage, 0), usage, total, history: 0, gc: 0, gctime: 0, blocksize: env.profile.blockSize };
    },
  };
}

module.exports = { createProcess, estimateBlocks, stringBlocks, codeBlocks, EMPTY_PROGRAM_BLOCKS };

'use strict';
/**
 * process (process.memory(), process.env) and the JsVar block estimate behind
 * it and E.getSizeOf. Espruino counts memory in fixed-size blocks; V8 cannot
 * tell us that, so this is a MODEL, calibrated on measurements from
 * /work/shared/PLATFORMS.md section 2 (1600-block, 12-byte ESP8266 heap):
 * - empty program: 56 blocks;
 * - code: 5.2 KB of functions cost 722 blocks above empty from RAM and 355
 *   from flash; a 3.7 KB minified bundle 652 from RAM and 410 from flash.
 *   So code costs ~0.16 block/byte from RAM and ~0.09 block/byte from flash
 *   at 12-byte blocks (scaled by 12/blockSize for other geometries);
 * - values: every value >= 1 block, each object/array member ~2 blocks (name +
 *   value), names longer than blockSize-5 chars and strings longer than
 *   blockSize-8 chars take extension blocks of blockSize chars.
 * The walk reaches what the bundle can reach from new globals, timers,
 * listeners and Storage-free data; state held only in closure scopes is
 * visible only to the deep walk (scopes.js, node.memory({deep: true})), so
 * the shallow figure of process.memory() is a lower bound. Socket send/receive
 * buffers are added as string blocks (they are RAM on the device).
 */

const EMPTY_PROGRAM_BLOCKS = 56;
const CODE_BLOCKS_PER_BYTE_RAM = 0.16;
const CODE_BLOCKS_PER_BYTE_FLASH = 0.09;
const CALIBRATION_BLOCK_SIZE = 12;

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
    n += nameBlocks(key, blockSize) + estimateBlocks(child, blockSize, seen, isBundleObject, codeInFlash, scopesOf);
  }
  return n;
}

/** Blocks of closure scopes not charged yet: one per scope plus a member per variable. */
function scopeBlocks(scopes, blockSize, seen, isBundleObject, codeInFlash, scopesOf) {
  let n = 0;
  for (const scope of scopes) {
    if (seen.has(scope.key)) continue;
    seen.add(scope.key);
    n += 1;
    for (const v of scope.vars) n += nameBlocks(v.name, blockSize) + estimateBlocks(v.value, blockSize, seen, isBundleObject, codeInFlash, scopesOf);
  }
  return n;
}

/** Blocks that loading `codeBytes` of bundle source costs on this board. */
function codeBlocks(codeBytes, profile) {
  const perByte = profile.codeInFlash ? CODE_BLOCKS_PER_BYTE_FLASH : CODE_BLOCKS_PER_BYTE_RAM;
  return Math.round(codeBytes * perByte * (CALIBRATION_BLOCK_SIZE / profile.blockSize));
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

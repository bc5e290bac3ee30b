'use strict';
/**
 * Espruino timers for one boot of a simulated node: setTimeout/setInterval
 * return numeric ids, clearTimeout() with no argument clears every timer, and
 * clearTimeout(undefined) or an unknown id throws, as the 2v29 reference says
 * ("To avoid accidentally deleting all Timeouts, if a parameter is supplied but
 * is `undefined` then an Exception will be thrown"; unknown ids raise
 * "Unknown Timeout"). Delays are simulated milliseconds, scaled to real time by
 * the node's timeScale.
 */

/** Espruino's TIMER_MIN_INTERVAL is tiny; 0 ms timers still go through the loop. */
const MIN_INTERVAL_MS = 0;

/**
 * Creates the timer table and the global functions for one boot.
 * @param {object} env per-boot runtime from node-vm.js (alive, guard, error,
 *   realDelay, now)
 * @returns {{globals: object, clearAll: () => void, callbacks: () => any[], count: () => number}}
 */
function createTimers(env) {
  /** @type {Map<number, {id:number, fn:Function, args:any[], ms:number, recur:boolean, handle:any}>} */
  const table = new Map();
  let nextId = 1;

  function arm(t) {
    t.handle = setTimeout(() => fire(t), env.realDelay(t.ms));
  }

  function fire(t) {
    if (!env.alive || table.get(t.id) !== t) return;
    if (t.recur) arm(t);
    else table.delete(t.id);
    // Espruino passes the extra setTimeout arguments to the callback.
    env.guard('timer', t.fn, undefined, t.args);
  }

  function add(fn, ms, args, recur) {
    if (typeof fn === 'string') {
      const src = fn;
      fn = () => env.evalInContext(src);
    }
    if (typeof fn !== 'function') throw env.error('Function or String not supplied!');
    let delay = Number(ms);
    if (!(delay >= MIN_INTERVAL_MS)) delay = MIN_INTERVAL_MS;
    const t = { id: nextId++, fn, args, ms: delay, recur, handle: null };
    table.set(t.id, t);
    if (env.alive) arm(t);
    return t.id;
  }

  function clear(isTimeout, argc, id) {
    if (argc === 0) {
      clearAll();
      return;
    }
    const what = isTimeout ? 'Timeout' : 'Interval';
    if (id === undefined) throw env.error('You must supply a valid ' + what + ' ID, or call clear' + what + '() to clear all');
    const t = table.get(Number(id));
    if (!t) throw env.error('Unknown ' + what);
    clearTimeout(t.handle);
    table.delete(t.id);
  }

  function clearAll() {
    for (const t of table.values()) clearTimeout(t.handle);
    table.clear();
  }

  const globals = {
    setTimeout(fn, ms) {
      return add(fn, ms, Array.prototype.slice.call(arguments, 2), false);
    },
    setInterval(fn, ms) {
      return add(fn, ms, Array.prototype.slice.call(arguments, 2), true);
    },
    clearTimeout(id) {
      clear(true, arguments.length, id);
    },
    clearInterval(id) {
      clear(false, arguments.length, id);
    },
    changeInterval(id, ms) {
      const t = table.get(Number(id));
      if (!t) throw env.error('Unknown Interval');
      clearTimeout(t.handle);
      t.ms = Number(ms) >= MIN_INTERVAL_MS ? Number(ms) : MIN_INTERVAL_MS;
      if (env.alive) arm(t);
    },
  };

  return {
    globals,
    clearAll,
    callbacks: () => Array.from(table.values(), (t) => [t.fn].concat(t.args)),
    count: () => table.size,
  };
}

module.exports = { createTimers };

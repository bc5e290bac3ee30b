'use strict';
/**
 * The E object for one boot: the 'init' event (emitted by node-vm.js after the
 * bundle has run, as Espruino does after loading .bootcde), the watchdog,
 * E.getSizeOf (block estimate, see process.js), E.reboot, E.toString and
 * E.toUint8Array. E.enableWatchdog(s, false) must be kicked with
 * E.kickWatchdog() at least every s seconds (simulated) or the node resets; in
 * automatic mode (the default) Espruino kicks it from its idle loop, so it only
 * fires when JS blocks, which the simulator cannot observe: a no-op here. On
 * ESP8266 the call is a no-op [PLATFORMS 3].
 */
const { EventObject } = require('./events');
const { flatten } = require('./i2c');

/**
 * Creates E for one boot.
 * @param {object} env per-boot runtime from node-vm.js (profile, later,
 *   realDelay, node, estimateSize, realm)
 */
function createE(env) {
  const E = new EventObject();
  /** {seconds, token}: the armed manual-mode watchdog, if any. */
  let wd = null;

  function arm() {
    const token = {};
    wd.token = token;
    env.later(env.realDelay(wd.seconds * 1000), () => {
      if (!wd || wd.token !== token) return;
      env.log('Watchdog timeout: resetting');
      env.node.events.emit('watchdog', { id: env.node.id });
      env.node.reboot('watchdog');
    });
  }

  Object.assign(E, {
    enableWatchdog(seconds, isAuto) {
      if (!env.profile.watchdog || isAuto !== false) return;
      wd = { seconds: Number(seconds) || 1, token: null };
      arm();
    },
    kickWatchdog() {
      if (wd) arm();
    },
    getSizeOf(v) {
      return env.estimateSize(v);
    },
    reboot() {
      env.node.reboot('E.reboot');
    },
    toString() {
      return String.fromCharCode.apply(null, flatten(Array.prototype.slice.call(arguments), []));
    },
    toUint8Array() {
      const bytes = flatten(Array.prototype.slice.call(arguments), []);
      const u = new env.realm.Uint8Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) u[i] = bytes[i];
      return u;
    },
    getErrorFlags() {
      return new env.realm.Array();
    },
  });
  return E;
}

module.exports = { createE };

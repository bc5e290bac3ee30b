'use strict';
/**
 * Espruino's `tls` module (ESP32 and Linux builds only). Like the real
 * firmware, the simulator does NOT verify the server certificate
 * (rejectUnauthorized: false, mirroring Espruino's VERIFY_NONE in
 * libs/network/network.c) and sends no SNI for the real host name: the link is
 * encrypted but the server is not authenticated. ca/cert/key are PEM strings;
 * cert/key give a client certificate.
 */
const nodeTls = require('tls');
const { connectWith } = require('./net');

/**
 * Creates the `tls` module for one boot.
 * @param {object} env per-boot runtime from node-vm.js
 */
function createTlsModule(env) {
  return {
    connect(options, cb) {
      return connectWith(env, options, cb, (ip, port, opts) => {
        const n = nodeTls.connect({
          host: ip,
          port,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          rejectUnauthorized: false,
          checkServerIdentity: () => undefined,
          writableHighWaterMark: env.profile.chunkSize,
        });
        return [n, 'secureConnect'];
      });
    },
  };
}

module.exports = { createTlsModule };

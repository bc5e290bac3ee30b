'use strict';
/**
 * Espruino's `tls` module (ESP32 and Linux builds only). Like the real
 * firmware, the simulator does NOT verify the server certificate
 * (rejectUnauthorized: false, mirroring Espruino's VERIFY_NONE in
 * libs/network/network.c) and sends no SNI for the real host name: the link is
 * encrypted but the server is not authenticated.
 *
 * ca/cert/key are DER byte strings, as the device needs them: Espruino hands
 * the string to mbedtls_x509_crt_parse / mbedtls_pk_parse_key without a
 * terminating NUL, which PEM parsing requires, so PEM text fails there
 * ("HTTPS init failed!"). The simulator fails the same way for PEM text and
 * converts DER to what Node's tls wants (PEM certificates, a KeyObject-derived
 * PEM key: PKCS#8, PKCS#1 RSA or SEC1 EC). cert + key present the client
 * certificate.
 */
const crypto = require('crypto');
const nodeTls = require('tls');
const { connectWith } = require('./net');

/** Key encodings mbedtls_pk_parse_key accepts in DER, tried in this order. */
const KEY_TYPES = [
  { type: 'pkcs8' },
  { type: 'pkcs1' },
  { type: 'sec1' },
];

/** Throws like the device when a TLS option is not DER (Espruino prints this exception). */
function requireDer(env, name, value) {
  const s = String(value);
  if (s.indexOf('-----BEGIN') >= 0) {
    throw env.error("HTTPS init failed! mbedtls_x509_crt_parse of '" + name + "': PEM text needs a NUL terminator: pass DER", 'InternalError');
  }
  return Buffer.from(s, 'latin1');
}

/** A DER certificate as the PEM text Node's tls accepts. */
function certificatePem(der) {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return '-----BEGIN CERTIFICATE-----\n' + b64 + (b64.endsWith('\n') ? '' : '\n') + '-----END CERTIFICATE-----\n';
}

/** A DER private key (PKCS#8, PKCS#1 or SEC1) as PKCS#8 PEM; throws when none parses. */
function privateKeyPem(env, der) {
  for (const t of KEY_TYPES) {
    try {
      return crypto.createPrivateKey({ key: der, format: 'der', type: t.type }).export({ format: 'pem', type: 'pkcs8' });
    } catch (e) {
      // not this encoding: try the next one
    }
  }
  throw env.error("HTTPS init failed! mbedtls_pk_parse_key of 'key': not a DER private key", 'InternalError');
}

/** Node tls.connect options for Espruino's {ca, cert, key}; throws for material the device would reject. */
function tlsMaterial(env, opts) {
  const out = {};
  if (opts.ca !== undefined) out.ca = certificatePem(requireDer(env, 'ca', opts.ca));
  if (opts.cert !== undefined) out.cert = certificatePem(requireDer(env, 'cert', opts.cert));
  if (opts.key !== undefined) out.key = privateKeyPem(env, requireDer(env, 'key', opts.key));
  return out;
}

/**
 * Creates the `tls` module for one boot.
 * @param {object} env per-boot runtime from node-vm.js
 */
function createTlsModule(env) {
  return {
    connect(options, cb) {
      return connectWith(env, options, cb, (ip, port, opts) => {
        let material;
        try {
          material = tlsMaterial(env, opts);
        } catch (e) {
          // Espruino reports the exception and the socket fails its handshake.
          env.log('Uncaught ' + e.name + ': ' + e.message);
          throw Object.assign(new Error(e.message), { code: 'ERR_SSL_INIT' });
        }
        const n = nodeTls.connect(Object.assign(material, {
          host: ip,
          port,
          rejectUnauthorized: false,
          checkServerIdentity: () => undefined,
          writableHighWaterMark: env.profile.chunkSize,
        }));
        return [n, 'secureConnect'];
      });
    },
  };
}

module.exports = { createTlsModule, certificatePem, privateKeyPem };

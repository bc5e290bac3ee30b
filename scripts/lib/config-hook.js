/*
 * The configuration hook of the build: turns the parsed build arguments into
 * esbuild `define` values. With --config the file is validated for the board
 * (scripts/lib/config.js) and its normalised form embedded as the constant
 * __NODE_CONFIG__; without it __NODE_CONFIG__ is null and the node reads its
 * config from the Storage file "node.json" at boot (how the simulator and
 * fleet builds give one bundle many identities).
 *
 * An embedded config must be ASCII (TLS keys aside, which are DER bytes): the
 * build escapes each UTF-16 char of the bundle (charset ascii), so "caf\u00e9"
 * would reach an ESP, whose strings are bytes, as the Latin-1 byte E9, not as
 * UTF-8, and the node would refuse the topic. node.json in Storage, written
 * as UTF-8 bytes, carries any text.
 */
'use strict';

const { loadConfig, ConfigError, DER_FIELDS } = require('./config');

/** Fields of the normalised config holding DER bytes (latin1 byte strings) rather than text. */
const BYTE_FIELDS = DER_FIELDS.map((k) => 'broker.' + k);
/** Normalised text fields whose name in the config file differs (config.js). */
const FILE_NAMES = { topicPrefix: 'mqtt.topicPrefix' };

/**
 * Throws a ConfigError naming the first text field of the normalised config
 * `value` (at `field`) that is not ASCII.
 */
function requireAscii(value, field) {
  if (typeof value === 'string') {
    if (BYTE_FIELDS.indexOf(field) < 0 && /[^\x00-\x7f]/.test(value)) {
      throw new ConfigError(FILE_NAMES[field] || field, 'must be ASCII in a config embedded with --config (for other text, build without --config and write node.json to Storage as UTF-8)');
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) requireAscii(value[k], Array.isArray(value) ? field + '[' + k + ']' : (field ? field + '.' : '') + k);
  }
}

/** What each board can do, for validating a config against it. */
const BOARD_CAPS = {
  esp32: { name: 'esp32', wifi: true, tls: true, sleep: true },
  esp8266: { name: 'esp8266', wifi: true, tls: false, sleep: true },
  linux: { name: 'linux', wifi: false, tls: true, sleep: false },
};

/**
 * Return the esbuild `define` map for parsed build args ({ board, config }).
 * Throws an Error with a user-facing message naming the file and field when
 * the config is missing, not JSON or invalid for the board.
 */
function configDefines(args) {
  if (args.config === null) return { __NODE_CONFIG__: 'null' };
  if (args.board === null) throw new Error('--config needs --board <name>: a config is validated for one board');
  const caps = BOARD_CAPS[args.board];
  if (!caps) throw new Error('no capabilities known for board "' + args.board + '" (scripts/lib/config-hook.js)');
  try {
    const config = loadConfig(args.config, caps);
    requireAscii(config, '');
    return { __NODE_CONFIG__: JSON.stringify(config) };
  } catch (e) {
    throw new Error('config ' + args.config + ': ' + e.message);
  }
}

module.exports = { configDefines, BOARD_CAPS };

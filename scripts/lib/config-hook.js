/*
 * The configuration hook of the build: turns the parsed build arguments into
 * esbuild `define` values. With --config the file is validated for the board
 * (scripts/lib/config.js) and its normalised form embedded as the constant
 * __NODE_CONFIG__; without it __NODE_CONFIG__ is null and the node reads its
 * config from the Storage file "node.json" at boot (how the simulator and
 * fleet builds give one bundle many identities).
 */
'use strict';

const { loadConfig } = require('./config');

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
    return { __NODE_CONFIG__: JSON.stringify(loadConfig(args.config, caps)) };
  } catch (e) {
    throw new Error('config ' + args.config + ': ' + e.message);
  }
}

module.exports = { configDefines, BOARD_CAPS };

'use strict';
/**
 * Node identities for the simulator. A board bundle built without --config
 * reads its normalised config from the Storage file "node.json" at boot, so
 * one dist/<board>.js serves any number of simulated nodes: each gets its own
 * config, validated by the same code as a build (scripts/lib/config.js), so a
 * field the firmware does not know is an error here too.
 */
const path = require('path');
const { validateConfig, DER_FIELDS } = require('../scripts/lib/config');
const { BOARD_CAPS } = require('../scripts/lib/config-hook');

/** The Wi-Fi network every simulated access point offers by default (sim/node-vm.js). */
const SIM_SSID = 'simnet';

/**
 * Builds and validates a node config for `board` and returns the normalised
 * object the firmware reads from node.json. `o`:
 *   nodeId (required), host (default 127.0.0.1), port (required), tls,
 *   ca/cert/key (PEM file paths, embedded as DER like a build does),
 *   username/password, keepAlive, cleanSession, topicPrefix, interval,
 *   deepSleep, sensors, ssid/wifiPassword (default: the sim access point),
 *   baseDir (for relative PEM paths; default the working directory).
 * Throws the config's ConfigError (naming the field) when invalid.
 */
function nodeConfig(board, o) {
  const caps = BOARD_CAPS[board];
  if (!caps) throw new Error('unknown board "' + board + '" (esp32, esp8266 or linux)');
  const broker = { host: o.host || '127.0.0.1', port: o.port };
  copy(o, broker, ['tls', 'ca', 'cert', 'key', 'username', 'password']);
  const raw = { nodeId: o.nodeId, broker: broker, mqtt: {}, telemetry: {} };
  if (caps.wifi) raw.wifi = { ssid: o.ssid || SIM_SSID, password: o.wifiPassword || '' };
  copy(o, raw.mqtt, ['keepAlive', 'cleanSession', 'topicPrefix']);
  copy(o, raw.telemetry, ['interval', 'deepSleep']);
  if (o.sensors !== undefined) raw.sensors = o.sensors;
  return validateConfig(raw, caps, o.baseDir || path.resolve('.'));
}

function copy(from, to, keys) {
  for (const k of keys) if (from[k] !== undefined) to[k] = from[k];
}

/**
 * The Storage files that give a node built without --config its identity.
 * Flash holds bytes, and so does node.json: text as UTF-8 (as a flashing
 * tool writes a UTF-8 file), DER keys as the bytes they are.
 */
function nodeFiles(config) {
  const json = JSON.stringify(config, (k, v) => (typeof v === 'string' && DER_FIELDS.indexOf(k) < 0 ? Buffer.from(v, 'utf8').toString('latin1') : v));
  return { 'node.json': json };
}

module.exports = { nodeConfig, nodeFiles, SIM_SSID };

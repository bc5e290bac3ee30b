'use strict';
/**
 * Build-time validation of a node's JSON config (boards/config.example.json
 * documents every field). The device receives the normalised result with all
 * defaults filled in, so it carries no validation code. Every error names the
 * field it is about; secrets never appear in messages.
 */
const fs = require('fs');
const path = require('path');

/** MQTT 3.1.1 guarantees client ids of 1..23 of these characters [MQTT-3.1.3-5]. */
const NODE_ID = /^[0-9a-zA-Z_-]{1,23}$/;
const SENSOR_TYPES = ['adc'];
/** Broker fields holding DER bytes (PEM in the file, a latin1 byte string once loaded) rather than text. */
const DER_FIELDS = ['ca', 'cert', 'key'];

/** Longest deep sleep, as MAX_DEEP_SLEEP_SECONDS in firmware/hal/sleep.ts. */
const MAX_DEEP_SLEEP_SECONDS = 2147;

class ConfigError extends Error {
  constructor(field, message) {
    super(field + ': ' + message);
    this.code = 'CONFIG_INVALID';
    this.field = field;
  }
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(obj, key, field, opts) {
  const v = obj[key];
  if (v === undefined) {
    if (opts.required) throw new ConfigError(field, 'is required');
    return opts.default;
  }
  if (typeof v !== 'string') throw new ConfigError(field, 'must be a string');
  if (opts.pattern && !opts.pattern.test(v)) throw new ConfigError(field, opts.patternHint);
  if (opts.nonEmpty && v.length === 0) throw new ConfigError(field, 'must not be empty');
  return v;
}

function int(obj, key, field, min, max, dflt) {
  const v = obj[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || Math.floor(v) !== v) throw new ConfigError(field, 'must be an integer');
  if (v < min || v > max) throw new ConfigError(field, 'must be between ' + min + ' and ' + max);
  return v;
}

function bool(obj, key, field, dflt) {
  const v = obj[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ConfigError(field, 'must be true or false');
  return v;
}

function section(obj, key, required) {
  const v = obj[key];
  if (v === undefined) {
    if (required) throw new ConfigError(key, 'is required');
    return {};
  }
  if (!isObject(v)) throw new ConfigError(key, 'must be an object');
  return v;
}

function rejectUnknown(obj, allowed, prefix) {
  for (const k of Object.keys(obj)) {
    if (allowed.indexOf(k) < 0) {
      throw new ConfigError(prefix + k, 'is not a known field (known: ' + allowed.join(', ') + ')');
    }
  }
}

/**
 * Reads a PEM file named relative to the config file and returns its first
 * block as DER bytes (a latin1 byte string). Espruino hands these options
 * to mbedtls without a terminating NUL, which PEM parsing needs, so the
 * device must get DER [libs/network/network.c, ssl_load_key].
 */
function pem(obj, key, field, baseDir) {
  const file = str(obj, key, field, {});
  if (file === undefined) return undefined;
  const full = path.resolve(baseDir, file);
  let text;
  try {
    text = fs.readFileSync(full, 'latin1');
  } catch (e) {
    throw new ConfigError(field, 'cannot read ' + full + ' (' + e.code + ')');
  }
  const m = /-----BEGIN [A-Z0-9 ]+-----([A-Za-z0-9+/=\s]+)-----END /.exec(text);
  if (!m) throw new ConfigError(field, full + ' is not a PEM file');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('latin1');
}

function validateBroker(raw, baseDir) {
  const b = section(raw, 'broker', true);
  rejectUnknown(b, ['host', 'port', 'tls', 'username', 'password', 'ca', 'cert', 'key'], 'broker.');
  const tls = bool(b, 'tls', 'broker.tls', false);
  const out = {
    host: str(b, 'host', 'broker.host', { required: true, nonEmpty: true }),
    port: int(b, 'port', 'broker.port', 1, 65535, tls ? 8883 : 1883),
    tls: tls,
  };
  const username = str(b, 'username', 'broker.username', {});
  const password = str(b, 'password', 'broker.password', {});
  if (password !== undefined && username === undefined) {
    throw new ConfigError('broker.password', 'needs broker.username [MQTT-3.1.2-22]');
  }
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  for (const k of DER_FIELDS) {
    const text = pem(b, k, 'broker.' + k, baseDir);
    if (text === undefined) continue;
    if (!tls) throw new ConfigError('broker.' + k, 'is only used with broker.tls = true');
    out[k] = text;
  }
  if ((out.cert === undefined) !== (out.key === undefined)) {
    throw new ConfigError(out.cert === undefined ? 'broker.cert' : 'broker.key', 'client certificate and key go together');
  }
  return out;
}

function validateSensors(raw) {
  const list = raw.sensors === undefined ? [] : raw.sensors;
  if (!Array.isArray(list)) throw new ConfigError('sensors', 'must be an array');
  return list.map(function (s, i) {
    const field = 'sensors[' + i + ']';
    if (!isObject(s)) throw new ConfigError(field, 'must be an object');
    const type = str(s, 'type', field + '.type', { required: true });
    if (SENSOR_TYPES.indexOf(type) < 0) {
      throw new ConfigError(field + '.type', 'unknown sensor type "' + type + '" (known: ' + SENSOR_TYPES.join(', ') + ')');
    }
    rejectUnknown(s, ['type', 'name', 'scale'], field + '.');
    const scale = s.scale === undefined ? 1 : s.scale;
    if (typeof scale !== 'number' || !isFinite(scale)) throw new ConfigError(field + '.scale', 'must be a number');
    return {
      type: type,
      name: str(s, 'name', field + '.name', { required: true, pattern: /^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/, patternHint: 'must be an identifier of at most 16 characters' }),
      scale: scale,
    };
  });
}

/**
 * Validates a parsed config object and returns the normalised config the
 * firmware embeds. `board` is { name, wifi: boolean, tls: boolean }.
 * Throws ConfigError (code CONFIG_INVALID, field) on the first problem.
 */
function validateConfig(raw, board, baseDir) {
  if (!isObject(raw)) throw new ConfigError('(root)', 'config must be a JSON object');
  rejectUnknown(raw, ['$comment', 'nodeId', 'wifi', 'broker', 'mqtt', 'telemetry', 'sensors'], '');
  const cfg = {
    nodeId: str(raw, 'nodeId', 'nodeId', { required: true, pattern: NODE_ID, patternHint: 'must be 1..23 characters of 0-9 a-z A-Z _ - (MQTT client id rules)' }),
  };
  const wifi = section(raw, 'wifi', board.wifi);
  rejectUnknown(wifi, ['ssid', 'password'], 'wifi.');
  if (board.wifi) {
    cfg.wifi = {
      ssid: str(wifi, 'ssid', 'wifi.ssid', { required: true, nonEmpty: true }),
      password: str(wifi, 'password', 'wifi.password', { default: '' }),
    };
  }
  cfg.broker = validateBroker(raw, baseDir);
  if (cfg.broker.tls && !board.tls) {
    throw new ConfigError('broker.tls', 'board ' + board.name + ' has no TLS support');
  }
  const mqtt = section(raw, 'mqtt', false);
  rejectUnknown(mqtt, ['keepAlive', 'cleanSession', 'topicPrefix'], 'mqtt.');
  cfg.keepAlive = int(mqtt, 'keepAlive', 'mqtt.keepAlive', 0, 65535, 60);
  cfg.cleanSession = bool(mqtt, 'cleanSession', 'mqtt.cleanSession', false);
  cfg.topicPrefix = str(mqtt, 'topicPrefix', 'mqtt.topicPrefix', { default: 'sensors', pattern: /^[^+#\u0000]+$/, patternHint: 'must be non-empty and contain no + or # wildcards' });
  const tele = section(raw, 'telemetry', false);
  rejectUnknown(tele, ['interval', 'deepSleep'], 'telemetry.');
  cfg.interval = int(tele, 'interval', 'telemetry.interval', 1, 86400, 60);
  cfg.deepSleep = bool(tele, 'deepSleep', 'telemetry.deepSleep', false);
  if (cfg.deepSleep && board.sleep === false) {
    throw new ConfigError('telemetry.deepSleep', 'board ' + board.name + ' cannot deep sleep');
  }
  // ESP32/ESP8266 deepSleep takes an int32 of microseconds (firmware/hal/sleep.ts).
  if (cfg.deepSleep && cfg.interval > MAX_DEEP_SLEEP_SECONDS) {
    throw new ConfigError('telemetry.interval', 'must be at most ' + MAX_DEEP_SLEEP_SECONDS + ' with deepSleep (the chips sleep at most 2^31 microseconds)');
  }
  cfg.sensors = validateSensors(raw);
  return cfg;
}

/** Reads, parses and validates a config file; errors name the file and field. */
function loadConfig(file, board) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('(file)', 'cannot read config ' + file + ' (' + e.code + ')');
  }
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('(file)', file + ' is not valid JSON: ' + e.message);
  }
  return validateConfig(raw, board, path.dirname(path.resolve(file)));
}

module.exports = { validateConfig, loadConfig, ConfigError, DER_FIELDS };

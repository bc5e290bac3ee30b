/*
 * The configuration hook of the build: turns the parsed build arguments into
 * esbuild `define` values. Today it embeds the --config JSON file unchanged as
 * the global constant __NODE_CONFIG__ (null without --config); validating the
 * configuration against its schema belongs here later, before it is embedded.
 */
'use strict';

const fs = require('fs');

/**
 * Return the esbuild `define` map for parsed build args ({ config: path|null }).
 * Throws an Error with a user-facing message when the config file is missing
 * or is not JSON.
 */
function configDefines(args) {
  if (args.config === null) return { __NODE_CONFIG__: 'null' };
  if (!fs.existsSync(args.config)) throw new Error('config file not found: ' + args.config);
  const text = fs.readFileSync(args.config, 'utf8');
  let config;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new Error('config file ' + args.config + ' is not valid JSON: ' + e.message);
  }
  return { __NODE_CONFIG__: JSON.stringify(config) };
}

module.exports = { configDefines };

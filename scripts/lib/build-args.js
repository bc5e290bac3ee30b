/*
 * Command-line arguments of scripts/build.js:
 *   --board <name>   build only dist/<name>.js from boards/<name>.ts
 *   --config <file>  embed a JSON node configuration (see config-hook.js)
 * Both also accept the --flag=value form.
 */
'use strict';

const FLAGS = new Map([['--board', 'board'], ['--config', 'config']]);

/**
 * Parse argv (without node and script path) into { board, config } (null when
 * absent). Throws an Error with a user-facing message for an unknown flag, a
 * flag without its value, or a repeated flag.
 */
function parseBuildArgs(argv) {
  const args = { board: null, config: null };
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf('=');
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const field = FLAGS.get(flag);
    if (!field) throw new Error('unknown argument "' + argv[i] + '" (expected --board <name> or --config <file>)');
    const value = eq > 0 ? argv[i].slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new Error(flag + ' needs a value');
    if (args[field] !== null) throw new Error(flag + ' given twice');
    args[field] = value;
  }
  return args;
}

module.exports = { parseBuildArgs };

#!/usr/bin/env node
/*
 * Espruino-safe build: bundles each device entry with esbuild into one
 * minified, ASCII-only file under dist/, fixes identifiers Espruino cannot
 * parse, runs the compatibility checker on every bundle and prints a size
 * table.
 *   dist/mqtt.js     from firmware/mqtt/index.ts, the client library: an
 *                    IIFE, API as the plain object MQTT (and module.exports
 *                    under CommonJS)
 *   dist/mqtt-codec.js  from firmware/mqtt/codec-entry.ts, the full codec,
 *                    the same way as the object MQTTCodec
 *   dist/<board>.js  from each boards/<board>.ts, self-starting, no exports,
 *                    at global scope: on Espruino a function defined inside
 *                    an IIFE keeps a link to its scope (one heap block per
 *                    function); top-level names are prefixed with `$`; every
 *                    property name only our code sees is shortened
 *                    (lib/mangle-names.js).
 * Usage: node scripts/build.js [--board <name>] [--config <file.json>]
 * --board builds that board only; --config embeds the JSON as __NODE_CONFIG__.
 * Exit code 1 on any error or checker finding, with file:line:col and rule.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { espruinoBuildOptions, runEsbuild } = require('./lib/esbuild-options');
const { apiEntryOptions } = require('./lib/api-entry');
const { fixIdentifiers } = require('./lib/identifier-fixups');
const { boardMangleProps } = require('./lib/mangle-names');
const { parseBuildArgs } = require('./lib/build-args');
const { configDefines } = require('./lib/config-hook');
const { measure, formatSizeTable } = require('./lib/sizes');
const { checkSource, formatFinding } = require('./check-espruino');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const BOARDS = path.join(ROOT, 'boards');
/** Prefix of the global names a board bundle declares (see fixIdentifiers). */
const TOP_LEVEL_PREFIX = '$';
/** Library bundles: the client library, and the full codec for tools (a client needs none of it). */
const API_BUNDLES = [
  { name: 'mqtt', entry: path.join(ROOT, 'firmware', 'mqtt', 'index.ts'), globalName: 'MQTT' },
  { name: 'mqtt-codec', entry: path.join(ROOT, 'firmware', 'mqtt', 'codec-entry.ts'), globalName: 'MQTTCodec' },
];

/** A short excerpt of minified `code` around a finding, to see what it refers to. */
function excerpt(code, finding) {
  const lines = code.split('\n');
  const text = lines[finding.line - 1] || '';
  return text.slice(Math.max(0, finding.column - 30), finding.column + 40);
}

/**
 * Bundle one entry for Espruino and write it to `spec.outfile`.
 * spec: { entry, outfile, globalName?, define? }. With globalName the entry's
 * exports become one plain object assigned to that global (api-entry.js);
 * without it the entry is bundled as self-starting top-level code.
 * Resolves to { outfile, code, exportNames, renames }; rejects with an Error
 * naming the bundle, position and rule when esbuild fails or the checker
 * reports findings (then no bundle is left at outfile, not even an old one).
 */
async function bundle(spec) {
  // A stale bundle from an earlier build must not survive a failed one.
  fs.rmSync(spec.outfile, { force: true });
  let extra = { entryPoints: [spec.entry] };
  let exportNames = null;
  if (!fs.existsSync(spec.entry)) throw new Error('entry not found: ' + spec.entry);
  if (spec.globalName) {
    const api = await apiEntryOptions(spec.entry, spec.globalName);
    extra = api.options;
    exportNames = api.names;
  }
  extra.define = spec.define || {};
  // esm without imports or exports: plain top-level statements, names still minified.
  if (!spec.globalName) {
    extra.format = 'esm';
    extra.mangleProps = boardMangleProps();
  }
  const result = await runEsbuild(espruinoBuildOptions(extra));
  const fixed = fixIdentifiers(result.outputFiles[0].text, spec.globalName ? undefined : TOP_LEVEL_PREFIX);
  const label = path.relative(process.cwd(), spec.outfile);
  const findings = checkSource(fixed.code, label);
  if (findings.length > 0) {
    throw new Error(findings.length + ' Espruino compatibility finding(s) in ' + label + ':\n' +
      findings.map((f) => formatFinding(label, f) + '\n    ...' + excerpt(fixed.code, f) + '...').join('\n'));
  }
  fs.mkdirSync(path.dirname(spec.outfile), { recursive: true });
  fs.writeFileSync(spec.outfile, fixed.code);
  return { outfile: spec.outfile, code: fixed.code, exportNames: exportNames, renames: fixed.renames };
}

/** Board names: one per boards/<name>.ts (declaration files and subdirectories excluded). */
function listBoards(boardsDir) {
  if (!fs.existsSync(boardsDir)) return [];
  return fs.readdirSync(boardsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && fs.statSync(path.join(boardsDir, f)).isFile())
    .map((f) => f.slice(0, -3))
    .sort();
}

/** The bundle specs to build for parsed args (throws on an unknown board). */
function planBuild(args, define) {
  const boards = listBoards(BOARDS);
  if (args.board !== null && boards.indexOf(args.board) < 0) {
    throw new Error('unknown board "' + args.board + '" (available: ' + (boards.join(', ') || 'none') + ')');
  }
  const specs = [];
  if (args.board === null) {
    for (const api of API_BUNDLES) {
      specs.push({ entry: api.entry, outfile: path.join(DIST, api.name + '.js'), globalName: api.globalName, define: define });
    }
  }
  for (const board of boards) {
    if (args.board !== null && board !== args.board) continue;
    specs.push({ entry: path.join(BOARDS, board + '.ts'), outfile: path.join(DIST, board + '.js'), define: define });
  }
  return specs;
}

async function main(argv) {
  let specs;
  try {
    const args = parseBuildArgs(argv);
    specs = planBuild(args, configDefines(args));
  } catch (e) {
    console.error('build: ' + e.message);
    return 1;
  }
  const rows = [];
  let failed = 0;
  for (const spec of specs) {
    const name = path.relative(ROOT, spec.outfile);
    try {
      const built = await bundle(spec);
      rows.push(measure(name, built.code));
      if (built.exportNames) console.log(name + ': ' + spec.globalName + ' = { ' + built.exportNames.join(', ') + ' }');
      for (const r of built.renames) console.log(name + ': renamed variable "' + r[0] + '" to "' + r[1] + '" (Espruino token)');
    } catch (e) {
      failed++;
      console.error('build: FAILED ' + name + '\n' + e.message);
    }
  }
  if (rows.length > 0) console.log(formatSizeTable(rows));
  if (failed > 0) {
    console.error('build: ' + failed + ' of ' + specs.length + ' bundle(s) failed');
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

module.exports = { bundle, listBoards, main };

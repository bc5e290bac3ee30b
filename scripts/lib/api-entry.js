/*
 * The plain-object API entry for library bundles (dist/mqtt.js).
 * esbuild's own IIFE export object (globalName / import * as ns) defines one
 * getter function per export, which costs heap blocks on Espruino
 * (PLATFORMS.md section 2: 10 exports = 75 blocks as getters, 14 as plain
 * properties). Instead the build reads the entry's export names from a first
 * esbuild pass and bundles a generated entry that imports them by name and
 * assigns ONE object literal to a top-level `var <globalName>`, also exported
 * as module.exports when a CommonJS `module` exists (the Node simulator).
 */
'use strict';

const path = require('path');
const { espruinoBuildOptions, runEsbuild } = require('./esbuild-options');

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The export names of module `entry` (resolved by esbuild, re-exports included), sorted. */
async function exportNamesOf(entry) {
  const result = await runEsbuild(espruinoBuildOptions({
    entryPoints: [entry], format: 'esm', minify: false, metafile: true, outdir: 'api-entry-probe',
  }));
  const outputs = Object.values(result.metafile.outputs).filter((o) => o.entryPoint !== undefined);
  return outputs[0].exports.slice().sort();
}

function quoteIfNeeded(name) {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/**
 * Source of the generated entry for `entry` exporting `names`, assigning the
 * API object to the global `globalName` (declared by the banner, exported to
 * CommonJS by the footer of apiEntryOptions).
 */
function apiEntrySource(entry, names, globalName) {
  const specifier = JSON.stringify(path.resolve(entry));
  const imports = names.map((n, i) => quoteIfNeeded(n) + ' as $' + i).join(', ');
  const fields = names.map((n, i) => quoteIfNeeded(n) + ': $' + i).join(', ');
  return (names.length > 0 ? 'import { ' + imports + ' } from ' + specifier + ';\n' : 'import ' + specifier + ';\n') +
    globalName + ' = { ' + fields + ' };\n';
}

/**
 * esbuild options (to merge into espruinoBuildOptions) that bundle `entry` as
 * a plain-object API named `globalName`. Resolves to { options, names }.
 */
async function apiEntryOptions(entry, globalName) {
  if (!IDENTIFIER.test(globalName)) throw new Error('invalid global name: ' + globalName);
  const names = await exportNamesOf(entry);
  return {
    names: names,
    options: {
      stdin: { contents: apiEntrySource(entry, names, globalName), resolveDir: path.dirname(path.resolve(entry)), sourcefile: 'api-entry.js', loader: 'js' },
      banner: { js: 'var ' + globalName + ';' },
      // Outside the IIFE and unseen by esbuild: a `module` reference inside the
      // entry would make esbuild wrap it as a CommonJS module with its own `module`.
      footer: { js: 'if(typeof module!="undefined")module.exports=' + globalName + ';' },
    },
  };
}

module.exports = { apiEntryOptions, apiEntrySource, exportNamesOf };

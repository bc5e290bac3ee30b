#!/usr/bin/env node
/*
 * Espruino compatibility checker: parses a bundle with acorn and rejects what
 * Espruino 2v29 cannot run (PLATFORMS.md sections 1 and 7): non-ASCII bytes,
 * syntax it lacks, missing built-ins, Espruino-only reserved words used as
 * identifiers, and uses of function declarations before their statement runs.
 *
 *   node scripts/check-espruino.js dist            every .js file in dist/
 *   node scripts/check-espruino.js a.js b.js       the given files
 * Prints `file:line:col rule message` per finding and exits 1 if any.
 * As a module: checkSource(code, fileName) -> [{rule, message, line, column}].
 * Not checked (leave to review): integer number literals written with an
 * exponent (1e6 is a float on Espruino; some natives want ints).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const ast = require('./lib/ast');
const rules = require('./lib/espruino-rules');
const hoisting = require('./lib/hoisting');

/** One finding per line holding a non-ASCII character (bundles must be pure ASCII). */
function findNonAscii(code) {
  const findings = [];
  let lastLine = -1;
  for (let i = 0; i < code.length; i++) {
    if (code.charCodeAt(i) <= 127) continue;
    const pos = ast.positionOf(code, i);
    if (pos.line === lastLine) continue;
    lastLine = pos.line;
    findings.push({
      rule: 'non-ascii',
      message: 'non-ASCII character U+' + code.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0') + ' at offset ' + i,
      line: pos.line,
      column: pos.column,
    });
  }
  return findings;
}

/**
 * Check JavaScript source `code` for Espruino compatibility. Returns the
 * findings sorted by position ({rule, message, line (1-based), column
 * (0-based)}); an empty array means clean. A parse error is one finding with
 * rule 'parse-error'. `fileName` is used only in messages.
 */
function checkSource(code, fileName) {
  const findings = findNonAscii(code);
  let program;
  try {
    program = ast.parse(code);
  } catch (e) {
    const loc = e.loc || { line: 0, column: 0 };
    findings.push({ rule: 'parse-error', message: (fileName || '<source>') + ': ' + e.message, line: loc.line, column: loc.column });
    return findings;
  }
  const seen = new Set();
  const report = (rule, message, node) => {
    const id = rule + ':' + node.start;
    if (seen.has(id)) return;
    seen.add(id);
    findings.push({ rule: rule, message: message, line: node.loc.start.line, column: node.loc.start.column });
  };
  ast.walk(program, (node, parent, key, scopes) => {
    rules.checkNode(node, parent, key, scopes, report);
    return true;
  });
  hoisting.checkHoisting(program, report);
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The .js files named by CLI arguments (directories expand to their *.js files, sorted). */
function listFiles(args) {
  const files = [];
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new Error('no such file or directory: ' + arg);
    if (fs.statSync(arg).isDirectory()) {
      for (const name of fs.readdirSync(arg).sort()) if (name.endsWith('.js')) files.push(path.join(arg, name));
    } else {
      files.push(arg);
    }
  }
  return files;
}

/** Check files on disk; returns [{file, findings}]. */
function checkFiles(files) {
  return files.map((file) => ({ file: file, findings: checkSource(fs.readFileSync(file, 'utf8'), file) }));
}

/** Format one finding as `file:line:col rule message`. */
function formatFinding(file, f) {
  return file + ':' + f.line + ':' + f.column + ' ' + f.rule + ' ' + f.message;
}

function main(argv) {
  if (argv.length === 0) {
    console.error('usage: node scripts/check-espruino.js <dir-or-file.js>...');
    return 2;
  }
  let files;
  try {
    files = listFiles(argv);
  } catch (e) {
    console.error('check-espruino: ' + e.message);
    return 2;
  }
  let total = 0;
  for (const result of checkFiles(files)) {
    for (const f of result.findings) console.log(formatFinding(result.file, f));
    total += result.findings.length;
  }
  console.log('check-espruino: ' + files.length + ' file(s), ' + total + ' finding(s)');
  return total > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { checkSource, checkFiles, formatFinding, listFiles };

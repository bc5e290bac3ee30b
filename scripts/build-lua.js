#!/usr/bin/env node
'use strict';
/**
 * Builds the Lua 5.1 bundle of the portable MQTT core (dist/mqttcore.lua) with
 * typescript-to-lua, for NodeMCU and any other Lua 5.1+ host, without its
 * indentation (scripts/lib/lua-indent.js). The name is the one to upload:
 * NodeMCU's require("mqtt") returns the firmware's built-in C mqtt module.
 *
 * Every diagnostic, error or warning, from TypeScript or from tstl fails the
 * build: a construct tstl cannot translate (bitwise operators on the 5.1
 * target, Map, a missing `this: void`...) must be caught the day it is written.
 * So does a condition whose truth differs between JS and Lua (truthinessHazards),
 * which tstl translates without a word.
 *
 * Usage: node scripts/build-lua.js   (npm run build:lua)
 * Prints the bundle size and, when luac5.1 is installed, the size of its
 * stripped bytecode (`luac5.1 -s`): a host-side estimate only, NodeMCU
 * firmware compiles with its own luac.cross / node.compile().
 */
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const ts = require('typescript');
const tstl = require('typescript-to-lua');
const { stripIndentation } = require('./lib/lua-indent');

const ROOT = path.resolve(__dirname, '..');
const CONFIG = path.join(ROOT, 'tsconfig.lua.json');
/** tsconfig.lua.json's luaBundle. */
const BUNDLE = path.join(ROOT, 'dist', 'mqttcore.lua');
const CORE_DIR = path.join(ROOT, 'firmware', 'mqtt');

/**
 * Transpiles the core in memory. Returns `{ diagnostics, lua, raw }` where
 * `lua` is the bundle text without indentation and `raw` tstl's own output
 * (both undefined if nothing was emitted).
 * Throws if tstl emitted a token spanning lines (see lua-indent.js). Writes
 * nothing to disk. `optionsToExtend` overrides tsconfig.lua.json options
 * (used to compare luaLibImport modes).
 */
function transpileLua(optionsToExtend) {
  let lua;
  const result = tstl.transpileProject(CONFIG, optionsToExtend || {}, (fileName, data) => {
    if (path.resolve(fileName) === BUNDLE) lua = data;
  });
  return { diagnostics: result.diagnostics, lua: lua === undefined ? undefined : stripIndentation(lua), raw: lua };
}

/**
 * Transpiles EVERY .ts file in firmware/mqtt, one Lua file each, in memory,
 * and returns tstl's diagnostics: a core file that the Lua entry does not
 * import yet is checked too. Writes nothing to disk.
 */
function checkCoreFiles() {
  const config = tstl.parseConfigFileWithSystem(CONFIG);
  if (config.errors.length > 0) return config.errors;
  const files = fs.readdirSync(CORE_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(CORE_DIR, f));
  const options = Object.assign({}, config.options);
  delete options.luaBundle;
  delete options.luaBundleEntry;
  return tstl.transpileFiles(files, options, () => undefined).diagnostics;
}

/** True if a value of type `t` can be 0, NaN or '' (falsy in JS, truthy in Lua). */
function maybeFalsyInJsOnly(t) {
  if (t.isUnion()) return t.types.some(maybeFalsyInJsOnly);
  const F = ts.TypeFlags;
  if (t.flags & (F.Number | F.String | F.Any | F.Unknown)) return true;
  if (t.flags & (F.NumberLiteral | F.StringLiteral)) return t.value === 0 || t.value === '';
  return false;
}

/**
 * Conditions in firmware/mqtt whose truth differs between JS and Lua: in Lua
 * only nil and false are false, so `o.maxInflight || 10` keeps 0 on Lua and
 * `if (!packet)` passes an empty string. tstl translates them without a word.
 * Both operands of `&&` / `||` in a condition are conditions; elsewhere
 * (`a || b` as a value) only the left one is. Checks the .ts files of `dir`
 * (default firmware/mqtt) with tsconfig.lua.json's options.
 * Returns "file:line: text (type)" strings. buildLua fails on any: write
 * `x ?? d` (nil-aware in Lua too) or an explicit comparison with undefined.
 */
function truthinessHazards(dir) {
  const config = tstl.parseConfigFileWithSystem(CONFIG);
  const coreDir = dir || CORE_DIR;
  const files = fs.readdirSync(coreDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(coreDir, f));
  const program = ts.createProgram(files, Object.assign({}, config.options, { noEmit: true }));
  const checker = program.getTypeChecker();
  const K = ts.SyntaxKind;
  const isLogical = (n) => ts.isBinaryExpression(n) &&
    (n.operatorToken.kind === K.AmpersandAmpersandToken || n.operatorToken.kind === K.BarBarToken);
  const hazards = [];
  const condition = (e) => {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isPrefixUnaryExpression(e) && e.operator === K.ExclamationToken) return condition(e.operand);
    if (isLogical(e)) {
      condition(e.left);
      return condition(e.right);
    }
    const type = checker.getTypeAtLocation(e);
    if (!maybeFalsyInJsOnly(type)) return;
    const sf = e.getSourceFile();
    const line = sf.getLineAndCharacterOfPosition(e.getStart()).line + 1;
    hazards.push(path.relative(ROOT, sf.fileName) + ':' + line + ': ' + e.getText().slice(0, 50) +
      ' (' + checker.typeToString(type) + ')');
  };
  const visit = (n) => {
    if (ts.isIfStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n)) condition(n.expression);
    else if (ts.isForStatement(n) && n.condition) condition(n.condition);
    else if (ts.isConditionalExpression(n)) condition(n.condition);
    else if (ts.isPrefixUnaryExpression(n) && n.operator === K.ExclamationToken) condition(n.operand);
    else if (isLogical(n)) condition(n.left);
    ts.forEachChild(n, visit);
  };
  for (const sf of program.getSourceFiles()) if (files.indexOf(path.normalize(sf.fileName)) >= 0) visit(sf);
  return Array.from(new Set(hazards));
}

/** Formats diagnostics the way tsc prints them (file:line:col - code: text). */
function formatDiagnostics(diagnostics) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

/** Offsets of bytes above 0x7f: the bundle must stay ASCII (see PLATFORMS.md). */
function nonAsciiOffsets(text) {
  const bytes = Buffer.from(text, 'utf8');
  const offsets = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) offsets.push(i);
  return offsets;
}

/**
 * Lua globals the bundle may read. Anything else is a JS global that tstl
 * passed through untranslated (e.g. `const chr = String.fromCharCode` becomes
 * the Lua global `String`, nil at run time) or a 5.1-only name (`unpack` is
 * gone in 5.3): tstl reports neither, so the bytecode is checked instead.
 */
const LUA_GLOBALS = ['assert', 'error', 'getmetatable', 'ipairs', 'math', 'next', 'pairs', 'pcall', 'rawequal',
  'rawget', 'rawset', 'require', 'select', 'setmetatable', 'string', 'table', 'tonumber', 'tostring', 'type', 'xpcall'];

/**
 * Globals read or written by `file`, from `luac5.1 -p -l` (GETGLOBAL and
 * SETGLOBAL instructions). Returns null when luac5.1 is not installed.
 */
function globalAccesses(file) {
  const run = childProcess.spawnSync('luac5.1', ['-p', '-l', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error && run.error.code === 'ENOENT') return null;
  if (run.status !== 0) throw new Error('luac5.1 rejected ' + file + ':\n' + run.stderr);
  const reads = new Set();
  const writes = new Set();
  for (const line of run.stdout.split('\n')) {
    const m = /\b(GET|SET)GLOBAL\s+\S+\s+\S+\s+;\s+(\S+)/.exec(line);
    if (m) (m[1] === 'GET' ? reads : writes).add(m[2]);
  }
  return { reads: Array.from(reads).sort(), writes: Array.from(writes).sort() };
}

/** Throws if `file` reads a global outside LUA_GLOBALS or writes any global. */
function checkGlobals(file) {
  const access = globalAccesses(file);
  if (access === null) return false;
  const unknown = access.reads.filter((g) => LUA_GLOBALS.indexOf(g) < 0);
  if (unknown.length > 0 || access.writes.length > 0) {
    throw new Error('the Lua bundle uses globals that do not exist in Lua: read [' + unknown.join(', ') +
      '], written [' + access.writes.join(', ') + ']. A JS built-in used as a value (e.g. ' +
      '`const chr = String.fromCharCode`) is not translated by tstl: call it directly instead.');
  }
  return true;
}

/**
 * typescript-to-lua runtime (lualib) features the core must not pull in: the
 * JS built-ins that PLATFORMS.md rules out (Map, Set, Symbol, Error classes,
 * Promise, generators, iterators, object spread). tstl emulates them without
 * a diagnostic, at a cost in code and RAM, and Espruino lacks them anyway.
 */
const FORBIDDEN_LUALIB = /^(Map|Set|WeakMap|WeakSet|Symbol|Error|\w+Error|Promise|__TS__(Generator|Symbol\w*|Promise\w*|AsyncAwaiter|Await|Iterator|ObjectAssign|Spread\w*))$/;

/** Names of the lualib features the bundle `lua` includes (its lualib_bundle module's exports). */
function lualibFeatures(lua) {
  const start = lua.indexOf('["lualib_bundle"]');
  if (start < 0) return [];
  const m = /\nreturn \{\n((?:\s*[\w]+ = [\w]+,?\n)+)\}/.exec(lua.slice(start));
  if (m === null) return [];
  return m[1].split('\n').map((l) => l.trim().split(' ')[0]).filter((n) => n !== '');
}

/** Size in bytes of `luac5.1 -s` output for `file`, or null if luac5.1 is absent. */
function strippedBytecodeSize(file) {
  const out = file + '.luac';
  const run = childProcess.spawnSync('luac5.1', ['-s', '-o', out, file], { encoding: 'utf8' });
  if (run.error && run.error.code === 'ENOENT') return null;
  if (run.status !== 0) throw new Error('luac5.1 rejected ' + file + ':\n' + run.stderr);
  const size = fs.statSync(out).size;
  fs.unlinkSync(out);
  return size;
}

/**
 * Builds dist/mqttcore.lua. Throws, with every diagnostic in the message, if tstl
 * reports anything on any firmware/mqtt file or on the bundle, if a core
 * condition tests a number or string for truth (truthinessHazards), if the output
 * pulls in a FORBIDDEN_LUALIB feature, is not ASCII, or if it uses a Lua
 * global outside LUA_GLOBALS (that check
 * needs luac5.1 and is skipped without it). Nothing is written on failure.
 * `bundleOnly` skips checkCoreFiles and truthinessHazards (tests report those
 * checks on their own).
 * Returns `{ file, bytes, luacBytes, globalsChecked }`.
 */
function buildLua(bundleOnly) {
  const coreDiagnostics = bundleOnly ? [] : checkCoreFiles();
  if (coreDiagnostics.length > 0) {
    throw new Error('Lua build failed: firmware/mqtt has ' + coreDiagnostics.length + ' diagnostic(s):\n' +
      formatDiagnostics(coreDiagnostics));
  }
  const hazards = bundleOnly ? [] : truthinessHazards();
  if (hazards.length > 0) {
    throw new Error('Lua build failed: ' + hazards.length + ' condition(s) in firmware/mqtt where 0 or \'\' is false ' +
      'in JS but true in Lua (use ?? for defaults or compare with undefined explicitly):\n  ' + hazards.join('\n  '));
  }
  const result = transpileLua();
  if (result.diagnostics.length > 0) {
    throw new Error('Lua build failed with ' + result.diagnostics.length + ' diagnostic(s):\n' +
      formatDiagnostics(result.diagnostics));
  }
  if (result.lua === undefined) throw new Error('Lua build emitted no ' + BUNDLE);
  const forbidden = lualibFeatures(result.lua).filter((f) => FORBIDDEN_LUALIB.test(f));
  if (forbidden.length > 0) {
    throw new Error('the Lua bundle pulls in tstl runtime features the core must not use: ' + forbidden.join(', ') +
      ' (Map/Set/Symbol/Error/Promise/generators/iterators/spread: see PLATFORMS.md)');
  }
  const bad = nonAsciiOffsets(result.lua);
  if (bad.length > 0) throw new Error('the Lua bundle has non-ASCII bytes at offsets ' + bad.slice(0, 10).join(', '));
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-lua-'));
  try {
    const candidate = path.join(tmpDir, path.basename(BUNDLE));
    fs.writeFileSync(candidate, result.lua);
    const globalsChecked = checkGlobals(candidate);
    const luacBytes = strippedBytecodeSize(candidate);
    fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
    fs.copyFileSync(candidate, BUNDLE);
    return { file: BUNDLE, bytes: Buffer.byteLength(result.lua), luacBytes: luacBytes, globalsChecked: globalsChecked };
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    const built = buildLua();
    console.log(path.relative(ROOT, built.file) + ': ' + built.bytes + ' bytes');
    console.log(built.luacBytes === null
      ? 'luac5.1 not installed: stripped bytecode size not measured (apt-get install lua5.1)'
      : 'luac5.1 -s: ' + built.luacBytes + ' bytes (host bytecode, estimate only)');
    if (!built.globalsChecked) console.log('WARNING: luac5.1 not installed: global-variable check skipped');
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}

module.exports = { transpileLua, checkCoreFiles, truthinessHazards, nonAsciiOffsets, lualibFeatures,
  FORBIDDEN_LUALIB, buildLua, globalAccesses, formatDiagnostics, LUA_GLOBALS, BUNDLE };

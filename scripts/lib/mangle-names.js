/*
 * Which property names a board bundle may shorten (esbuild mangleProps).
 * On Espruino a property name longer than 4 characters costs an extra heap
 * block wherever it is stored (every prototype method, instance field and
 * object literal key), so board bundles rename every member name that only
 * our own code can see:
 *   own      = names of members declared in our TypeScript sources
 *              (interface/type members, class members) under firmware/ and
 *              boards/: read syntactically, no type checking;
 *   reserved = every identifier in the ES2017 library declarations the
 *              device code compiles against (length, indexOf, ...), in our
 *              .d.ts files and ambient `declare` statements (the Espruino
 *              API, reached by name at run time: espruino.d.ts, declare
 *              const process...) and in the wire-format files (node.json
 *              keys, parsed from Storage at run time).
 * A name in both is kept: renaming is safe only for names no built-in or
 * external object answers to. dist/mqtt.js is a library and keeps its public
 * names (only the `_`-suffixed private members are mangled there).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIRS = ['firmware', 'boards'];
/** Declarations of what is outside the bundle: names in them are never renamed. */
const RESERVED_FILES = ['firmware/app/config.ts'];
/** The libs firmware/tsconfig.json compiles against ("lib": ["ES2017"]), without DOM. */
const LIB_FILE = /^lib\.es(5|2015|2016|2017)(\.[a-z.]+)?\.d\.ts$/;

function parseFile(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
}

/** Every identifier token under `node` (a superset of what it declares). */
function identifiersOf(node, into) {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) into.add(node.text);
  ts.forEachChild(node, (child) => identifiersOf(child, into));
}

function identifiersIn(file, into) {
  identifiersOf(parseFile(file), into);
}

const MEMBER_KINDS = new Set([
  ts.SyntaxKind.PropertySignature, ts.SyntaxKind.MethodSignature, ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor,
]);

function isAmbient(statement) {
  return (ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Ambient) !== 0;
}

/**
 * Adds the names of the members declared in `file` to `own` (identifiers
 * only: quoted names are never mangled) and every identifier of its ambient
 * top-level statements (declarations of what lives outside) to `reserved`.
 */
function membersIn(file, own, reserved) {
  const visit = (node) => {
    if (MEMBER_KINDS.has(node.kind) && node.name && ts.isIdentifier(node.name)) own.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  for (const statement of parseFile(file).statements) {
    if (isAmbient(statement)) identifiersOf(statement, reserved);
    else visit(statement);
  }
}

function tsFilesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFilesUnder(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** The names that must keep their spelling in a board bundle. */
function reservedNames() {
  const reserved = new Set(['constructor', 'prototype', '__proto__']);
  const libDir = path.dirname(require.resolve('typescript/lib/lib.es5.d.ts'));
  for (const f of fs.readdirSync(libDir)) if (LIB_FILE.test(f)) identifiersIn(path.join(libDir, f), reserved);
  for (const f of RESERVED_FILES) identifiersIn(path.join(ROOT, f), reserved);
  return reserved;
}

/** Own member names that may be renamed, sorted. */
function mangleableNames() {
  const own = new Set();
  const reserved = reservedNames();
  for (const dir of SOURCE_DIRS) {
    for (const f of tsFilesUnder(path.join(ROOT, dir))) {
      // A declaration file describes code outside the bundle, like RESERVED_FILES.
      if (f.endsWith('.d.ts')) identifiersIn(f, reserved);
      else membersIn(f, own, reserved);
    }
  }
  return Array.from(own).filter((n) => !reserved.has(n)).sort();
}

let boardPattern;

/**
 * mangleProps for board bundles: exactly the mangleable names (plus the `_`
 * private convention). Read once per process: every board of a build shares it.
 */
function boardMangleProps() {
  if (!boardPattern) boardPattern = new RegExp('^(?:' + mangleableNames().join('|') + ')$|_$');
  return boardPattern;
}

module.exports = { boardMangleProps, mangleableNames };

/*
 * Post-bundle identifier fixups, done on the AST positions (never by text
 * search):
 *  - esbuild's minifier may name a variable `of`, `let` or `static`: legal
 *    JavaScript, but tokens in Espruino's lexer. Every variable occurrence is
 *    renamed to a fresh name that appears nowhere in the bundle.
 *  - the `require` placeholder (esbuild-options.js) is renamed back to
 *    `require`.
 *  - with a topLevelPrefix (board bundles, which run at global scope): every
 *    name declared at the top level gets the prefix, so the bundle's globals
 *    never clobber an Espruino global (E, pins D0/A0, ...) and a user typing
 *    `a=1` at the console does not overwrite the firmware.
 * Shorthand properties {of} become {of:fresh} so the property name is kept.
 */
'use strict';

const ast = require('./ast');
const rules = require('./espruino-rules');
const options = require('./esbuild-options');

/** Every identifier-like word in `code`, to pick fresh names that collide with nothing. */
function wordsIn(code) {
  return new Set(code.match(/[A-Za-z_$][\w$]*/g) || []);
}

function freshName(base, taken) {
  for (let i = 0; ; i++) {
    const candidate = '$' + base + (i === 0 ? '' : String(i));
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}

/**
 * Return `code` with Espruino-reserved variable names renamed, the require
 * placeholder restored and, when `topLevelPrefix` is given, top-level names
 * prefixed; plus the list of Espruino-token renames made ([from, to]).
 * Renaming every occurrence of a name is safe because esbuild's minifier never
 * gives a binding the name of a global the bundle references. `code` must
 * parse as a script.
 */
function fixIdentifiers(code, topLevelPrefix) {
  const program = ast.parse(code);
  const taken = wordsIn(code);
  const renames = new Map([[options.REQUIRE_PLACEHOLDER, 'require']]);
  if (topLevelPrefix) {
    for (const name of ast.declarationsOf(program).names) {
      if (taken.has(topLevelPrefix + name)) throw new Error('cannot prefix top-level "' + name + '": ' + topLevelPrefix + name + ' is taken');
      renames.set(name, topLevelPrefix + name);
    }
  }
  const edits = [];
  ast.walk(program, (node, parent, key) => {
    if (node.type !== 'Identifier' || !ast.isVariableIdentifier(node, parent, key)) return true;
    const name = node.name;
    if (rules.ESPRUINO_TOKENS.has(name) && !renames.has(name)) renames.set(name, freshName(name, taken));
    if (!renames.has(name)) return true;
    const to = renames.get(name);
    const shorthand = parent && parent.type === 'Property' && parent.shorthand && key === 'value';
    edits.push({ start: node.start, end: node.end, text: shorthand ? name + ':' + to : to });
    return true;
  });
  edits.sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const made = [];
  renames.forEach((to, from) => { if (rules.ESPRUINO_TOKENS.has(from)) made.push([from, to]); });
  return { code: out, renames: made };
}

module.exports = { fixIdentifiers };

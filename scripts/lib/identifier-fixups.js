/*
 * Post-bundle identifier fixups, done on the AST positions (never by text
 * search):
 *  - esbuild's minifier may name a variable `of`, `let` or `static`: legal
 *    JavaScript, but tokens in Espruino's lexer. Every variable occurrence is
 *    renamed to a fresh name that appears nowhere in the bundle.
 *  - the `require` placeholder (esbuild-options.js) is renamed back to
 *    `require`.
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
 * Return `code` with Espruino-reserved variable names renamed and the require
 * placeholder restored, plus the list of renames made ([from, to]).
 * `code` must parse as a script.
 */
function fixIdentifiers(code) {
  const program = ast.parse(code);
  const taken = wordsIn(code);
  const renames = new Map([[options.REQUIRE_PLACEHOLDER, 'require']]);
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
  renames.forEach((to, from) => { if (from !== options.REQUIRE_PLACEHOLDER) made.push([from, to]); });
  return { code: out, renames: made };
}

module.exports = { fixIdentifiers };

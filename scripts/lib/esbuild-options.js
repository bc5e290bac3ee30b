/*
 * esbuild settings for Espruino bundles (PLATFORMS.md sections 1 and 7).
 * The `supported` map starts from target es2020 and overrides each feature
 * so that esbuild either lowers it to what Espruino runs, or FAILS the build
 * when it cannot lower it ("Transforming X to the configured target
 * environment is not supported yet"). What slips through both is rejected by
 * scripts/check-espruino.js after the build.
 */
'use strict';

const esbuild = require('esbuild');

const ESPRUINO_SUPPORTED = {
  // Espruino cannot run these and esbuild cannot lower them: the build fails.
  'destructuring': false,
  'default-argument': false,
  'rest-argument': false, // also makes call spread f(...a) fail
  'array-spread': false,
  'nested-rest-binding': false,
  'generator': false,
  'async-await': false,
  'async-generator': false,
  'for-await': false,
  'top-level-await': false,
  'new-target': false,
  // Espruino cannot run these; esbuild lowers them to plain ES5/ES2015 code.
  'exponent-operator': false, // a ** b -> Math.pow(a, b)
  'optional-chain': false, // a?.b -> a == null ? void 0 : a.b
  'logical-assignment': false, // a ||= b -> a || (a = b)
  'object-rest-spread': false, // {...a} -> helper (Object.defineProperty/getOwnPropertyDescriptors, both on Espruino)
  'class-field': false, // -> this.x = v in the constructor (useDefineForClassFields: false below)
  'class-static-field': false, // -> assignment after the class
  'class-static-blocks': false, // -> statements after the class
  'unicode-escapes': false, // "\u{1F600}" -> surrogate pair escapes
  // Lowered by esbuild with WeakMap/WeakSet helpers, which the checker then rejects by name.
  'class-private-field': false,
  'class-private-method': false,
  'class-private-accessor': false,
  'class-private-static-field': false,
  'class-private-static-method': false,
  'class-private-static-accessor': false,
  'class-private-brand-check': false,
  // Kept as written so the checker reports them by name (esbuild would turn a
  // BigInt literal into a BigInt() call and a regex literal into new RegExp()).
  'bigint': true,
  'regexp-dot-all-flag': true,
  'regexp-lookbehind-assertions': true,
  'regexp-match-indices': true,
  'regexp-named-capture-groups': true,
  'regexp-set-notation': true,
  'regexp-sticky-and-unicode-flags': true,
  'regexp-unicode-property-escapes': true,
  // Native on Espruino: kept (untagged template literals work but are re-parsed at run time).
  'arrow': true,
  'class': true,
  'const-and-let': true,
  'for-of': true,
  'template-literal': true,
  'nullish-coalescing': true,
  'optional-catch-binding': true,
  'object-accessors': true,
  'object-extensions': true, // shorthand and methods; computed keys are caught by the checker
};

/**
 * Placeholder the build defines `require` to, so esbuild leaves Espruino's
 * built-in module calls (require("net"), require("Storage")) alone instead of
 * resolving them or wrapping them in its __require/Proxy helper; the build
 * renames it back to `require` after bundling (see identifier-fixups.js).
 */
const REQUIRE_PLACEHOLDER = '__ESPRUINO_REQUIRE__';

/**
 * esbuild build options shared by every Espruino bundle; `extra` (entryPoints,
 * plugins, banner, define...) is merged on top, `define` merged key by key.
 * Output is kept in memory (write: false): the build post-processes and checks
 * it before writing.
 */
function espruinoBuildOptions(extra) {
  const base = {
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2020',
    supported: ESPRUINO_SUPPORTED,
    charset: 'ascii',
    legalComments: 'none',
    minify: true,
    treeShaking: true,
    sourcemap: false,
    write: false,
    logLevel: 'silent',
    // Assign semantics for class fields: `this.x = v`, not one defineProperty per field.
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    // Internal members are named with a trailing underscore (firmware/mqtt):
    // renamed to short names across the bundle, since on Espruino every
    // property name longer than ~7 characters costs extra blocks per object.
    mangleProps: /_$/,
  };
  const options = Object.assign(base, extra);
  options.define = Object.assign({ require: REQUIRE_PLACEHOLDER }, extra.define || {});
  return options;
}

/** An esbuild failure as readable lines: file:line:col: text. */
function formatEsbuildErrors(errors) {
  return errors.map((e) => {
    const l = e.location;
    return (l ? l.file + ':' + l.line + ':' + l.column + ': ' : '') + e.text + (l && l.lineText ? '\n    ' + l.lineText.trim() : '');
  }).join('\n');
}

/**
 * Run esbuild.build(options); on failure reject with one Error whose message
 * lists every esbuild error as file:line:col: text.
 */
async function runEsbuild(options) {
  try {
    return await esbuild.build(options);
  } catch (e) {
    if (!e.errors) throw e;
    throw new Error(formatEsbuildErrors(e.errors) +
      '\n(the Espruino build refuses what Espruino cannot run and esbuild cannot lower: see PLATFORMS.md section 1)');
  }
}

module.exports = { ESPRUINO_SUPPORTED, REQUIRE_PLACEHOLDER, espruinoBuildOptions, runEsbuild };

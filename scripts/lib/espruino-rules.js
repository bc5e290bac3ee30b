/*
 * Per-node rules: what Espruino 2v29 cannot parse or run (PLATFORMS.md
 * sections 1 and 7). Each rule has a short id; checkNode() reports through
 * report(ruleId, message, node). The whole-program no-hoisting rule lives in
 * hoisting.js, the byte-level non-ASCII rule in check-espruino.js.
 */
'use strict';

const ast = require('./ast');

/**
 * Words that are tokens in Espruino's lexer (LEX_R_* in src/jslex.h) but legal
 * identifiers in JavaScript, so a minifier may pick them. Espruino accepts
 * them after `.` and as object keys (jslIsIDOrReservedWord), not as variables.
 */
const ESPRUINO_TOKENS = new Set(['of', 'let', 'static']);

/** Globals absent from Espruino: a free reference to one fails at run time. */
const MISSING_GLOBALS = new Set([
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Proxy', 'Reflect', 'Buffer',
  'TextEncoder', 'TextDecoder', 'BigInt',
]);

/** Static members absent from Espruino's built-ins, as Object.member. */
const MISSING_STATICS = new Set([
  'Array.from', 'Array.of', 'Object.freeze', 'Object.seal', 'Number.isInteger', 'Math.trunc', 'Promise.race',
]);

/**
 * Prototype methods Espruino lacks whose name is distinctive enough to flag on
 * any receiver (types are unknown here): String codePointAt, Array flat,
 * Promise finally. (`.at(` and `.lastIndexOf(` exist on strings, so not flagged.)
 */
const MISSING_METHODS = new Set(['codePointAt', 'flat', 'finally']);

/** Regex features Espruino's small RegExp engine rejects, as [test, description]. */
const REGEX_RULES = [
  [(p) => p.indexOf('(?=') >= 0 || p.indexOf('(?!') >= 0, 'lookahead'],
  [(p) => p.indexOf('(?<') >= 0, 'lookbehind or named group'],
  [(p) => /(^|[^\\])\{\d+(,\d*)?\}/.test(p), '{n} / {n,m} quantifier'],
];

const SIMPLE_NODE_RULES = {
  PropertyDefinition: ['class-field', 'class field: Espruino evaluates it once onto the prototype; assign it in the constructor'],
  StaticBlock: ['static-block', 'class static block'],
  PrivateIdentifier: ['private-name', 'private name #x'],
  LabeledStatement: ['label', 'labelled statement'],
  TaggedTemplateExpression: ['tagged-template', 'tagged template'],
  ObjectPattern: ['destructuring', 'object destructuring'],
  ArrayPattern: ['destructuring', 'array destructuring'],
  RestElement: ['rest', 'rest parameter or rest element'],
  SpreadElement: ['spread', 'spread ...x'],
  AwaitExpression: ['async', 'await'],
  YieldExpression: ['generator', 'yield'],
  ChainExpression: ['optional-chaining', 'optional chaining ?.'],
  ImportDeclaration: ['import-export', 'import declaration'],
  ImportExpression: ['import-export', 'dynamic import()'],
  ExportNamedDeclaration: ['import-export', 'export declaration'],
  ExportDefaultDeclaration: ['import-export', 'export default'],
  ExportAllDeclaration: ['import-export', 'export *'],
};

function checkFunction(node, report) {
  if (node.async) report('async', 'async function', node);
  if (node.generator) report('generator', 'generator function', node);
  for (const p of node.params) {
    if (p.type === 'AssignmentPattern') report('default-param', 'default parameter value', p);
  }
}

function checkOperator(node, report) {
  const op = node.operator;
  if (op === '**' || op === '**=') report('exponent', 'exponent operator ' + op, node);
  if (op === '||=' || op === '&&=' || op === '??=') report('logical-assignment', 'logical assignment ' + op, node);
}

function checkRegexPattern(pattern, node, report) {
  for (const rule of REGEX_RULES) {
    if (rule[0](pattern)) report('regex', 'RegExp uses ' + rule[1] + ': /' + pattern + '/', node);
  }
}

function checkLiteral(node, report) {
  if (node.bigint !== undefined) report('bigint', 'BigInt literal', node);
  if (node.regex) checkRegexPattern(node.regex.pattern, node, report);
}

/** `new RegExp("...")` / `RegExp("...")`: esbuild turns some regex literals into these. */
function checkRegExpCall(node, scopes, report) {
  const callee = node.callee;
  if (callee.type !== 'Identifier' || callee.name !== 'RegExp' || ast.resolve('RegExp', scopes)) return;
  const arg = node.arguments[0];
  if (arg && arg.type === 'Literal' && typeof arg.value === 'string') checkRegexPattern(arg.value, node, report);
}

function checkMember(node, parent, key, scopes, report) {
  if (node.computed || node.property.type !== 'Identifier') return;
  const name = node.property.name;
  const object = node.object;
  if (object.type === 'Identifier' && MISSING_STATICS.has(object.name + '.' + name) && !ast.resolve(object.name, scopes)) {
    report('missing-builtin', object.name + '.' + name + ' does not exist on Espruino', node);
  }
  const isCallee = parent && parent.type === 'CallExpression' && key === 'callee';
  if (isCallee && MISSING_METHODS.has(name)) report('missing-builtin', '.' + name + '() does not exist on Espruino', node);
}

function checkIdentifier(node, parent, key, scopes, report) {
  if (!ast.isVariableIdentifier(node, parent, key)) return;
  const name = node.name;
  if (ESPRUINO_TOKENS.has(name)) {
    report('reserved-identifier', '"' + name + '" is a token in Espruino and cannot name a variable', node);
  } else if (name === 'undefined' && ast.isBindingId(node, scopes)) {
    report('reserved-identifier', '"undefined" is a token in Espruino and cannot be declared', node);
  } else if (MISSING_GLOBALS.has(name) && !ast.resolve(name, scopes)) {
    report('missing-global', name + ' does not exist on Espruino', node);
  }
}

function checkClass(node, report) {
  const sup = node.superClass;
  if (sup && sup.type !== 'Identifier') report('class-extends', 'Espruino only supports `extends Identifier`', sup);
}

function checkKey(node, report) {
  if (node.computed) report('computed-key', 'computed key [expr] in an object literal or class', node);
}

/**
 * Apply every per-node rule to `node` (reached as parent[key], scope chain
 * `scopes`), calling report(ruleId, message, nodeForPosition) per finding.
 */
function checkNode(node, parent, key, scopes, report) {
  const simple = Object.prototype.hasOwnProperty.call(SIMPLE_NODE_RULES, node.type) ? SIMPLE_NODE_RULES[node.type] : null;
  if (simple) report(simple[0], simple[1], node);
  switch (node.type) {
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
      checkFunction(node, report); break;
    case 'BinaryExpression': case 'AssignmentExpression': checkOperator(node, report); break;
    case 'ForOfStatement': if (node.await) report('async', 'for await', node); break;
    case 'MetaProperty': report(node.meta.name === 'import' ? 'import-export' : 'new-target', node.meta.name + '.' + node.property.name, node); break;
    case 'Literal': checkLiteral(node, report); break;
    case 'NewExpression': case 'CallExpression': checkRegExpCall(node, scopes, report); break;
    case 'MemberExpression': checkMember(node, parent, key, scopes, report); break;
    case 'Identifier': checkIdentifier(node, parent, key, scopes, report); break;
    case 'ClassDeclaration': case 'ClassExpression': checkClass(node, report); break;
    case 'Property': if (parent && parent.type === 'ObjectExpression') checkKey(node, report); break;
    case 'MethodDefinition': case 'PropertyDefinition': checkKey(node, report); break;
    default: break;
  }
}

module.exports = { checkNode, ESPRUINO_TOKENS, MISSING_GLOBALS };

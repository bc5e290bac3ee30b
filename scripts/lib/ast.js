/*
 * AST helpers shared by the Espruino checker and the build: parsing with
 * acorn, a generic child walk that tracks function-level scopes, and the
 * question "is this Identifier a variable (binding or reference)?".
 *
 * Scope model (deliberately simple, see resolve()): one scope per Program,
 * function, catch clause and named class expression. var/let/const/class and
 * function declarations are all attributed to the nearest function (or
 * Program) scope, i.e. block scoping is flattened. That is exact for what
 * esbuild emits (its minified output hoists helpers to the IIFE body) and errs
 * towards "declared" for hand-written code with two sibling `let x` blocks.
 */
'use strict';

const acorn = require('acorn');

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw']);

/**
 * Parse `code` as a script (what Espruino runs). If that fails, retry as a
 * module so import/export can be reported as findings instead of a parse
 * error. Throws acorn's SyntaxError (with .loc) when neither parses.
 */
function parse(code) {
  const options = { ecmaVersion: 'latest', locations: true, allowHashBang: true, sourceType: 'script' };
  try {
    return acorn.parse(code, options);
  } catch (scriptError) {
    try {
      return acorn.parse(code, Object.assign({}, options, { sourceType: 'module' }));
    } catch (moduleError) {
      throw scriptError;
    }
  }
}

/** Call fn(child, key) for every direct child node of `node`, in source order. */
function forEachChild(node, fn) {
  for (const key in node) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item.type === 'string') fn(item, key);
    } else if (value && typeof value.type === 'string') {
      fn(value, key);
    }
  }
}

function isFunction(node) {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression';
}

function isScope(node) {
  return node.type === 'Program' || isFunction(node) || node.type === 'CatchClause' ||
    (node.type === 'ClassExpression' && node.id !== null);
}

/**
 * True when `node` (an Identifier reached as `parent[key]`) names a variable,
 * false when it is a property name, method key, label or meta-property part.
 */
function isVariableIdentifier(node, parent, key) {
  if (node.type !== 'Identifier' || !parent) return node.type === 'Identifier';
  switch (parent.type) {
    case 'MemberExpression': return key !== 'property' || parent.computed;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition': return key !== 'key' || parent.computed;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement': return key !== 'label';
    case 'MetaProperty': return false;
    case 'ImportSpecifier': return key !== 'imported';
    case 'ExportSpecifier': return key !== 'exported';
    default: return true;
  }
}

/** Add the Identifier nodes bound by a pattern (x, {a, b: [c]}, d = 1, ...e). */
function collectPatternIds(pattern, out) {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier': out.push(pattern); break;
    case 'ObjectPattern':
      for (const p of pattern.properties) collectPatternIds(p.type === 'RestElement' ? p : p.value, out);
      break;
    case 'ArrayPattern': for (const e of pattern.elements) collectPatternIds(e, out); break;
    case 'AssignmentPattern': collectPatternIds(pattern.left, out); break;
    case 'RestElement': collectPatternIds(pattern.argument, out); break;
    default: break;
  }
}

const declarationCache = new WeakMap();

/** Declarations made inside `scope`'s body (nested functions excluded; their names included). */
function collectBodyDeclarations(node, out) {
  forEachChild(node, (child) => {
    if (child.type === 'VariableDeclaration') {
      for (const d of child.declarations) collectPatternIds(d.id, out);
    } else if (child.type === 'FunctionDeclaration' || child.type === 'ClassDeclaration') {
      if (child.id) out.push(child.id);
    }
    // Catch clauses and class expressions are scopes of their own name only;
    // declarations in their bodies belong to the enclosing function.
    if (!isFunction(child)) collectBodyDeclarations(child, out);
  });
}

/**
 * The binding Identifier nodes a scope node declares, as { names: Set<string>, ids: Set<Identifier> }.
 * Cached per node.
 */
function declarationsOf(scope) {
  let decl = declarationCache.get(scope);
  if (decl) return decl;
  const ids = [];
  if (isFunction(scope)) {
    if (scope.type === 'FunctionExpression' && scope.id) ids.push(scope.id);
    for (const p of scope.params) collectPatternIds(p, ids);
    if (scope.body.type === 'BlockStatement') collectBodyDeclarations(scope.body, ids);
  } else if (scope.type === 'CatchClause') {
    collectPatternIds(scope.param, ids);
  } else if (scope.type === 'ClassExpression') {
    ids.push(scope.id);
  } else {
    collectBodyDeclarations(scope, ids);
  }
  decl = { names: new Set(ids.map((id) => id.name)), ids: new Set(ids) };
  declarationCache.set(scope, decl);
  return decl;
}

/** The innermost scope node in `scopes` (outermost first) declaring `name`, or null if free. */
function resolve(name, scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (declarationsOf(scopes[i]).names.has(name)) return scopes[i];
  }
  return null;
}

/** True when `id` is one of the binding (declaring) Identifier nodes of some scope in `scopes`. */
function isBindingId(id, scopes) {
  const scope = resolve(id.name, scopes);
  return scope !== null && declarationsOf(scope).ids.has(id);
}

/**
 * Depth-first walk from `node` with the scope chain maintained.
 * visit(node, parent, key, scopes) may return false to skip the node's children.
 * `scopes` is the chain (outermost first) in effect for the node, including the
 * node itself when it is a scope; FunctionDeclaration ids are resolved in the
 * same chain, which is fine since a function never redeclares its own name.
 */
function walk(node, visit, scopes, parent, key) {
  const chain = isScope(node) ? (scopes || []).concat([node]) : (scopes || []);
  if (visit(node, parent || null, key || null, chain) === false) return;
  forEachChild(node, (child, childKey) => walk(child, visit, chain, node, childKey));
}

/** 1-based line and 0-based column of character offset `offset` in `code`. */
function positionOf(code, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (code.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line: line, column: offset - lineStart };
}

module.exports = {
  parse, forEachChild, isFunction, isScope, isVariableIdentifier, declarationsOf, resolve,
  isBindingId, walk, positionOf,
};

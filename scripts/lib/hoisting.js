/*
 * The no-hoisting rule: Espruino creates a function declared with a
 * `function` statement only when that statement runs (PLATFORMS.md section 1),
 * so code that runs before the statement and uses the function fails on the
 * device although Node (which hoists) is happy.
 *
 * What is checked, per statement list (Program, function body, block, switch
 * case) that contains function declarations:
 *   1. code in statements before the declaration that runs immediately, i.e.
 *      not inside a nested function body, except IIFEs
 *      ((function(){...})(), (() => ...)(), fn.call/apply on a function
 *      expression), whose bodies do run immediately;
 *   2. one level of indirection: a call, in that immediate code, to a function
 *      G defined earlier in the same list (function declaration, or
 *      `var G = function/arrow`); the immediate code of G's body is scanned.
 * A use is a call F(...) or any other read of F (passing F as a callback or
 * storing it captures undefined on Espruino). Uses are matched to the
 * declaration by binding, so a parameter or inner declaration named F that
 * shadows it is not reported.
 * Limits (not detected): calls two or more levels deep, calls through
 * methods, object properties or aliases (var h = G; h()), callbacks run
 * synchronously by built-ins (arr.forEach(function(){ F() })), and
 * constructors of classes instantiated early.
 */
'use strict';

const ast = require('./ast');

function isIifeCallee(node, parent, key) {
  if (!parent || key !== 'callee' || (parent.type !== 'CallExpression' && parent.type !== 'NewExpression')) return false;
  return node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

function isCallApplyOnFunction(node, parent, key) {
  // (function(){...}).call(this): `node` is the function, parent the member, grandparent the call.
  return parent && parent.type === 'MemberExpression' && key === 'object' && !parent.computed &&
    (parent.property.name === 'call' || parent.property.name === 'apply');
}

/**
 * Walk the immediately-executed parts of `node` (see header), calling
 * onIdentifier(identifier, parent, key, scopes) for every variable reference.
 * When `node` itself is a function, its body is walked (it is being called).
 */
function walkImmediate(node, scopes, onIdentifier) {
  ast.walk(node, (n, parent, key, chain) => {
    if (ast.isFunction(n) && n !== node && !isIifeCallee(n, parent, key) && !isCallApplyOnFunction(n, parent, key)) {
      return false;
    }
    if (n.type === 'Identifier' && ast.isVariableIdentifier(n, parent, key) && !ast.isBindingId(n, chain)) {
      onIdentifier(n, parent, key, chain);
    }
    return true;
  }, scopes);
}

/** `var G = function(){}` / `const G = () => {}`: [name, function] pairs. */
function functionVariables(statement) {
  const out = [];
  if (statement.type !== 'VariableDeclaration') return out;
  for (const d of statement.declarations) {
    if (d.id.type === 'Identifier' && d.init && (d.init.type === 'FunctionExpression' || d.init.type === 'ArrowFunctionExpression')) {
      out.push([d.id.name, d.init]);
    }
  }
  return out;
}

function useKind(parent, key) {
  return parent && parent.type === 'CallExpression' && key === 'callee' ? 'called' : 'used';
}

/** The scope the declarations of a statement list belong to: the nearest function or Program (ast.js). */
function homeScope(scopes) {
  let depth = scopes.length - 1;
  while (scopes[depth].type !== 'Program' && !ast.isFunction(scopes[depth])) depth--;
  return scopes[depth];
}

/**
 * Check one statement list `list` reached with scope chain `scopes`;
 * report(ruleId, message, node) per early use of one of its function declarations.
 */
function checkStatementList(list, scopes, report) {
  const home = homeScope(scopes);
  const pending = new Map(); // declared later in the list: not created yet
  for (const s of list) if (s.type === 'FunctionDeclaration' && s.id) pending.set(s.id.name, s);
  if (pending.size === 0) return;
  const defined = new Map(); // functions already defined: calling them runs their body now
  const isPendingUse = (id, chain) => pending.has(id.name) && ast.resolve(id.name, chain) === home;
  const declaredAt = (id) => ' before its declaration runs (line ' + pending.get(id.name).loc.start.line + '); Espruino does not hoist';
  const onIdentifier = (id, parent, key, chain) => {
    if (isPendingUse(id, chain)) {
      report('no-hoisting', 'function ' + id.name + ' is ' + useKind(parent, key) + declaredAt(id), id);
    } else if (useKind(parent, key) === 'called' && defined.has(id.name) && ast.resolve(id.name, chain) === home) {
      walkImmediate(defined.get(id.name), scopes, (inner, innerParent, innerKey, innerChain) => {
        if (!isPendingUse(inner, innerChain)) return;
        report('no-hoisting', 'function ' + inner.name + ' is ' + useKind(innerParent, innerKey) + ' by ' + id.name +
          '() (called at line ' + id.loc.start.line + ')' + declaredAt(inner), inner);
      });
    }
  };
  for (const statement of list) {
    // A declaration statement only creates its function; the body runs when called.
    if (statement.type !== 'FunctionDeclaration') walkImmediate(statement, scopes, onIdentifier);
    if (statement.type === 'FunctionDeclaration' && statement.id) {
      pending.delete(statement.id.name);
      defined.set(statement.id.name, statement);
    }
    for (const pair of functionVariables(statement)) defined.set(pair[0], pair[1]);
  }
}

/** Run the no-hoisting rule over a whole Program AST. */
function checkHoisting(program, report) {
  ast.walk(program, (node, parent, key, scopes) => {
    if (node.type === 'Program') checkStatementList(node.body, scopes, report);
    else if (node.type === 'BlockStatement') checkStatementList(node.body, scopes, report);
    else if (node.type === 'SwitchCase') checkStatementList(node.consequent, scopes, report);
    return true;
  });
}

module.exports = { checkHoisting };

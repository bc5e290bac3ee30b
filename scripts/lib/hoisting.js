/*
 * The no-hoisting rule: Espruino creates a function declared with a
 * `function` statement only when that statement runs (PLATFORMS.md section 1),
 * so code that runs before the statement and uses the function fails on the
 * device although Node (which hoists) is happy.
 *
 * What is checked, per statement list (Program, function body, block, switch
 * case) that contains function declarations: the code that runs before each
 * declaration, i.e.
 *   1. the statements before it, outside nested function bodies, except IIFEs
 *      ((function(){...})(), (() => ...)(), fn.call/apply on a function
 *      expression), whose bodies do run immediately; static class field
 *      initialisers run, instance ones do not;
 *   2. transitively, through any depth (each function followed once per
 *      list, so recursion ends), what that code calls: G(), G.call/apply(),
 *      where G is a function defined earlier in the same list (declaration,
 *      `var G = function/arrow`, or an alias `var h = G` of one), or a
 *      function local to the code being followed (e.g. one an IIFE or G
 *      declares); and `new C()` with C such a class (declaration or
 *      `var C = class`): its constructor, instance field initialisers and
 *      those of a superclass found the same way.
 * A use is a call F(...) or any other read of F (passing F as a callback or
 * storing it captures undefined on Espruino). Uses are matched to the
 * declaration by binding, so a parameter or inner declaration named F that
 * shadows it is not reported.
 * Limits (not detected): callbacks run synchronously by built-ins
 * (arr.forEach(function(){ F() }), Promise executors), methods and functions
 * reached through object properties, `this`, getters/setters or parameters
 * (o.m(), this.m(), o.x), functions declared in an enclosing list of the
 * same function (a call in a block to a function declared before the
 * block), reassigned variables (G = function(){ F() }; G()), and aliases
 * other than a plain `var h = G`. Branches are not evaluated: code after a
 * return or under a false condition counts as run.
 */
'use strict';

const ast = require('./ast');

function isIifeCallee(node, parent, key) {
  if (!parent || key !== 'callee' || (parent.type !== 'CallExpression' && parent.type !== 'NewExpression')) return false;
  return node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

function isCallApply(member) {
  return member.type === 'MemberExpression' && !member.computed &&
    (member.property.name === 'call' || member.property.name === 'apply');
}

function isCallApplyOnFunction(node, parent, key) {
  // (function(){...}).call(this): `node` is the function, parent the member, grandparent the call.
  return parent && key === 'object' && isCallApply(parent);
}

/**
 * Walk the immediately-executed parts of `node` (see header), calling
 * onIdentifier(identifier, parent, key, scopes, grandparent) for every variable reference.
 * When `node` itself is a function, its body is walked (it is being called).
 */
function walkImmediate(node, scopes, onIdentifier) {
  const parents = [];
  ast.walk(node, (n, parent, key, chain) => {
    if (ast.isFunction(n) && n !== node && !isIifeCallee(n, parent, key) && !isCallApplyOnFunction(n, parent, key)) {
      return false;
    }
    // Instance field initialisers run on `new`, not where the class is defined.
    if (n.type === 'PropertyDefinition' && !n.static && n !== node) return false;
    while (parents.length > 0 && parents[parents.length - 1] !== parent) parents.pop();
    if (n.type === 'Identifier' && ast.isVariableIdentifier(n, parent, key) && !ast.isBindingId(n, chain)) {
      onIdentifier(n, parent, key, chain, parents.length > 1 ? parents[parents.length - 2] : null);
    }
    parents.push(n);
    return true;
  }, scopes);
}

function isFunctionOrClass(node) {
  return node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'ClassExpression';
}

/** The runnable value of a variable initialiser: a function/class expression, an alias Identifier, or null. */
function runnableInit(init) {
  return init && (isFunctionOrClass(init) || init.type === 'Identifier') ? init : null;
}

const assignedCache = new WeakMap();

/**
 * Names assigned anywhere inside `scope`, nested functions included (x = ...,
 * x++, for (x in o)): a variable among them may hold another function by the
 * time it is called, so it is not followed. Over-approximates on purpose.
 */
function assignedNames(scope) {
  let names = assignedCache.get(scope);
  if (names) return names;
  names = new Set();
  const visit = (node) => ast.forEachChild(node, (child) => {
    const target = child.type === 'AssignmentExpression' ? child.left :
      child.type === 'UpdateExpression' ? child.argument :
        child.type === 'ForInStatement' || child.type === 'ForOfStatement' ? child.left : null;
    if (target && target.type === 'Identifier') names.add(target.name);
    visit(child);
  });
  visit(scope);
  assignedCache.set(scope, names);
  return names;
}

const localBindingCache = new WeakMap();

/**
 * name -> function/class node or alias Identifier for the runnable bindings
 * declared once in function `scope` (params, catch names and names declared
 * twice map to null: their value is not known).
 */
function localBindings(scope) {
  let map = localBindingCache.get(scope);
  if (map) return map;
  map = new Map();
  const bound = new Set();
  const bind = (id, value) => {
    map.set(id.name, map.has(id.name) ? null : value);
    bound.add(id);
  };
  const visit = (node) => ast.forEachChild(node, (child) => {
    if (child.type === 'FunctionDeclaration' || child.type === 'ClassDeclaration') {
      if (child.id) bind(child.id, child);
    } else if (child.type === 'VariableDeclaration') {
      for (const d of child.declarations) {
        if (d.id.type !== 'Identifier') continue;
        bind(d.id, runnableInit(d.init));
      }
    }
    if (!ast.isFunction(child)) visit(child);
  });
  if (ast.isFunction(scope) && scope.body.type === 'BlockStatement') visit(scope.body);
  for (const id of ast.declarationsOf(scope).ids) {
    if (!bound.has(id)) bind(id, null); // a parameter, pattern, catch or own name
  }
  localBindingCache.set(scope, map);
  return map;
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

/** 'G()' / 'new C()' when `id` is invoked (call, call/apply, new), else null. */
function invocation(id, parent, key, grandparent) {
  if (parent.type === 'CallExpression' && key === 'callee') return id.name + '()';
  if (parent.type === 'NewExpression' && key === 'callee') return 'new ' + id.name + '()';
  if (key === 'object' && isCallApply(parent) && grandparent && grandparent.type === 'CallExpression' &&
    grandparent.callee === parent) {
    return id.name + '.' + parent.property.name + '()';
  }
  return null;
}

/**
 * Check one statement list `list` reached with scope chain `scopes`;
 * report(ruleId, message, node) per early use of one of its function declarations.
 */
function checkStatementList(list, scopes, report) {
  const home = homeScope(scopes);
  const homeIndex = scopes.indexOf(home);
  const pending = new Map(); // declared later in the list: not created yet
  for (const s of list) if (s.type === 'FunctionDeclaration' && s.id) pending.set(s.id.name, s);
  if (pending.size === 0) return;
  const defined = new Map(); // name -> function/class already defined in the list
  const followed = new Set(); // functions and classes already run: once per list is enough
  const isPendingUse = (id, chain) => pending.has(id.name) && ast.resolve(id.name, chain) === home;
  const declaredAt = (id) => ' before its declaration runs (line ' + pending.get(id.name).loc.start.line + '); Espruino does not hoist';

  /** The function or class `name` runs when invoked from scope chain `chain`, with the chain it is declared in. */
  const target = (name, chain) => {
    for (let hops = 0; hops < 8; hops++) {
      const scope = ast.resolve(name, chain);
      let node = null;
      if (scope === home) {
        node = defined.get(name) || null;
        chain = scopes;
      } else if (scope !== null && chain.indexOf(scope) > homeIndex) {
        node = localBindings(scope).get(name) || null;
        chain = chain.slice(0, chain.indexOf(scope) + 1);
      }
      if (node === null || assignedNames(scope).has(name)) return null;
      if (node.type !== 'Identifier') return { node: node, chain: chain };
      name = node.name; // an alias: var h = G
    }
    return null;
  };

  const run = (node, chain, path, line) => {
    if (followed.has(node)) return;
    followed.add(node);
    const onIdentifier = visitor(path, line);
    if (ast.isFunction(node)) {
      walkImmediate(node, chain, onIdentifier);
      return;
    }
    const classChain = ast.isScope(node) ? chain.concat([node]) : chain;
    for (const member of node.body.body) {
      if (member.type === 'MethodDefinition' && member.kind === 'constructor') walkImmediate(member.value, classChain, onIdentifier);
      else if (member.type === 'PropertyDefinition' && !member.static) walkImmediate(member, classChain, onIdentifier);
    }
    if (node.superClass && node.superClass.type === 'Identifier') {
      const parent = target(node.superClass.name, classChain);
      if (parent) run(parent.node, parent.chain, path, line);
    }
  };

  // path: the invocations leading to the code being walked ([] for the list's own code).
  const visitor = (path, line) => (id, parent, key, chain, grandparent) => {
    if (isPendingUse(id, chain)) {
      const by = path.length === 0 ? '' : ' by ' + path.join(' -> ') + ' (called at line ' + line + ')';
      report('no-hoisting', 'function ' + id.name + ' is ' + useKind(parent, key) + by + declaredAt(id), id);
      return;
    }
    const how = invocation(id, parent, key, grandparent);
    if (how === null) return;
    const found = target(id.name, chain);
    if (found && (how.startsWith('new ') || found.node.type !== 'ClassDeclaration' && found.node.type !== 'ClassExpression')) {
      run(found.node, found.chain, path.concat([how]), path.length === 0 ? id.loc.start.line : line);
    }
  };

  const onIdentifier = visitor([], 0);
  for (const statement of list) {
    // A declaration statement only creates its function; the body runs when called.
    if (statement.type !== 'FunctionDeclaration') walkImmediate(statement, scopes, onIdentifier);
    if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
      pending.delete(statement.id.name);
      defined.set(statement.id.name, statement);
    }
    if (statement.type !== 'VariableDeclaration') continue;
    for (const d of statement.declarations) {
      if (d.id.type !== 'Identifier' || !d.init) continue;
      let value = runnableInit(d.init);
      if (value && value.type === 'Identifier') value = ast.resolve(value.name, scopes) === home ? defined.get(value.name) : null;
      if (value) defined.set(d.id.name, value);
      else defined.delete(d.id.name);
    }
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

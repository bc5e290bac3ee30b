'use strict';
/**
 * Closure scopes of bundle functions, for the deep memory estimate. On
 * Espruino a closure keeps its whole scope alive, and every variable in it
 * costs blocks like an object member (PLATFORMS 2); a bundle is one IIFE, so
 * nearly all of its state lives in such scopes, where an object walk cannot
 * see it. V8 exposes them only through the inspector protocol, which an
 * in-process Session answers synchronously: [[Scopes]] of a function, then
 * the variables of each Closure/Block scope, pulled back as real values.
 * Slow (several protocol calls per function): for node.memory({deep: true}),
 * not for process.memory() on every reading.
 */
const inspector = require('inspector');

const PROBE = '__simScopeProbe';
const OUT = '__simScopeOut';
/** Scope kinds that belong to the bundle (Script and Global are the context's). */
const OWN_SCOPES = ['closure', 'block', 'local', 'catch', 'with'];

let session = null;
/** Inspector execution context ids by context name (node-vm.js names each boot's context). */
const contexts = new Map();

/** Opens the in-process inspector session once and starts tracking contexts. */
function connect() {
  if (session) return;
  session = new inspector.Session();
  session.connect();
  session.on('Runtime.executionContextCreated', (m) => contexts.set(m.params.context.name, m.params.context.id));
  session.on('Runtime.executionContextDestroyed', (m) => {
    for (const [name, id] of contexts) if (id === m.params.executionContextId) contexts.delete(name);
  });
  // Reports the contexts that exist now, then each new one.
  post('Runtime.enable', {});
}

/** A protocol call; the in-process session answers before post() returns. */
function post(method, params) {
  let result;
  let error;
  session.post(method, params, (e, r) => {
    error = e;
    result = r;
  });
  if (error) throw error;
  return result;
}

/**
 * A remote reference to `value`, found through `global` (the vm context's
 * global object, whose inspector context is named `contextName`): the
 * inspector cannot be handed a value, only evaluate an expression.
 */
function remoteRef(value, global, contextName) {
  connect();
  const contextId = contexts.get(contextName);
  if (contextId === undefined) throw new Error('scopes: no inspector context named ' + contextName);
  global[PROBE] = value;
  try {
    return post('Runtime.evaluate', { expression: 'globalThis.' + PROBE, contextId }).result;
  } finally {
    delete global[PROBE];
  }
}

/** Brings the value behind a remote object back as a real value (via the same global). */
function fetchValue(remote, global) {
  if (!remote.objectId) return remote.value;
  post('Runtime.callFunctionOn', { objectId: remote.objectId, functionDeclaration: 'function () { globalThis.' + OUT + ' = this; }' });
  const v = global[OUT];
  delete global[OUT];
  return v;
}

/**
 * The variables of `fn`'s own closure scopes: an array of scopes, each
 * { key, vars: [{name, value}] }. `key` identifies a scope shared by several
 * functions (names plus value identities via `idOf`), so it is charged once.
 * `where` is { global, contextName } of the vm context `fn` lives in.
 */
function closureScopes(fn, idOf, where) {
  const ref = remoteRef(fn, where.global, where.contextName);
  const internal = post('Runtime.getProperties', { objectId: ref.objectId, ownProperties: true }).internalProperties || [];
  const scopes = internal.find((p) => p.name === '[[Scopes]]');
  if (!scopes) return [];
  const out = [];
  for (const s of post('Runtime.getProperties', { objectId: scopes.value.objectId, ownProperties: true }).result) {
    if (!s.value || !s.value.objectId) continue;
    const kind = String(s.value.description || '').split(' ')[0].toLowerCase();
    if (OWN_SCOPES.indexOf(kind) < 0) continue;
    const vars = post('Runtime.getProperties', { objectId: s.value.objectId, ownProperties: true }).result
      .filter((v) => v.value)
      .map((v) => ({ name: v.name, value: fetchValue(v.value, where.global) }));
    out.push({ key: 'scope:' + vars.map((v) => v.name + '=' + idOf(v.value)).join(','), vars });
  }
  post('Runtime.releaseObjectGroup', { objectGroup: '' });
  return out;
}

module.exports = { closureScopes };

'use strict';
/**
 * Espruino's event mixin: every object has on/emit/removeListener. The same
 * installer runs in the host realm (for emulated API objects such as sockets,
 * E and Wifi) and, via its source text, inside each node's vm context (for
 * Object.prototype), so bundle code sees one behaviour everywhere. It must stay
 * self-contained ES5: it is stringified and evaluated in a context that has no
 * Map, Set or Symbol.
 */

/**
 * Adds non-enumerable on/addListener/prependListener/emit/removeListener/
 * removeAllListeners methods to `proto`. Listeners live in a non-enumerable
 * own property `__ev` ({event: [fn...]}), so JSON.stringify and for..in do not
 * see them (Espruino keeps them in hidden "#on..." properties).
 * @param {object} proto
 */
function installEventMixin(proto) {
  function table(obj, create) {
    var t = Object.prototype.hasOwnProperty.call(obj, '__ev') ? obj.__ev : undefined;
    if (!t && create) {
      t = {};
      Object.defineProperty(obj, '__ev', { value: t, enumerable: false, writable: true, configurable: true });
    }
    return t;
  }
  function def(name, fn) {
    Object.defineProperty(proto, name, { value: fn, enumerable: false, writable: true, configurable: true });
  }
  function on(event, listener) {
    var t = table(this, true);
    (t[event] || (t[event] = [])).push(listener);
    return this;
  }
  def('on', on);
  def('addListener', on);
  def('prependListener', function (event, listener) {
    var t = table(this, true);
    (t[event] || (t[event] = [])).unshift(listener);
    return this;
  });
  def('emit', function (event) {
    var t = table(this, false);
    var list = t && t[event];
    if (!list || list.length === 0) return false;
    var args = Array.prototype.slice.call(arguments, 1);
    list = list.slice();
    for (var i = 0; i < list.length; i++) list[i].apply(this, args);
    return true;
  });
  def('removeListener', function (event, listener) {
    var t = table(this, false);
    var list = t && t[event];
    if (!list) return this;
    var i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    return this;
  });
  def('removeAllListeners', function (event) {
    var t = table(this, false);
    if (!t) return this;
    if (event === undefined) {
      for (var k in t) delete t[k];
    } else {
      delete t[event];
    }
    return this;
  });
}

/** Host-realm base class for emulated Espruino objects that emit events. */
class EventObject {}
installEventMixin(EventObject.prototype);

/**
 * The listeners currently registered on `obj` for `event` (a copy), for host
 * code that dispatches with per-listener error handling.
 * @param {object} obj
 * @param {string} event
 * @returns {Function[]}
 */
function listenersOf(obj, event) {
  const t = Object.prototype.hasOwnProperty.call(obj, '__ev') ? obj.__ev : undefined;
  return t && t[event] ? t[event].slice() : [];
}

/** Every listener function registered on `obj` (for memory estimates). */
function allListeners(obj) {
  const t = Object.prototype.hasOwnProperty.call(obj, '__ev') ? obj.__ev : undefined;
  const out = [];
  if (t) for (const k of Object.keys(t)) out.push(...t[k]);
  return out;
}

module.exports = { installEventMixin, EventObject, listenersOf, allListeners };

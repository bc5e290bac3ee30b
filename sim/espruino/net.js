'use strict';
/**
 * Espruino's `net` module on top of Node sockets, as a device would see it:
 * connect() returns a socket at once; incoming data arrives as byte strings in
 * chunks of at most the board's chunk size, split at seeded-random points;
 * a 'data' listener that throws is removed for good (Espruino drops it and
 * logs the error) while the others keep running; write() takes a byte string,
 * always returns false (as Espruino does), emits 'drain' when its send buffer
 * is empty, and throws on a closed socket. Errors are Espruino socket codes ({code, message}) followed by
 * 'close'. The simulator only ever connects to loopback addresses.
 */
const nodeNet = require('net');
const { EventObject, listenersOf } = require('./events');

/** Espruino socket error codes [libs/network/socketerrors.h]. */
const SOCKET_ERR = {
  CLOSED: -1,
  TIMEOUT: -3,
  NO_ROUTE: -4,
  NOT_FOUND: -6,
  MAX_SOCKETS: -7,
  RESET: -9,
  UNKNOWN: -10,
  NO_CONNECTION: -11,
  SSL_HANDSHAKE: -13,
};
const SOCKET_ERR_TEXT = {
  '-1': 'connection closed',
  '-3': 'timeout',
  '-4': 'no route',
  '-6': 'not found',
  '-7': 'max sockets',
  '-9': 'connection reset',
  '-10': 'unknown error',
  '-11': 'no connection',
  '-13': 'SSL handshake failed',
};

/** Maps a Node socket error to an Espruino code (refused is reported as a reset: assumed). */
function espruinoCode(err) {
  const c = err && err.code;
  if (c === 'ECONNREFUSED' || c === 'ECONNRESET' || c === 'EPIPE') return SOCKET_ERR.RESET;
  if (c === 'ETIMEDOUT') return SOCKET_ERR.TIMEOUT;
  if (c === 'EHOSTUNREACH' || c === 'ENETUNREACH') return SOCKET_ERR.NO_ROUTE;
  if ((c && String(c).indexOf('SSL') >= 0) || (err && err.library === 'SSL routines')) return SOCKET_ERR.SSL_HANDSHAKE;
  return SOCKET_ERR.UNKNOWN;
}

function isLoopback(ip) {
  return ip === '::1' || /^127\./.test(ip);
}

/** An Espruino socket. Bundle code sees on/emit/write/end; the rest is internal. */
class SimSocket extends EventObject {
  constructor(env) {
    super();
    Object.defineProperty(this, '_s', { value: { env, node: null, queue: [], pumping: false, closed: false, ending: false }, enumerable: false });
  }

  /**
   * Queues a byte string for sending (other values are converted with
   * String(), like Espruino: [1,2] -> "1,2"). Always returns false, as
   * Espruino does "for node.js compatibility"; 'drain' follows once the send
   * buffer is empty again.
   */
  write(data) {
    const s = this._s;
    if (s.closed || s.ending) throw s.env.error('Socket is closed');
    const str = typeof data === 'string' ? data : String(data);
    const n = s.node;
    if (!n) return false;
    // latin1 keeps the low 8 bits of each char, as Espruino's 8-bit strings do.
    n.write(Buffer.from(str, 'latin1'), () => {
      if (n.writableLength === 0 && !s.closed) enqueue(this, 'drain');
    });
    return false;
  }

  /** Closes after the send buffer drains. */
  end(data) {
    const s = this._s;
    if (s.closed || s.ending) return;
    if (data !== undefined) this.write(data);
    s.ending = true;
    if (s.node) s.node.end();
  }
}

/** Queues an event for the bundle; delivered one per host macrotask, in order. */
function enqueue(sock, type, arg) {
  const s = sock._s;
  s.queue.push({ type, arg });
  if (!s.pumping) {
    s.pumping = true;
    s.env.immediate(() => pump(sock));
  }
}

function pump(sock) {
  const s = sock._s;
  const item = s.queue.shift();
  if (item) deliver(sock, item);
  if (s.queue.length > 0 && s.env.alive) s.env.immediate(() => pump(sock));
  else s.pumping = false;
}

function deliver(sock, item) {
  const env = sock._s.env;
  if (item.type === 'data') {
    for (const fn of listenersOf(sock, 'data')) {
      if (env.guard('socket data handler', fn, sock, [item.arg]).threw) {
        sock.removeListener('data', fn);
        env.log('Socket data handler threw: it has been removed');
      }
    }
    return;
  }
  if (item.type === 'close') env.sockets.delete(sock);
  const args = item.arg === undefined ? [] : [item.arg];
  for (const fn of listenersOf(sock, item.type)) env.guard('socket ' + item.type + ' handler', fn, sock, args);
}

/** Splits `str` at random points into chunks of at most `max` bytes. */
function splitChunks(str, max, rng) {
  const out = [];
  let i = 0;
  while (i < str.length) {
    const room = Math.min(max, str.length - i);
    const len = rng.next() < 0.5 ? room : 1 + rng.int(room);
    out.push(str.substr(i, len));
    i += len;
  }
  return out;
}

/** Reports a failure asynchronously: 'error' {code, message} then 'close'(true). */
function failLater(sock, code) {
  sock._s.closed = true;
  enqueue(sock, 'error', { code, message: SOCKET_ERR_TEXT[String(code)] });
  enqueue(sock, 'close', true);
}

/** Wires a Node socket (plain or TLS) to a SimSocket. */
function attach(sock, nodeSock, connectEvent) {
  const s = sock._s;
  const env = s.env;
  s.node = nodeSock;
  nodeSock.on(connectEvent, () => enqueue(sock, 'connect'));
  nodeSock.on('data', (buf) => {
    for (const chunk of splitChunks(buf.toString('latin1'), env.profile.chunkSize, env.rng)) enqueue(sock, 'data', chunk);
  });
  nodeSock.on('end', () => enqueue(sock, 'end'));
  nodeSock.on('error', (err) => enqueue(sock, 'error', { code: espruinoCode(err), message: SOCKET_ERR_TEXT[String(espruinoCode(err))] }));
  nodeSock.on('close', (hadError) => {
    s.closed = true;
    enqueue(sock, 'close', hadError);
  });
}

/**
 * Shared connect logic for net and tls. `open(ip, port)` creates the Node
 * socket and returns [nodeSocket, connectEventName].
 */
function connectWith(env, options, cb, open) {
  const opts = options || {};
  const sock = new SimSocket(env);
  if (typeof cb === 'function') sock.on('connect', cb);
  const ip = env.resolve(String(opts.host));
  if (ip === null) {
    // ESP32 and Linux resolve names with a blocking call that throws;
    // ESP8266 reports the failure later as error -6 [PLATFORMS 3].
    if (env.profile.dnsFailure === 'throw') throw env.error('Unable to locate host', 'InternalError');
    failLater(sock, SOCKET_ERR.NOT_FOUND);
    return sock;
  }
  if (!env.networkUp()) {
    failLater(sock, SOCKET_ERR.NO_CONNECTION);
    return sock;
  }
  if (!isLoopback(ip)) {
    // The simulator never leaves the machine: anything else has no route.
    failLater(sock, SOCKET_ERR.NO_ROUTE);
    return sock;
  }
  if (env.sockets.size >= env.profile.maxSockets) {
    failLater(sock, SOCKET_ERR.MAX_SOCKETS);
    return sock;
  }
  if (!env.alive) return sock; // called after deepSleep() in the same tick: the radio is off
  env.sockets.add(sock);
  let pair;
  try {
    pair = open(ip, Number(opts.port) || 0, opts);
  } catch (e) {
    env.sockets.delete(sock);
    failLater(sock, espruinoCode(e) === SOCKET_ERR.UNKNOWN ? SOCKET_ERR.SSL_HANDSHAKE : espruinoCode(e));
    return sock;
  }
  attach(sock, pair[0], pair[1]);
  return sock;
}

/**
 * Ends a socket without any event reaching the bundle (the node lost power or
 * went to deep sleep). mode 'reset' sends a TCP RST; 'silent' keeps the
 * connection open and mute, as a vanished device looks to the broker, and
 * hands it to `zombies` so the node can destroy it when it is stopped.
 */
function abandon(sock, mode, zombies) {
  const s = sock._s;
  s.closed = true;
  s.queue.length = 0;
  const n = s.node;
  if (!n) return;
  n.removeAllListeners();
  n.on('error', () => {});
  if (mode === 'silent') {
    n.pause();
    zombies.add(n);
  } else if (typeof n.resetAndDestroy === 'function' && n.connecting === false && !n.encrypted && !n.writableEnded) {
    // Not after end(): libuv refuses a reset while a shutdown is pending
    // (UV_EINVAL) and the handle then never closes, which hangs Node at exit.
    n.resetAndDestroy();
  } else {
    n.destroy();
  }
}

/** Bytes waiting in a socket's send buffer (they cost RAM on the device). */
function pendingBytes(sock) {
  const s = sock._s;
  let n = s.node ? s.node.writableLength : 0;
  for (const item of s.queue) if (item.type === 'data') n += item.arg.length;
  return n;
}

/**
 * Creates the `net` module for one boot.
 * @param {object} env per-boot runtime from node-vm.js
 */
function createNetModule(env) {
  return {
    connect(options, cb) {
      return connectWith(env, options, cb, (ip, port) => {
        const n = nodeNet.connect({ host: ip, port, writableHighWaterMark: env.profile.chunkSize });
        return [n, 'connect'];
      });
    },
  };
}

module.exports = { createNetModule, connectWith, abandon, failLater, pendingBytes, SimSocket, SOCKET_ERR, splitChunks };

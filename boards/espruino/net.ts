/**
 * Net on Espruino sockets: TCP through require("net"), TLS through
 * require("tls") [libs/network/jswrap_net.c, libs/network/socketserver.c].
 *
 * SECURITY: Espruino's TLS encrypts but does NOT verify the server
 * certificate (mbedTLS runs with VERIFY_NONE, and a fixed SNI is sent
 * [libs/network/network.c]); a `ca` option does not change that. Anyone on
 * the path can impersonate the broker. Treat TLS as protection against
 * passive eavesdropping only.
 *
 * Platform behaviour handled here:
 * - ESP32 resolves DNS inside `connect` and THROWS "Unable to locate host";
 *   ESP8266 reports it later as an `error` event with code -6. Both become
 *   DNS_FAILED. `connect` also throws "Not connected to the internet" while
 *   Wi-Fi is down (OFFLINE).
 * - A `data` handler that throws is removed for good: every listener call
 *   is wrapped, and a throwing listener closes the connection instead.
 * - `socket.write` always returns false and queues without bound; it throws
 *   on a closed socket. `drain` fires when the queue is empty.
 *
 * RAM (ESP8266: 1600 blocks): every function costs ~5 blocks even when its
 * body stays in flash, every class ~10 more, and every closure made per
 * connection costs as much again. So there is ONE socket event handler,
 * shared by all sockets and made once: Espruino calls event handlers with
 * `this` = the socket [src/jsinteractive.c jsiQueueObjectCallbacks], and the
 * socket carries its connection in `c_`. Connections and the Net are plain
 * objects whose methods are the shared functions of this file.
 */
import {
  DEFAULT_HIGH_WATER,
  type Connection,
  type Net,
  type NetError,
  type NetErrorCode,
  type NetListener,
  type NetOptions,
} from '../../firmware/hal/transport';
import { messageOf } from './errors';

declare const setTimeout: EspruinoSetTimeout;

const enum State {
  CONNECTING = 0,
  OPEN = 1,
  CLOSING = 2,
  DONE = 3,
}

/** A platform socket linked to its connection (one extra property per socket). */
interface LinkedSocket extends EspruinoSocket {
  c_: EspruinoConnection;
}

/**
 * Reports a failure to the listener on a later turn of the event loop: as
 * onOpenFailed when the connection never opened, else as onClose. `code`
 * undefined means `e` is an exception thrown by `net.connect` or
 * `socket.end` [socketserver.c], whose text gives the code. Only on failure
 * paths, so the closure is rare.
 */
function reportLater(c: EspruinoConnection, opened: boolean, code: NetErrorCode | undefined, e: unknown): void {
  const message = messageOf(e);
  let k: NetErrorCode = code || 'CONNECT_FAILED';
  if (code === undefined && message.indexOf('locate host') >= 0) k = 'DNS_FAILED';
  else if (code === undefined && message.indexOf('internet') >= 0) k = 'OFFLINE';
  const error: NetError = { code: k, message: message };
  // The closure keeps this whole scope: drop the exception (Espruino's carry
  // a stack trace with a source excerpt: dozens of blocks).
  e = undefined;
  c.st_ = State.DONE;
  setTimeout(function () {
    try {
      if (opened) c.l_.onClose(c, error);
      else c.l_.onOpenFailed(c, error);
    } catch (x) {
      // Swallowed by contract: nothing may reach the event loop.
    }
  }, 0);
}

/**
 * The single handler of every socket event and of the connect callback,
 * told apart by their argument [socketserver.c]: `data` passes a string,
 * `close` a boolean (hadError), `error` an object with a numeric `code`;
 * the connect callback and `drain` pass the socket (the Node emulation:
 * nothing): the first of those while CONNECTING is the open. Events of a
 * finished connection are ignored.
 */
function onSocketEvent(this: LinkedSocket, arg?: unknown): void {
  const c = this.c_;
  const st = c.st_;
  const l = c.l_;
  if (typeof arg === 'boolean') {
    // `close` comes after `error`, if any [socketserver.c].
    if (st === State.DONE) return;
    c.st_ = State.DONE;
    try {
      if (st === State.CONNECTING) l.onOpenFailed(c, c.e_ || { code: 'RESET', message: 'closed while connecting' });
      else l.onClose(c, c.e_);
    } catch (e) {
      // Swallowed by contract: nothing is left to close.
    }
    return;
  }
  if (arg !== null && typeof arg === 'object' && typeof (arg as EspruinoSocketError).code === 'number') {
    const details = arg as EspruinoSocketError;
    // The first error wins; `close` follows and reports it. Codes from
    // [libs/network/socketerrors.h].
    const n = details.code;
    let code: NetErrorCode = 'SOCKET_ERROR';
    if (n === -2) code = 'NO_MEMORY';
    else if (n === -3) code = 'TIMEOUT';
    else if (n === -4) code = 'NO_ROUTE';
    else if (n === -6) code = 'DNS_FAILED';
    else if (n === -7) code = 'TOO_MANY_SOCKETS';
    else if (n === -8) code = 'UNSENT_DATA';
    else if (n === -9) code = 'RESET';
    else if (n === -13 || n === -14) code = 'TLS_FAILED';
    if (c.e_ === undefined) c.e_ = { code: code, message: String(details.message) };
    return;
  }
  const data = typeof arg === 'string';
  if (!data) c.q_ = 0;
  const opening = st === State.CONNECTING && !data;
  if (!opening && st !== State.OPEN) return;
  if (opening) c.st_ = State.OPEN;
  try {
    if (opening) l.onOpen(c);
    else if (data) l.onData(c, arg);
    else if (l.onDrain) l.onDrain(c);
  } catch (e) {
    // The listener's view of the stream is now unknown: close, reporting why.
    if (c.e_ === undefined) c.e_ = { code: 'HANDLER_THREW', message: messageOf(e) };
    c.close();
  }
}

/** One socket and its state, a plain object (no class: ~10 blocks less); members end in `_`. */
interface EspruinoConnection extends Connection {
  s_: EspruinoSocket | undefined;
  l_: NetListener;
  st_: State;
  /** Bytes written since the last `drain`. */
  q_: number;
  highWater_: number;
  maxQueued_: number;
  /** The first error seen, reported by onClose. */
  e_: NetError | undefined;
}

/** Connection.write of every EspruinoConnection. */
function write(this: EspruinoConnection, data: string): boolean {
  const s = this.s_;
  if (this.st_ !== State.OPEN || s === undefined) return false;
  if (this.maxQueued_ > 0 && this.q_ + data.length > this.maxQueued_) {
    // Dropping one packet would corrupt the MQTT stream: end the link.
    if (this.e_ === undefined) this.e_ = { code: 'SEND_BUFFER_FULL', message: 'send queue over ' + this.maxQueued_ + ' bytes' };
    this.close();
    return false;
  }
  try {
    s.write(data);
  } catch (e) {
    // Closed under us (the close event is on its way): nothing was queued.
    return false;
  }
  this.q_ += data.length;
  return this.q_ <= this.highWater_;
}

/**
 * Connection.close of every EspruinoConnection: graceful; before open it
 * aborts (ABORTED, reported later). If even `end()` throws, the close is
 * reported now (on a later turn).
 */
function close(this: EspruinoConnection): void {
  const st = this.st_;
  if (st === State.DONE || st === State.CLOSING) return;
  this.st_ = State.CLOSING;
  try {
    if (this.s_ !== undefined) this.s_.end();
  } catch (e) {
    const err = this.e_;
    if (st === State.OPEN) reportLater(this, true, err ? err.code : undefined, err ? err.message : e);
  }
  if (st === State.CONNECTING) reportLater(this, false, 'ABORTED', 'closed before open');
}

/**
 * The Net of an Espruino board, a plain object the board file builds:
 * `{ tcp_: require("net"), tls_, maxQueued_, connect: espruinoConnect }`.
 * `tls_` is require("tls") where the firmware has TLS (ESP32, Linux), else
 * undefined (ESP8266) so that TLS fails with TLS_UNSUPPORTED. `maxQueued_`
 * is the board's RAM guard for connections whose options set no
 * `maxQueued` (0: none).
 */
export interface EspruinoNet extends Net {
  tcp_: EspruinoNetModule;
  tls_: EspruinoNetModule | undefined;
  maxQueued_: number;
}

/** Net.connect of an EspruinoNet (see Net for the contract). */
export function espruinoConnect(this: EspruinoNet, options: NetOptions, listener: NetListener): Connection {
  const c: EspruinoConnection = {
    s_: undefined,
    l_: listener,
    st_: State.CONNECTING,
    q_: 0,
    highWater_: options.highWater || DEFAULT_HIGH_WATER,
    maxQueued_: options.maxQueued || this.maxQueued_,
    e_: undefined,
    write: write,
    close: close,
  };
  const platform = options.tls ? this.tls_ : this.tcp_;
  if (platform === undefined) {
    reportLater(c, false, 'TLS_UNSUPPORTED', 'this board has no TLS');
    return c;
  }
  // TLS material only if given: the platform treats a present key as a request.
  const o: EspruinoConnectOptions = { host: options.host, port: options.port };
  if (options.ca !== undefined) o.ca = options.ca;
  if (options.cert !== undefined) o.cert = options.cert;
  if (options.key !== undefined) o.key = options.key;
  try {
    const s = platform.connect(o, onSocketEvent) as LinkedSocket;
    s.c_ = c;
    c.s_ = s;
    s.on('data', onSocketEvent);
    s.on('drain', onSocketEvent);
    s.on('error', onSocketEvent);
    s.on('close', onSocketEvent);
  } catch (e) {
    reportLater(c, false, undefined, e);
  }
  return c;
}

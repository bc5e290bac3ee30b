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

/** Maps an Espruino socket error code [jswrap_net.c, Socket 'error']. */
function codeForSocketError(code: number): NetErrorCode {
  switch (code) {
    case -2:
      return 'NO_MEMORY';
    case -3:
      return 'TIMEOUT';
    case -4:
      return 'NO_ROUTE';
    case -6:
      return 'DNS_FAILED';
    case -7:
      return 'TOO_MANY_SOCKETS';
    case -8:
      return 'UNSENT_DATA';
    case -9:
      return 'RESET';
    case -13:
    case -14:
      return 'TLS_FAILED';
    default:
      return 'SOCKET_ERROR';
  }
}

/** Maps an exception thrown by `net.connect` [socketserver.c]. */
export function errorForConnectException(e: unknown): NetError {
  const message = messageOf(e);
  let code: NetErrorCode = 'CONNECT_FAILED';
  if (message.indexOf('locate host') >= 0) code = 'DNS_FAILED';
  else if (message.indexOf('internet') >= 0) code = 'OFFLINE';
  return { code: code, message: message };
}

/** One socket and its state; events of a finished socket are ignored. */
class EspruinoConnection implements Connection {
  socket: EspruinoSocket | undefined;
  listener: NetListener;
  state: State;
  pending: number;
  highWater: number;
  maxQueued: number;
  error: NetError | undefined;

  constructor(listener: NetListener, options: NetOptions, defaultMaxQueued: number) {
    this.socket = undefined;
    this.listener = listener;
    this.state = State.CONNECTING;
    this.pending = 0;
    this.highWater = options.highWater || DEFAULT_HIGH_WATER;
    this.maxQueued = options.maxQueued || defaultMaxQueued;
    this.error = undefined;
  }

  write(data: string): boolean {
    if (this.state !== State.OPEN || this.socket === undefined) return false;
    if (this.maxQueued > 0 && this.pending + data.length > this.maxQueued) {
      // Dropping one packet would corrupt the MQTT stream: end the link.
      this.fail({ code: 'SEND_BUFFER_FULL', message: 'send queue over ' + this.maxQueued + ' bytes' });
      return false;
    }
    try {
      this.socket.write(data);
    } catch (e) {
      // Closed under us (the close event is on its way): nothing was queued.
      return false;
    }
    this.pending += data.length;
    return this.pending <= this.highWater;
  }

  queued(): number {
    return this.pending;
  }

  close(): void {
    if (this.state === State.CONNECTING) {
      this.endSocket();
      this.failLater({ code: 'ABORTED', message: 'closed before open' });
    } else if (this.state === State.OPEN) {
      this.state = State.CLOSING;
      this.endSocket();
    }
  }

  /** Asks the socket to close; if even that throws, report the close now. */
  endSocket(): void {
    if (this.socket === undefined) return;
    try {
      this.socket.end();
    } catch (e) {
      if (this.state === State.CLOSING) {
        this.state = State.DONE;
        const error = this.error === undefined ? errorForConnectException(e) : this.error;
        const connection = this;
        setTimeout(() => connection.notifyClose(error), 0);
      }
    }
  }

  /** Reports a failed attempt on a later turn of the event loop. */
  failLater(error: NetError): void {
    this.state = State.DONE;
    const connection = this;
    setTimeout(() => connection.notifyOpenFailed(error), 0);
  }

  /** Subscribes to the socket's events: one closure per event, per socket. */
  attach(socket: EspruinoSocket): void {
    const connection = this;
    this.socket = socket;
    socket.on('data', (chunk) => connection.handleData(chunk));
    socket.on('drain', () => connection.handleDrain());
    socket.on('error', (details) => connection.handleError(details));
    socket.on('close', () => connection.handleClose());
  }

  handleOpen(): void {
    if (this.state !== State.CONNECTING) return;
    this.state = State.OPEN;
    try {
      this.listener.onOpen(this);
    } catch (e) {
      this.handlerThrew(e);
    }
  }

  handleData(chunk: string): void {
    if (this.state !== State.OPEN) return;
    try {
      this.listener.onData(this, chunk);
    } catch (e) {
      this.handlerThrew(e);
    }
  }

  handleDrain(): void {
    this.pending = 0;
    if (this.state !== State.OPEN) return;
    try {
      this.listener.onDrain(this);
    } catch (e) {
      this.handlerThrew(e);
    }
  }

  handleError(details: EspruinoSocketError): void {
    const error: NetError = { code: codeForSocketError(details.code), message: String(details.message) };
    if (this.state === State.CONNECTING) {
      this.state = State.DONE;
      this.notifyOpenFailed(error);
    } else if (this.error === undefined) {
      this.error = error;
    }
  }

  handleClose(): void {
    if (this.state === State.CONNECTING) {
      this.state = State.DONE;
      this.notifyOpenFailed({ code: 'RESET', message: 'closed while connecting' });
    } else if (this.state === State.OPEN || this.state === State.CLOSING) {
      this.state = State.DONE;
      this.notifyClose(this.error);
    }
  }

  /** A listener threw: close, since its view of the stream is now unknown. */
  handlerThrew(e: unknown): void {
    this.fail({ code: 'HANDLER_THREW', message: messageOf(e) });
  }

  /** Closes with `error` to be reported by onClose (first error wins). */
  fail(error: NetError): void {
    if (this.error === undefined) this.error = error;
    this.close();
  }

  notifyOpenFailed(error: NetError): void {
    try {
      this.listener.onOpenFailed(this, error);
    } catch (e) {
      // Nothing left to close; the exception must not reach the event loop.
    }
  }

  notifyClose(error: NetError | undefined): void {
    try {
      this.listener.onClose(this, error);
    } catch (e) {
      // As above: swallowed by contract.
    }
  }
}

/** The options object for the platform call, TLS material only if given. */
function platformOptions(options: NetOptions): EspruinoConnectOptions {
  const result: EspruinoConnectOptions = { host: options.host, port: options.port };
  if (options.ca !== undefined) result.ca = options.ca;
  if (options.cert !== undefined) result.cert = options.cert;
  if (options.key !== undefined) result.key = options.key;
  return result;
}

/** Net on the given modules; `tls` undefined means the board has no TLS. */
class EspruinoNet implements Net {
  tcp: EspruinoNetModule;
  tls: EspruinoNetModule | undefined;
  defaultMaxQueued: number;

  constructor(tcp: EspruinoNetModule, tls: EspruinoNetModule | undefined, defaultMaxQueued: number) {
    this.tcp = tcp;
    this.tls = tls;
    this.defaultMaxQueued = defaultMaxQueued;
  }

  connect(options: NetOptions, listener: NetListener): Connection {
    const connection = new EspruinoConnection(listener, options, this.defaultMaxQueued);
    const platform = options.tls ? this.tls : this.tcp;
    if (platform === undefined) {
      connection.failLater({ code: 'TLS_UNSUPPORTED', message: 'this board has no TLS' });
      return connection;
    }
    try {
      const socket = platform.connect(platformOptions(options), () => connection.handleOpen());
      connection.attach(socket);
    } catch (e) {
      connection.failLater(errorForConnectException(e));
    }
    return connection;
  }
}

/**
 * Builds the Net of an Espruino board from `require("net")` and, where the
 * firmware has TLS (ESP32, Linux), `require("tls")`; pass undefined for
 * `tls` on boards without it (ESP8266) so TLS fails with TLS_UNSUPPORTED.
 * `defaultMaxQueued` is the board's RAM guard for connections whose options
 * set no `maxQueued` (0: none).
 */
export function createEspruinoNet(
  tcp: EspruinoNetModule,
  tls: EspruinoNetModule | undefined,
  defaultMaxQueued: number,
): Net {
  return new EspruinoNet(tcp, tls, defaultMaxQueued);
}

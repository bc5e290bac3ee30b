/**
 * Net: the host-side connector that opens TCP or TLS connections to the
 * broker and delivers their events. An open Connection is the core's
 * Transport (an OPEN byte pipe).
 *
 * For driver authors (the app / reconnect supervisor):
 * - `connect()` returns a Connection at once and NEVER calls the listener
 *   from inside itself. For each call exactly one of `onOpen` or
 *   `onOpenFailed` follows; after `onOpen`, any number of `onData` and
 *   `onDrain`, then exactly one `onClose` (also when you called `close()`).
 *   Every listener call passes the Connection, so stale events of an old
 *   connection can be told apart from the current one.
 * - `write()` follows the core's Transport contract: it queues the whole
 *   byte string and returns true, or false when the queue is now above
 *   `highWater` (back-pressure: the bytes are still sent; pause and resume
 *   on `onDrain`). It never throws; on a connection that is not open it
 *   queues nothing and returns false.
 * - The platform queues written bytes in RAM without bound. The connection
 *   counts the bytes written since the platform last reported its send
 *   buffer empty (an estimate: bytes written just before that report are
 *   forgotten too); `onDrain` fires when the buffer is empty, and the count
 *   starts again from 0. As a RAM guard, a write that would bring the count
 *   above `maxQueued` is refused and the connection is closed with
 *   `SEND_BUFFER_FULL` (a dropped packet would corrupt the session).
 * - `close()` is graceful: queued bytes are still sent, then the socket
 *   closes. Calling it before `onOpen` aborts the attempt (`ABORTED`).
 * - Chunks are byte strings split anywhere (536 bytes max on ESP32/Linux,
 *   268 on ESP8266): reassemble. If a listener method throws, the exception
 *   is caught, the connection is closed and `onClose` reports
 *   `HANDLER_THREW`: nothing escapes into the platform's event loop.
 * - Faults are values: a NetError with a code from the closed set below.
 *
 * For board authors:
 * - Implement `connect` on the platform's sockets. Catch every platform
 *   exception (DNS failures, writes to closed sockets, ...) and turn it into
 *   a NetError; defer failures detected inside `connect` to a later turn.
 * - Boards without TLS must fail `tls: true` with `TLS_UNSUPPORTED`.
 * - State in your README whether the server certificate is verified.
 */

import type { Transport } from '../mqtt/transport';

export type { Transport };

/** The closed set of network fault codes. */
export type NetErrorCode =
  | 'DNS_FAILED' // host name did not resolve
  | 'TLS_UNSUPPORTED' // tls requested on a board without TLS (ESP8266)
  | 'TLS_FAILED' // handshake failed or invalid TLS data
  | 'OFFLINE' // the board has no network link (Wi-Fi down)
  | 'CONNECT_FAILED' // the socket could not be created
  | 'RESET' // connection refused or reset by the peer
  | 'TIMEOUT' // the platform's connect or I/O timeout
  | 'NO_ROUTE' // no route to host
  | 'NO_MEMORY' // the platform ran out of RAM for the socket
  | 'TOO_MANY_SOCKETS' // platform socket limit (10 on ESP8266)
  | 'UNSENT_DATA' // closed with bytes still queued
  | 'SEND_BUFFER_FULL' // a write would have exceeded maxQueued
  | 'ABORTED' // close() called before the connection opened
  | 'HANDLER_THREW' // a listener method threw; the connection was closed
  | 'SOCKET_ERROR'; // any other platform error

/** A network fault: a code to act on and the platform's words for logs. */
export interface NetError {
  code: NetErrorCode;
  message: string;
}

/** What to connect to. Read once by `connect`. */
export interface NetOptions {
  host: string;
  port: number;
  /** Wrap the connection in TLS (ESP32 and Linux only). */
  tls: boolean;
  /** TLS: CA certificate, client certificate and key, DER byte strings. */
  ca?: string;
  cert?: string;
  key?: string;
  /** `write` returns false above this many queued bytes; default 512. */
  highWater?: number;
  /**
   * RAM guard for small heaps: a write that would bring the queued bytes above
   * this many bytes closes the connection (SEND_BUFFER_FULL). Absent or 0:
   * the board's default (ESP8266: 1024 bytes, ESP32: 8192, Linux: none).
   */
  maxQueued?: number;
}

/**
 * An open (or opening) connection: the core's Transport. (No gauge method:
 * nothing reads one, and on an ESP8266 every method costs RAM.)
 */
export type Connection = Transport;

/** Receives the events of the connections opened with it. */
export interface NetListener {
  onOpen(connection: Connection): void;
  onOpenFailed(connection: Connection, error: NetError): void;
  /** A byte string chunk, split anywhere. */
  onData(connection: Connection, chunk: string): void;
  /** The send buffer is empty again. Optional: a listener that never pauses needs none. */
  onDrain?(connection: Connection): void;
  /** The connection is gone; `error` is undefined for an orderly close. */
  onClose(connection: Connection, error: NetError | undefined): void;
}

/** The connector. One required primitive. */
export interface Net {
  /** Starts a connection attempt; see the contract above. */
  connect(options: NetOptions, listener: NetListener): Connection;
}

/** Default `NetOptions.highWater`: about two ESP8266 TCP segments. */
export const DEFAULT_HIGH_WATER = 512;

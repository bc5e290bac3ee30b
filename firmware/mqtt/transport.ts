/**
 * What the MQTT core needs from its host: an open byte pipe and a small
 * key/value store. Both are interfaces with one job each (embedded-hal style);
 * the host owns sockets, timers and flash, the core only calls these methods.
 */

/**
 * An OPEN byte pipe to the broker. For host authors:
 * - `write` sends a byte string (one char per byte) and returns false when the
 *   data was only buffered (back-pressure); it must not throw on a closed pipe.
 *   The client does not act on false: what it writes is bounded by the
 *   in-flight window (maxInflight PUBLISH awaiting acks) and by the acks,
 *   pings and QoS 0 messages the application causes. A host whose send
 *   buffer is unbounded (Espruino) should pace QoS 0 publishing itself.
 * - `close` shuts the pipe; it must be idempotent (the core may call it after
 *   the link was already lost) and must not call back into the client.
 * - The host reports incoming bytes with `client.onData(chunk, now)` and a lost
 *   link with `client.onClose(now)`, never from inside `write` or `close`.
 */
export interface Transport {
  write(data: string): boolean;
  close(): void;
}

/**
 * Persistent storage for the outbox (flash on a device). `load` returns
 * undefined when nothing was saved under `key`; `save` replaces the value and
 * returns 'OK' once it is written, else the host's error code (flash full...):
 * the client then reports the failure from save() and keeps the outbox marked
 * unsaved. Values are byte strings. Flash wears out: the client saves only
 * when asked or at most once per `saveIntervalMs`.
 */
export interface Store {
  load(key: string): string | undefined;
  save(key: string, data: string): string;
}

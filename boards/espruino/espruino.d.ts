/**
 * Ambient declarations of exactly the Espruino globals and modules that
 * boards/espruino and the board files use (firmware/tsconfig.json has no
 * Node or DOM types). Signatures follow the Espruino sources (2v29).
 *
 * Names that @types/node also declares globally (require, setTimeout,
 * setInterval, clearTimeout, console, process) are NOT declared here: the root
 * tsconfig loads both files and the declarations would collide. Each file
 * that calls one declares it at module scope with a type from this file,
 * e.g. `declare const setTimeout: EspruinoSetTimeout;`.
 */

/** A pin: a name such as "D21" or "A0", or a pin number. */
type EspruinoPin = string | number;

/** Socket `error` event details [libs/network/jswrap_net.c]: code -1..-14. */
interface EspruinoSocketError {
  code: number;
  message: string;
}

/** A `net` / `tls` socket [libs/network/jswrap_net.c]. */
interface EspruinoSocket {
  /** Queues a byte string; always returns false; throws when closed. */
  write(data: string): boolean;
  /** Closes after the send buffer drains. */
  end(): void;
  on(event: 'data', handler: (data: string) => void): void;
  on(event: 'close', handler: (hadError: boolean) => void): void;
  on(event: 'error', handler: (details: EspruinoSocketError) => void): void;
  on(event: 'drain', handler: () => void): void;
}

/** Options of `net.connect` / `tls.connect` (ca, cert, key: DER strings). */
interface EspruinoConnectOptions {
  host: string;
  port: number;
  ca?: string;
  cert?: string;
  key?: string;
}

/** `require("net")` and `require("tls")`. */
interface EspruinoNetModule {
  connect(options: EspruinoConnectOptions, onConnect: (socket: EspruinoSocket) => void): EspruinoSocket;
}

/** `Wifi` event details [libs/network/jswrap_wifi.c]. */
interface EspruinoWifiDetails {
  ip?: string;
  reason?: string;
}

/** `require("Wifi")` on ESP32 / ESP8266. */
interface EspruinoWifiModule {
  connect(ssid: string, options: { password: string }, callback: (err: string | null) => void): void;
  on(event: 'connected' | 'disconnected', handler: (details: EspruinoWifiDetails) => void): void;
  /** The station's address; synchronous on ESP32 and ESP8266. */
  getIP(): { ip: string };
  /** Station details; `rssi` in dBm (synchronous on ESP32 and ESP8266). */
  getDetails(): { status?: string; rssi?: number };
}

/** `require("Storage")` [src/jswrap_storage.c]. */
interface EspruinoStorageModule {
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
  erase(name: string): void;
  getFree(): number;
  compact(): void;
}

/** The modules the board files load. */
interface EspruinoRequire {
  (name: 'net'): EspruinoNetModule;
  (name: 'tls'): EspruinoNetModule;
  (name: 'Wifi'): EspruinoWifiModule;
  (name: 'Storage'): EspruinoStorageModule;
}

/** The global timer functions (ids are integers). */
type EspruinoSetTimeout = (callback: () => void, ms: number) => number;
type EspruinoClearTimeout = (id: number) => void;

/** The global `console`. */
interface EspruinoConsole {
  log(text: string): void;
}

/** A hardware or software I2C bus [src/jswrap_spi_i2c.c]. */
interface EspruinoI2CBus {
  setup(options: { scl: EspruinoPin; sda: EspruinoPin; bitrate?: number }): void;
  /** `address` may be `{address, stop: false}` to omit the STOP. */
  writeTo(address: number | { address: number; stop: boolean }, data: string): void;
  readFrom(address: number, quantity: number): Uint8Array;
}

/** A 1-Wire bus [src/jswrap_onewire.c]. */
interface EspruinoOneWireBus {
  reset(): boolean;
  write(data: string, power: boolean): void;
  read(count: number): Uint8Array;
  search(): string[];
}

declare const I2C1: EspruinoI2CBus;
declare const OneWire: { new (pin: EspruinoPin): EspruinoOneWireBus };

/** Seconds (float) since 1970 or since boot if the clock was never set. */
declare function getTime(): number;
declare function analogRead(pin: EspruinoPin): number;
declare function digitalRead(pin: EspruinoPin): number;
declare function digitalWrite(pin: EspruinoPin, value: boolean | number): void;
declare function pinMode(
  pin: EspruinoPin,
  mode: 'input' | 'input_pullup' | 'input_pulldown' | 'output' | 'opendrain',
): void;

/** The Espruino utility object (subset). */
declare const E: {
  /** `isAuto` false: the app must call `kickWatchdog` itself. */
  enableWatchdog(timeoutSeconds: number, isAuto: boolean): void;
  kickWatchdog(): void;
  /** A byte string in RAM holding the bytes of a typed array or string (copies a flash string). */
  toString(bytes: Uint8Array | string): string;
};

/** ESP32 specifics [targets/esp32/jswrap_esp32.c]. */
declare const ESP32: { deepSleep(micros: number): void };

/** ESP8266 specifics [targets/esp8266/jswrap_esp8266.c]: integer micros. */
declare const ESP8266: { deepSleep(micros: number, option: number): void };

/** The node configuration, injected at build time (esbuild `define`). */
declare const __NODE_CONFIG__: unknown;

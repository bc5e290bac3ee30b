/**
 * Board: ESP8266 NodeMCU / Wemos D1 mini running Espruino (1600 JsVars:
 * run the bundle from flash, .bootcde). Espruino names pins by GPIO
 * number ("D2" = GPIO2), the module silkscreen by NodeMCU labels; both are
 * given below.
 * - I2C1 (bit-banged by the SDK): SDA silk D2 = GPIO4, SCL silk D1 =
 *   GPIO5, the wiring of Wemos D1 mini I2C shields and most tutorials.
 * - 1-Wire: silk D4 = GPIO2. GPIO2 is a boot strap pin that must be high
 *   at reset: the bus pull-up (4.7k) keeps it so; the D1 mini's LED on it
 *   flickers with bus traffic. Silk D0 = GPIO16 stays free: it is the
 *   deep-sleep wake line. ADC: A0 only (module divider: 0..3.2 V).
 * - No TLS (not in the ESP8266 firmware). No watchdog (Espruino's calls
 *   are no-ops there). Deep sleep: wire GPIO16 (silk D0) to RST, or the
 *   board never wakes.
 */
import type { NodeConfig } from '../firmware/app/config';
import { startNode } from '../firmware/app/node';
import type { Hal } from '../firmware/hal/index';
import { LogLevel } from '../firmware/hal/log';
import { createEspruinoAdc } from './espruino/adc';
import { createEspruinoClock } from './espruino/clock';
import { createEspruinoI2c } from './espruino/i2c';
import { createConsoleLog } from './espruino/log';
import { createEspruinoNet } from './espruino/net';
import { createEspruinoOneWire } from './espruino/onewire';
import { createEsp8266Sleep } from './espruino/sleep';
import { createEspruinoStorage } from './espruino/storage';
import { createEspruinoSystem } from './espruino/system';
import { createEspruinoWifi } from './espruino/wifi';

declare const require: EspruinoRequire;

const PIN_SDA = 'D4';
const PIN_SCL = 'D5';
const PIN_ONE_WIRE = 'D2';
const PIN_ADC = 'A0';
/** Wemos D1 mini / NodeMCU divider (220k/100k) on A0; bare ESP-12: 1000. */
const ADC_FULL_SCALE_MV = 3200;
const I2C_BITRATE = 100000;
/** RAM guard for the socket send queue: ~90 of the 1600 blocks. */
const NET_MAX_QUEUED = 1024;

I2C1.setup({ scl: PIN_SCL, sda: PIN_SDA, bitrate: I2C_BITRATE });

/** QoS 1 outbox sizing (1600 blocks in all: a few readings). */
const OUTBOX_MESSAGES = 8;
const OUTBOX_BYTES = 1024;

const hal: Hal = {
  board: 'esp8266',
  net: createEspruinoNet(require('net'), undefined, NET_MAX_QUEUED),
  clock: createEspruinoClock(),
  log: createConsoleLog(LogLevel.INFO),
  storage: createEspruinoStorage(require('Storage')),
  outboxMessages: OUTBOX_MESSAGES,
  outboxBytes: OUTBOX_BYTES,
  system: createEspruinoSystem(),
  wifi: createEspruinoWifi(require('Wifi')),
  i2c: createEspruinoI2c(I2C1),
  oneWire: createEspruinoOneWire(new OneWire(PIN_ONE_WIRE)),
  adc: createEspruinoAdc(PIN_ADC, ADC_FULL_SCALE_MV),
  sleep: createEsp8266Sleep(),
};

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(hal, __NODE_CONFIG__ as NodeConfig | null);

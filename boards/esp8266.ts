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
 * - The I2C and 1-Wire buses above are NOT set up or put in the Hal until
 *   a sensor driver uses them (config knows only "adc" sensors so far):
 *   on 1600 blocks every unused HAL object and method costs RAM. Pins for
 *   the drivers to come: I2C1.setup({ scl: 'D5', sda: 'D4', bitrate:
 *   100000 }), new OneWire('D2'); then createEspruinoI2c /
 *   createEspruinoOneWire.
 * - No TLS (not in the ESP8266 firmware). No watchdog (Espruino's calls
 *   are no-ops there). Deep sleep: wire GPIO16 (silk D0) to RST, or the
 *   board never wakes.
 */
import type { NodeConfig } from '../firmware/app/config';
import { startNode } from '../firmware/app/node';
import type { Hal } from '../firmware/hal/index';
import { LogLevel } from '../firmware/hal/log';
import { EspruinoAdc } from './espruino/adc';
import { EspruinoNet } from './espruino/net';
import { EspruinoPlatform } from './espruino/platform';
import { esp8266Sleep } from './espruino/sleep';
import { EspruinoWifi } from './espruino/wifi';

declare const require: EspruinoRequire;

const PIN_ADC = 'A0';
/** Wemos D1 mini / NodeMCU divider (220k/100k) on A0; bare ESP-12: 1000. */
const ADC_FULL_SCALE_MV = 3200;
/** RAM guard for the socket send queue: ~90 of the 1600 blocks. */
const NET_MAX_QUEUED = 1024;

/**
 * QoS 1 outbox sizing. Measured on a 1600-block Espruino: each queued
 * reading holds ~24 blocks and a failing connection attempt ~50 more for a
 * moment; with 8 messages a node whose broker was down ran out of memory
 * (and Espruino then removes the tick interval). 4 leave ~150 blocks spare;
 * older readings beyond that are dropped (overflow 'dropOldest', reported).
 */
const OUTBOX_MESSAGES = 4;
const OUTBOX_BYTES = 512;

/** One object serves as the Clock, Log, Storage and System. */
const platform = new EspruinoPlatform(require('Storage'), LogLevel.INFO);

const hal: Hal = {
  board: 'esp8266',
  net: new EspruinoNet(require('net'), undefined, NET_MAX_QUEUED),
  clock: platform,
  log: platform,
  storage: platform,
  outboxMessages: OUTBOX_MESSAGES,
  outboxBytes: OUTBOX_BYTES,
  system: platform,
  wifi: new EspruinoWifi(require('Wifi')),
  adc: new EspruinoAdc(PIN_ADC, ADC_FULL_SCALE_MV),
  sleep: esp8266Sleep,
};

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(hal, __NODE_CONFIG__ as NodeConfig | null);

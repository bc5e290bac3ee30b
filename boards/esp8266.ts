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
import { espruinoAnalogRead, type EspruinoAdc } from './espruino/adc';
import { espruinoConnect, type EspruinoNet } from './espruino/net';
import { espruinoPlatform } from './espruino/platform';
import { esp8266Sleep } from './espruino/sleep';
import { espruinoWifi } from './espruino/wifi';

declare const require: EspruinoRequire;

/** Pins (Espruino names: GPIO numbers). A const enum: inlined by the build, no variable in RAM. */
const enum Pin {
  ADC = 'A0',
}

/** Sizes, likewise inlined. */
const enum Board {
  /** Wemos D1 mini / NodeMCU divider (220k/100k) on A0; bare ESP-12: 1000. */
  ADC_FULL_SCALE_MV = 3200,
  /** RAM guard for the socket send queue: ~90 of the 1600 blocks. */
  NET_MAX_QUEUED = 1024,
  /**
   * QoS 1 outbox sizing. Measured on a 1600-block Espruino with no broker
   * listening: 8 queued readings (~20 blocks each, ~90 bytes) and failing
   * attempts left 725 blocks free. Older readings beyond that are dropped
   * (overflow 'dropOldest', reported).
   */
  OUTBOX_MESSAGES = 8,
  OUTBOX_BYTES = 1024,
}

/** No TLS in the ESP8266 firmware: tls: true fails with TLS_UNSUPPORTED. */
const net: EspruinoNet = { tcp_: require('net'), tls_: undefined, maxQueued_: Board.NET_MAX_QUEUED, connect: espruinoConnect };

/** The analog input. */
const adc: EspruinoAdc = { pin_: Pin.ADC, fullScaleMillivolts: Board.ADC_FULL_SCALE_MV, read: espruinoAnalogRead };

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(
  {
    board: 'esp8266',
    net: net,
    // One object serves as the Clock, Log, Storage and System.
    clock: espruinoPlatform,
    log: espruinoPlatform,
    storage: espruinoPlatform,
    outboxMessages: Board.OUTBOX_MESSAGES,
    outboxBytes: Board.OUTBOX_BYTES,
    system: espruinoPlatform,
    wifi: espruinoWifi,
    adc: adc,
    sleep: esp8266Sleep,
  },
  __NODE_CONFIG__ as NodeConfig | null,
);

/**
 * Board: ESP32 DevKitC (ESP32-WROOM-32) running Espruino.
 * Pins: I2C1 SDA D21 / SCL D22 (the ESP32 defaults), 1-Wire D4, ADC D36
 * (GPIO36 "VP", ADC1: usable while Wi-Fi is on). TLS: yes, WITHOUT server
 * certificate verification (see boards/README.md). Watchdog: yes. Deep
 * sleep: yes (timer wake-up, no wiring). No free user LED.
 * I2C and 1-Wire are not set up or put in the Hal until a sensor driver
 * uses them (config knows only "adc" sensors so far): then
 * I2C1.setup({ scl: 'D22', sda: 'D21', bitrate: 100000 }) with
 * createEspruinoI2c(I2C1), and createEspruinoOneWire(new OneWire('D4')).
 */
import type { NodeConfig } from '../firmware/app/config';
import { startNode } from '../firmware/app/node';
import { espruinoAnalogRead, type EspruinoAdc } from './espruino/adc';
import { espruinoConnect, type EspruinoNet } from './espruino/net';
import { espruinoPlatform } from './espruino/platform';
import { esp32Sleep } from './espruino/sleep';
import { createEspruinoWatchdog } from './espruino/watchdog';
import { espruinoWifi } from './espruino/wifi';

declare const require: EspruinoRequire;

/** Pins. A const enum: inlined by the build, no variable in RAM. */
const enum Pin {
  /** GPIO36 "VP", ADC1. */
  ADC = 'D36',
}

/** Sizes, likewise inlined. */
const enum Board {
  /** 11 dB attenuation full scale per ESP-IDF ADC docs; linear to ~2.5 V. */
  ADC_FULL_SCALE_MV = 3900,
  /** The app must prove progress at least every half of this. */
  WATCHDOG_SECONDS = 60,
  /** RAM guard for the socket send queue (ESP32 heap ~100 KB). */
  NET_MAX_QUEUED = 8192,
  /** QoS 1 outbox sizing (ESP32 heap: thousands of blocks). */
  OUTBOX_MESSAGES = 64,
  OUTBOX_BYTES = 16384,
}

/** TCP and TLS (TLS without server certificate verification). */
const net: EspruinoNet = { tcp_: require('net'), tls_: require('tls'), maxQueued_: Board.NET_MAX_QUEUED, connect: espruinoConnect };

/** The analog input. */
const adc: EspruinoAdc = { pin_: Pin.ADC, fullScaleMillivolts: Board.ADC_FULL_SCALE_MV, read: espruinoAnalogRead };

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(
  {
    board: 'esp32',
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
    sleep: esp32Sleep,
    watchdog: createEspruinoWatchdog(Board.WATCHDOG_SECONDS),
  },
  __NODE_CONFIG__ as NodeConfig | null,
);

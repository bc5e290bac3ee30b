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
import type { Hal } from '../firmware/hal/index';
import { LogLevel } from '../firmware/hal/log';
import { EspruinoAdc } from './espruino/adc';
import { EspruinoNet } from './espruino/net';
import { EspruinoPlatform } from './espruino/platform';
import { esp32Sleep } from './espruino/sleep';
import { createEspruinoWatchdog } from './espruino/watchdog';
import { EspruinoWifi } from './espruino/wifi';

declare const require: EspruinoRequire;

const PIN_ADC = 'D36';
/** 11 dB attenuation full scale per ESP-IDF ADC docs; linear to ~2.5 V. */
const ADC_FULL_SCALE_MV = 3900;
/** The app must prove progress at least every half of this. */
const WATCHDOG_SECONDS = 60;
/** RAM guard for the socket send queue (ESP32 heap ~100 KB). */
const NET_MAX_QUEUED = 8192;

/** QoS 1 outbox sizing (ESP32 heap: thousands of blocks). */
const OUTBOX_MESSAGES = 64;
const OUTBOX_BYTES = 16384;

/** One object serves as the Clock, Log, Storage and System. */
const platform = new EspruinoPlatform(require('Storage'), LogLevel.INFO);

const hal: Hal = {
  board: 'esp32',
  net: new EspruinoNet(require('net'), require('tls'), NET_MAX_QUEUED),
  clock: platform,
  log: platform,
  storage: platform,
  outboxMessages: OUTBOX_MESSAGES,
  outboxBytes: OUTBOX_BYTES,
  system: platform,
  wifi: new EspruinoWifi(require('Wifi')),
  adc: new EspruinoAdc(PIN_ADC, ADC_FULL_SCALE_MV),
  sleep: esp32Sleep,
  watchdog: createEspruinoWatchdog(WATCHDOG_SECONDS),
};

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(hal, __NODE_CONFIG__ as NodeConfig | null);

/**
 * Board: ESP32 DevKitC (ESP32-WROOM-32) running Espruino.
 * Pins: I2C1 SDA D21 / SCL D22 (the ESP32 defaults), 1-Wire D4, ADC D36
 * (GPIO36 "VP", ADC1: usable while Wi-Fi is on). TLS: yes, WITHOUT server
 * certificate verification (see boards/README.md). Watchdog: yes. Deep
 * sleep: yes (timer wake-up, no wiring). No free user LED.
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
import { createEsp32Sleep } from './espruino/sleep';
import { createEspruinoStorage } from './espruino/storage';
import { createEspruinoSystem } from './espruino/system';
import { createEspruinoWatchdog } from './espruino/watchdog';
import { createEspruinoWifi } from './espruino/wifi';

declare const require: EspruinoRequire;

const PIN_SDA = 'D21';
const PIN_SCL = 'D22';
const PIN_ONE_WIRE = 'D4';
const PIN_ADC = 'D36';
/** 11 dB attenuation full scale per ESP-IDF ADC docs; linear to ~2.5 V. */
const ADC_FULL_SCALE_MV = 3900;
const I2C_BITRATE = 100000;
/** The app must prove progress at least every half of this. */
const WATCHDOG_SECONDS = 60;
/** RAM guard for the socket send queue (ESP32 heap ~100 KB). */
const NET_MAX_QUEUED = 8192;

I2C1.setup({ scl: PIN_SCL, sda: PIN_SDA, bitrate: I2C_BITRATE });

/** QoS 1 outbox sizing (ESP32 heap: thousands of blocks). */
const OUTBOX_MESSAGES = 64;
const OUTBOX_BYTES = 16384;

const hal: Hal = {
  board: 'esp32',
  net: createEspruinoNet(require('net'), require('tls'), NET_MAX_QUEUED),
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
  sleep: createEsp32Sleep(),
  watchdog: createEspruinoWatchdog(WATCHDOG_SECONDS),
};

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(hal, __NODE_CONFIG__ as NodeConfig | null);

/**
 * The Hal record: everything a board hands to the application.
 *
 * For driver authors (the app): required members exist on every board;
 * optional ones are absent when the board lacks the hardware or the
 * platform lacks the feature (test them, e.g. `if (hal.wifi)`): no stubs
 * that pretend to work.
 *
 * For board authors: build one Hal in the board file from pins and the
 * platform implementations, then pass it to `startNode`.
 */
import type { Adc } from './adc';
import type { Clock } from './clock';
import type { OutputPin } from './gpio';
import type { I2c } from './i2c';
import type { Log } from './log';
import type { OneWire } from './onewire';
import type { Sleep } from './sleep';
import type { Storage } from './storage';
import type { System } from './system';
import type { Net } from './transport';
import type { Watchdog } from './watchdog';
import type { Wifi } from './wifi';

/** A board's hardware and platform services. */
export interface Hal {
  /** Board name for logs and telemetry, e.g. "esp32". */
  board: string;
  net: Net;
  clock: Clock;
  log: Log;
  storage: Storage;
  /**
   * Sizing of the MQTT QoS 1 outbox for this board's RAM: most messages and
   * most payload bytes held while unacknowledged.
   */
  outboxMessages: number;
  outboxBytes: number;
  /** Heap figures, where the platform reports them. */
  system?: System;
  /** Absent when the board is always online (Linux). */
  wifi?: Wifi;
  i2c?: I2c;
  oneWire?: OneWire;
  adc?: Adc;
  /** A status LED, when the board has a free one. */
  led?: OutputPin;
  /** Absent when the board cannot deep-sleep (Linux): idle instead. */
  sleep?: Sleep;
  /** Absent when the platform has no usable watchdog (ESP8266, Linux). */
  watchdog?: Watchdog;
}

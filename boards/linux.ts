/**
 * Board: Espruino for Linux (a PC or Raspberry Pi; also the integration
 * target for tests). Real sockets and TLS (WITHOUT server certificate
 * verification, see boards/README.md); no Wi-Fi (always online), so no
 * `wifi`; pins are fake, so no I2C, 1-Wire or ADC; Storage lives in a
 * flash-emulation file; no deep sleep (the app idles with the Clock
 * instead); no watchdog (Espruino's calls are no-ops here).
 */
import type { NodeConfig } from '../firmware/app/config';
import { startNode } from '../firmware/app/node';
import type { Hal } from '../firmware/hal/index';
import { LogLevel } from '../firmware/hal/log';
import { EspruinoNet } from './espruino/net';
import { EspruinoPlatform } from './espruino/platform';

declare const require: EspruinoRequire;

/** No RAM guard: a PC heap. */
const NET_MAX_QUEUED = 0;

/** QoS 1 outbox sizing (a PC heap). */
const OUTBOX_MESSAGES = 256;
const OUTBOX_BYTES = 65536;

/** One object serves as the Clock, Log, Storage and System. */
const platform = new EspruinoPlatform(require('Storage'), LogLevel.INFO);

const hal: Hal = {
  board: 'linux',
  net: new EspruinoNet(require('net'), require('tls'), NET_MAX_QUEUED),
  clock: platform,
  log: platform,
  storage: platform,
  outboxMessages: OUTBOX_MESSAGES,
  outboxBytes: OUTBOX_BYTES,
  system: platform,
};

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(hal, __NODE_CONFIG__ as NodeConfig | null);

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
import { createEspruinoClock } from './espruino/clock';
import { createConsoleLog } from './espruino/log';
import { createEspruinoNet } from './espruino/net';
import { createEspruinoStorage } from './espruino/storage';
import { createEspruinoSystem } from './espruino/system';

declare const require: EspruinoRequire;

/** No RAM guard: a PC heap. */
const NET_MAX_QUEUED = 0;

/** QoS 1 outbox sizing (a PC heap). */
const OUTBOX_MESSAGES = 256;
const OUTBOX_BYTES = 65536;

const hal: Hal = {
  board: 'linux',
  net: createEspruinoNet(require('net'), require('tls'), NET_MAX_QUEUED),
  clock: createEspruinoClock(),
  log: createConsoleLog(LogLevel.INFO),
  storage: createEspruinoStorage(require('Storage')),
  outboxMessages: OUTBOX_MESSAGES,
  outboxBytes: OUTBOX_BYTES,
  system: createEspruinoSystem(),
};

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(hal, __NODE_CONFIG__ as NodeConfig | null);

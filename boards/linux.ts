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
import { espruinoConnect, type EspruinoNet } from './espruino/net';
import { espruinoPlatform } from './espruino/platform';

declare const require: EspruinoRequire;

/** Sizes. A const enum: inlined by the build, no variable in RAM. */
const enum Board {
  /** No RAM guard for the socket send queue: a PC heap. */
  NET_MAX_QUEUED = 0,
  /** QoS 1 outbox sizing (a PC heap). */
  OUTBOX_MESSAGES = 256,
  OUTBOX_BYTES = 65536,
}

/** TCP and TLS (TLS without server certificate verification). */
const net: EspruinoNet = { tcp_: require('net'), tls_: require('tls'), maxQueued_: Board.NET_MAX_QUEUED, connect: espruinoConnect };

// ---- The single call site of the application (firmware/app/node.ts). ----
startNode(
  {
    board: 'linux',
    net: net,
    // One object serves as the Clock, Log, Storage and System.
    clock: espruinoPlatform,
    log: espruinoPlatform,
    storage: espruinoPlatform,
    outboxMessages: Board.OUTBOX_MESSAGES,
    outboxBytes: Board.OUTBOX_BYTES,
    system: espruinoPlatform,
  },
  __NODE_CONFIG__ as NodeConfig | null,
);

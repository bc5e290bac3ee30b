/**
 * One telemetry record as JSON text, built by concatenation (no object per
 * reading): {"seq":12,"uptime":345,"memFree":812,"rssi":-61,"battery":0.52}
 *   seq      grows by one per reading, never reused (see node.ts)
 *   uptime   seconds since boot
 *   memFree  free JS heap in blocks (process.memory().free), where known
 *   rssi     Wi-Fi signal in dBm, where the board has Wi-Fi
 *   <name>   one field per configured sensor
 */
import type { TelemetryNode } from './node';

/** The JSON record of `node`'s reading number `seq`, taken at clock time `now` (ms). */
export function reading(node: TelemetryNode, seq: number, now: number): string {
  const hal = node.hal;
  let json = '{"seq":' + seq + ',"uptime":' + Math.round((now - node.bootAt_) / 1000);
  const sys = hal.system;
  if (sys) json += ',"memFree":' + sys.freeBlocks();
  const rssi = hal.wifi && hal.wifi.rssi ? hal.wifi.rssi() : undefined;
  if (rssi !== undefined) json += ',"rssi":' + rssi;
  const sensors = node.sensors_;
  for (let i = 0; i < sensors.length; i++) {
    const s = sensors[i];
    if (s.type === 'adc' && hal.adc) {
      // Rounded to 3 decimals so that records stay short.
      json += ',"' + s.name + '":' + Math.round(hal.adc.read() * s.scale * 1000) / 1000;
    }
  }
  return json + '}';
}

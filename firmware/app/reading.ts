/**
 * One telemetry record as JSON text, built by concatenation (no object per
 * reading): {"seq":12,"uptime":345,"memFree":812,"rssi":-61,"battery":0.52}
 *   seq      grows by one per reading, never reused (see seq.ts)
 *   uptime   seconds since boot
 *   memFree  free JS heap in blocks (process.memory().free), where known
 *   rssi     Wi-Fi signal in dBm, where the board has Wi-Fi
 *   <name>   one field per configured sensor
 */
import type { Hal } from '../hal/index';
import type { NodeConfig } from './config';

/** The JSON record for reading number `seq` taken `uptime` ms after start. */
export function reading(hal: Hal, config: NodeConfig, seq: number, uptime: number): string {
  let json = '{"seq":' + seq + ',"uptime":' + Math.round(uptime / 1000);
  const sys = hal.system;
  if (sys) json += ',"memFree":' + sys.freeBlocks();
  const rssi = hal.wifi && hal.wifi.rssi ? hal.wifi.rssi() : undefined;
  if (rssi !== undefined) json += ',"rssi":' + rssi;
  const sensors = config.sensors;
  for (let i = 0; i < sensors.length; i++) {
    const s = sensors[i];
    if (s.type === 'adc' && hal.adc) {
      // Rounded to 3 decimals so that records stay short.
      json += ',"' + s.name + '":' + Math.round(hal.adc.read() * s.scale * 1000) / 1000;
    }
  }
  return json + '}';
}

/**
 * Watchdog on E.enableWatchdog(seconds, isAuto) / E.kickWatchdog()
 * [src/jswrap_espruino.c]. isAuto false: only the app's `kick()` feeds it,
 * not the idle loop. ESP32 rounds the timeout to whole seconds and uses the
 * task watchdog [targets/esp32/jshardware.c]. On ESP8266 and Linux both
 * calls are no-ops (ESP8266 even prints on every kick), so those boards
 * get no Watchdog.
 */
import type { Watchdog } from '../../firmware/hal/watchdog';

class EspruinoWatchdog implements Watchdog {
  kick(): void {
    E.kickWatchdog();
  }
}

/** Arms the watchdog with `timeoutSeconds` (>= 1) and returns it. */
export function createEspruinoWatchdog(timeoutSeconds: number): Watchdog {
  E.enableWatchdog(timeoutSeconds, false);
  return new EspruinoWatchdog();
}

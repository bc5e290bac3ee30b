/**
 * Sleep on ESP32.deepSleep(us) [targets/esp32/jswrap_esp32.c] and
 * ESP8266.deepSleep(us, option) [targets/esp8266/jswrap_esp8266.c]. Both
 * take an int32 microsecond count; ESP8266 throws "Invalid microseconds"
 * for a float, and minified code writes 1000000 as the float literal 1e6,
 * so the count comes from `toMicros` (Math.round yields an integer value).
 * ESP8266 wakes only if GPIO16 is wired to RST. Espruino for Linux has no
 * deep sleep: the Linux board has no Sleep.
 */
import { toMicros, type Sleep, type SleepError } from '../../firmware/hal/sleep';

class Esp32Sleep implements Sleep {
  deepSleep(seconds: number): SleepError {
    try {
      ESP32.deepSleep(toMicros(seconds));
    } catch (e) {
      // Falls through to the failure value.
    }
    return 'SLEEP_FAILED';
  }
}

class Esp8266Sleep implements Sleep {
  deepSleep(seconds: number): SleepError {
    try {
      // Option 0: RF calibration as the init data's byte 108 says (SDK default).
      ESP8266.deepSleep(toMicros(seconds), 0);
    } catch (e) {
      // Falls through to the failure value.
    }
    return 'SLEEP_FAILED';
  }
}

/** Builds the Sleep of an ESP32 board. */
export function createEsp32Sleep(): Sleep {
  return new Esp32Sleep();
}

/** Builds the Sleep of an ESP8266 board (GPIO16 must be wired to RST). */
export function createEsp8266Sleep(): Sleep {
  return new Esp8266Sleep();
}

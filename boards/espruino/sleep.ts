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

/** The Sleep of an ESP32 board (a plain object: no class, one function less in RAM). */
export const esp32Sleep: Sleep = {
  deepSleep: function (seconds: number): SleepError {
    try {
      ESP32.deepSleep(toMicros(seconds));
    } catch (e) {
      // Falls through to the failure value.
    }
    // esp_deep_sleep() never returns: getting here means the sleep failed.
    return 'SLEEP_FAILED';
  },
};

/** The Sleep of an ESP8266 board (GPIO16 must be wired to RST). */
export const esp8266Sleep: Sleep = {
  deepSleep: function (seconds: number): SleepError | undefined {
    try {
      // Option 0: RF calibration as the init data's byte 108 says (SDK default).
      ESP8266.deepSleep(toMicros(seconds), 0);
    } catch (e) {
      return 'SLEEP_FAILED';
    }
    // system_deep_sleep() returns; the chip powers down when this task ends.
    return undefined;
  },
};

/**
 * Wifi on Espruino's require("Wifi") (ESP32, ESP8266)
 * [libs/network/jswrap_wifi.c]. `Wifi.connect(ssid, {password}, cb(err))`
 * calls back once the IP address is obtained, or at once if already joined
 * to that AP; its only reported error is a bad password: other failures
 * (AP absent, DHCP timeout) are retried by the platform silently. Events
 * `connected` / `disconnected` follow every later change.
 *
 * RAM (ESP8266: 1600 blocks): the Wifi module is a singleton, so is its
 * HAL object: a plain object (no class), the module looked up at each call
 * (no field), and ONE function, made once at load, serves as the connect
 * callback and the handler of both events (told apart by their argument).
 * No closure per join: it would keep the join's scope, password included.
 */
import type { Wifi, WifiListener } from '../../firmware/hal/wifi';
import { messageOf } from './errors';

declare const require: EspruinoRequire;

/** The Wifi of an ESP board; members ending in `_` are its state. */
export interface EspruinoWifi extends Wifi {
  /** The listener of the last join; undefined before the first. */
  l_: WifiListener | undefined;
  /** The link state last reported. */
  up_: boolean;
}

/**
 * The connect callback passes null (joined) or a string (refused: also
 * what `connect` threw); the `connected` event passes an object with `ip`,
 * `disconnected` one with `reason`. Reports changes only: up once while
 * down, down once while up (a refused join always).
 */
function onWifiEvent(d: EspruinoWifiDetails | string | null | undefined): void {
  const self = espruinoWifi;
  const l = self.l_;
  const lost = d !== null && typeof d === 'object' && d.reason !== undefined;
  const up = d === null || d === undefined || (typeof d === 'object' && !lost);
  if (l === undefined || (up && self.up_) || (lost && !self.up_)) return;
  self.up_ = up;
  try {
    if (typeof d === 'string') {
      const lower = d.toLowerCase();
      const auth = lower.indexOf('password') >= 0 || lower.indexOf('auth') >= 0;
      l.onWifiDown({ code: auth ? 'WIFI_AUTH' : 'WIFI_FAILED', message: d });
    } else if (lost) {
      l.onWifiDown({ code: 'WIFI_LOST', message: String(d && d.reason) });
    } else {
      let ip = d ? d.ip : undefined;
      try {
        if (ip === undefined) ip = require('Wifi').getIP().ip;
      } catch (x) {
        // The address is informative only; the link is up regardless.
        ip = '';
      }
      l.onWifiUp(String(ip));
    }
  } catch (e) {
    // A listener fault must not reach the platform's event loop.
  }
}

/** The one Wifi of an ESP board, on `require("Wifi")`. */
export const espruinoWifi: EspruinoWifi = {
  l_: undefined,
  up_: false,

  join(ssid: string, password: string, listener: WifiListener): void {
    const w = require('Wifi');
    // Once per board, not per join: the module is a singleton.
    if (this.l_ === undefined) {
      w.on('connected', onWifiEvent);
      w.on('disconnected', onWifiEvent);
    }
    this.l_ = listener;
    try {
      w.connect(ssid, { password: password }, onWifiEvent);
    } catch (e) {
      onWifiEvent(messageOf(e));
    }
  },

  rssi(): number | undefined {
    if (!this.up_) return undefined;
    try {
      const rssi = require('Wifi').getDetails().rssi;
      return typeof rssi === 'number' ? rssi : undefined;
    } catch (e) {
      return undefined;
    }
  },
};

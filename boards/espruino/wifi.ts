/**
 * Wifi on Espruino's require("Wifi") (ESP32, ESP8266)
 * [libs/network/jswrap_wifi.c]. `Wifi.connect(ssid, {password}, cb(err))`
 * calls back once the IP address is obtained, or at once if already joined
 * to that AP; its only reported error is a bad password: other failures
 * (AP absent, DHCP timeout) are retried by the platform silently. Events
 * `connected` / `disconnected` follow every later change.
 *
 * RAM: one closure serves the connect callback and both events (told apart
 * by their argument), made once per board: each function costs ~6 blocks.
 */
import type { Wifi, WifiListener } from '../../firmware/hal/wifi';
import { messageOf } from './errors';

/** The Wifi of an ESP board on `require("Wifi")`. */
export class EspruinoWifi implements Wifi {
  w_: EspruinoWifiModule;
  l_: WifiListener | undefined;
  up_: boolean;

  constructor(wifi: EspruinoWifiModule) {
    this.w_ = wifi;
    this.l_ = undefined;
    this.up_ = false;
  }

  join(ssid: string, password: string, listener: WifiListener): void {
    const self = this;
    const w = this.w_;
    const subscribe = this.l_ === undefined;
    this.l_ = listener;
    /**
     * The connect callback passes null (joined) or a string (refused: also
     * what `connect` threw); the `connected` event passes an object with
     * `ip`, `disconnected` one with `reason`. Reports changes only: up once
     * while down, down once while up (a refused join always).
     */
    const on = function (d: EspruinoWifiDetails | string | null | undefined): void {
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
            if (ip === undefined) ip = w.getIP().ip;
          } catch (x) {
            // The address is informative only; the link is up regardless.
            ip = '';
          }
          l.onWifiUp(String(ip));
        }
      } catch (e) {
        // A listener fault must not reach the platform's event loop.
      }
    };
    // Once per board, not per join: the module is a singleton.
    if (subscribe) {
      w.on('connected', on);
      w.on('disconnected', on);
    }
    try {
      w.connect(ssid, { password: password }, on);
    } catch (e) {
      on(messageOf(e));
    }
  }

  rssi(): number | undefined {
    if (!this.up_) return undefined;
    try {
      const rssi = this.w_.getDetails().rssi;
      return typeof rssi === 'number' ? rssi : undefined;
    } catch (e) {
      return undefined;
    }
  }
}

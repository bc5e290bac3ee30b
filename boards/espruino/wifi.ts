/**
 * Wifi on Espruino's require("Wifi") (ESP32, ESP8266)
 * [libs/network/jswrap_wifi.c]. `Wifi.connect(ssid, {password}, cb(err))`
 * calls back once the IP address is obtained, or at once if already joined
 * to that AP; its only reported error is a bad password: other failures
 * (AP absent, DHCP timeout) are retried by the platform silently. Events
 * `connected` / `disconnected` follow every later change.
 */
import type { Wifi, WifiErrorCode, WifiListener } from '../../firmware/hal/wifi';
import { messageOf } from './errors';

class EspruinoWifi implements Wifi {
  wifi: EspruinoWifiModule;
  listener: WifiListener | undefined;
  up: boolean;
  subscribed: boolean;

  constructor(wifi: EspruinoWifiModule) {
    this.wifi = wifi;
    this.listener = undefined;
    this.up = false;
    this.subscribed = false;
  }

  join(ssid: string, password: string, listener: WifiListener): void {
    const self = this;
    this.listener = listener;
    if (!this.subscribed) {
      // Once per board, not per join: the module is a singleton.
      this.subscribed = true;
      this.wifi.on('connected', (details) => self.reportUp(String(details.ip)));
      this.wifi.on('disconnected', (details) => self.reportLost(String(details.reason)));
    }
    try {
      this.wifi.connect(ssid, { password: password }, (err) => self.handleJoin(err));
    } catch (e) {
      this.reportDown('WIFI_FAILED', messageOf(e));
    }
  }

  rssi(): number | undefined {
    if (!this.up) return undefined;
    try {
      const rssi = this.wifi.getDetails().rssi;
      return typeof rssi === 'number' ? rssi : undefined;
    } catch (e) {
      return undefined;
    }
  }

  handleJoin(err: string | null): void {
    if (err) {
      const text = String(err);
      const lower = text.toLowerCase();
      const auth = lower.indexOf('password') >= 0 || lower.indexOf('auth') >= 0;
      this.reportDown(auth ? 'WIFI_AUTH' : 'WIFI_FAILED', text);
      return;
    }
    let ip = '';
    try {
      ip = String(this.wifi.getIP().ip);
    } catch (e) {
      // The address is informative only; the link is up regardless.
    }
    this.reportUp(ip);
  }

  reportUp(ip: string): void {
    if (this.up || this.listener === undefined) return;
    this.up = true;
    try {
      this.listener.onWifiUp(ip);
    } catch (e) {
      // A listener fault must not reach the platform's event loop.
    }
  }

  /** A `disconnected` event: a change only if we were up. */
  reportLost(reason: string): void {
    if (this.up) this.reportDown('WIFI_LOST', reason);
  }

  reportDown(code: WifiErrorCode, message: string): void {
    this.up = false;
    if (this.listener === undefined) return;
    try {
      this.listener.onWifiDown({ code: code, message: message });
    } catch (e) {
      // As above.
    }
  }
}

/** Builds the Wifi of an ESP board from `require("Wifi")`. */
export function createEspruinoWifi(wifi: EspruinoWifiModule): Wifi {
  return new EspruinoWifi(wifi);
}

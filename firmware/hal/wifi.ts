/**
 * Wifi: joins the board's station interface to an access point.
 *
 * For driver authors (the app):
 * - `join()` starts joining and keeps trying on its own (the platform
 *   retries lost links and unreachable APs). The listener hears link state
 *   CHANGES only: `onWifiUp` once when an IP address is obtained,
 *   `onWifiDown` once when the link is lost or the join is refused.
 *   Listener calls may happen before `join()` returns.
 * - Only a wrong password is reported as a join failure (`WIFI_AUTH`); an
 *   absent AP just stays down. Put your own timeout on the wait for
 *   `onWifiUp` (e.g. give up and deep-sleep).
 * - Open network connections only while the link is up.
 * - A board without Wi-Fi (Linux: always online) has no `wifi` in its Hal.
 *
 * For board authors:
 * - Report state changes, not platform events: platforms send both a
 *   connect callback and a `connected` event for the same join.
 * - Never let an exception escape into the platform's event loop.
 */

/** The closed set of Wi-Fi fault codes. */
export type WifiErrorCode =
  | 'WIFI_AUTH' // the AP refused the password
  | 'WIFI_LOST' // the association was lost (the platform keeps retrying)
  | 'WIFI_FAILED'; // the join could not be started

/** A Wi-Fi fault: a code and the platform's reason for logs. */
export interface WifiError {
  code: WifiErrorCode;
  message: string;
}

/** Receives link state changes. */
export interface WifiListener {
  /** The link carries traffic; `ip` is the station's address. */
  onWifiUp(ip: string): void;
  onWifiDown(error: WifiError): void;
}

/** The station interface. One required primitive. */
export interface Wifi {
  /** Starts joining `ssid` (empty password for open networks). */
  join(ssid: string, password: string, listener: WifiListener): void;
  /** Signal strength in dBm while up, else undefined (optional helper). */
  rssi?(): number | undefined;
}

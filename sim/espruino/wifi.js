'use strict';
/**
 * Espruino's `Wifi` module (ESP32 and ESP8266 builds). The access point is
 * node-level state in node-vm.js (its SSID/password, whether it is reachable);
 * this module is the station side for one boot. connect(ssid, {password}, cb)
 * calls cb(null) or cb(reason) after an association delay and emits
 * 'connected' / 'disconnected'. When the AP disappears a connected station
 * emits 'disconnected' {reason: 'beacon_timeout'} and its open sockets fail
 * with error -11; when the AP returns, a station that wanted to be connected
 * reconnects by itself (the Espressif SDK auto-reconnects). Wifi.save() makes
 * the next boot connect automatically, as the SDK's stored station config does.
 */
const { EventObject } = require('./events');

/**
 * Creates the Wifi module for one boot.
 * @param {object} env per-boot runtime from node-vm.js (node, later, guard, dispatch)
 */
function createWifiModule(env) {
  const ap = env.node.ap;
  const wifi = new EventObject();
  const st = { status: 'off', ssid: '', password: '', wanted: false, hostname: 'espruino-' + env.node.id, attempt: 0 };

  function details() {
    return {
      status: st.status,
      ssid: st.ssid,
      rssi: st.status === 'connected' ? ap.rssi + env.rng.int(5) - 2 : 0,
      mode: 'sta',
      savedSsid: env.node.wifiSaved ? env.node.wifiSaved.ssid : undefined,
    };
  }
  function ipInfo() {
    const up = st.status === 'connected';
    return { ip: up ? ap.ipFor(env.node.id) : '0.0.0.0', netmask: up ? '255.255.255.0' : '0.0.0.0', gw: up ? ap.gateway : '0.0.0.0', mac: env.node.mac };
  }

  function associate(cb) {
    const attempt = ++st.attempt;
    st.status = 'connecting';
    env.later(env.realDelay(ap.connectMs), () => {
      if (attempt !== st.attempt) return;
      let err = null;
      if (!ap.up || st.ssid !== ap.ssid) err = 'no_ap_found';
      else if (st.password !== ap.password) err = 'auth_fail';
      st.status = err ? 'off' : 'connected';
      if (typeof cb === 'function') env.guard('Wifi.connect callback', cb, undefined, [err]);
      if (err) env.dispatch(wifi, 'disconnected', [{ ssid: st.ssid, mac: env.node.mac, reason: err }]);
      else env.dispatch(wifi, 'connected', [ipInfo()]);
    });
  }

  Object.assign(wifi, {
    connect(ssid, options, cb) {
      if (typeof options === 'function') {
        cb = options;
        options = {};
      }
      st.ssid = String(ssid);
      st.password = options && options.password !== undefined ? String(options.password) : '';
      st.wanted = true;
      associate(cb);
    },
    disconnect(cb) {
      st.wanted = false;
      st.attempt++;
      const was = st.status;
      st.status = 'off';
      if (was === 'connected') env.dispatch(wifi, 'disconnected', [{ ssid: st.ssid, mac: env.node.mac, reason: 'assoc_leave' }]);
      if (typeof cb === 'function') env.later(0, () => env.guard('Wifi.disconnect callback', cb, undefined, []));
    },
    getDetails(cb) {
      const d = details();
      if (typeof cb === 'function') env.later(0, () => env.guard('Wifi.getDetails callback', cb, undefined, [d]));
      return d;
    },
    getIP(cb) {
      const d = ipInfo();
      if (typeof cb === 'function') env.later(0, () => env.guard('Wifi.getIP callback', cb, undefined, [d]));
      return d;
    },
    getStatus() {
      return { station: st.status, ap: 'disabled', mode: 'sta' };
    },
    setHostname(name, cb) {
      st.hostname = String(name);
      if (typeof cb === 'function') env.later(0, () => env.guard('Wifi.setHostname callback', cb, undefined, []));
    },
    getHostname(cb) {
      if (typeof cb === 'function') env.later(0, () => env.guard('Wifi.getHostname callback', cb, undefined, [st.hostname]));
      return st.hostname;
    },
    getHostByName(name, cb) {
      const ip = st.status === 'connected' ? env.resolve(String(name)) : null;
      env.later(0, () => env.guard('Wifi.getHostByName callback', cb, undefined, [ip === null ? undefined : ip]));
    },
    save() {
      env.node.wifiSaved = { ssid: st.ssid, password: st.password };
    },
  });

  return {
    module: wifi,
    isConnected: () => st.status === 'connected',
    /** The AP vanished: drop the association (sockets are failed by node-vm.js). */
    apDown() {
      st.attempt++;
      if (st.status === 'off') return;
      st.status = 'off';
      env.dispatch(wifi, 'disconnected', [{ ssid: st.ssid, mac: env.node.mac, reason: 'beacon_timeout' }]);
    },
    /** The AP is back: reconnect if the bundle had asked to be connected. */
    apUp() {
      if (st.wanted && st.status !== 'connected') associate(null);
    },
    /** Boot-time auto-connect with the credentials stored by Wifi.save(). */
    autoConnect(saved) {
      st.ssid = saved.ssid;
      st.password = saved.password;
      st.wanted = true;
      associate(null);
    },
  };
}

module.exports = { createWifiModule };

/**
 * The node's configuration as the firmware receives it: validated and
 * normalised at build time by scripts/lib/config.js (every default filled
 * in), embedded as the constant __NODE_CONFIG__. See docs/config.md.
 */

/** The board's analog input (ESP8266 A0, ESP32 D36), reported as fraction of full scale * scale. */
export interface AdcSensorConfig {
  type: 'adc';
  /** Field name in the telemetry record. */
  name: string;
  scale: number;
}

export type SensorConfig = AdcSensorConfig;

export interface NodeConfig {
  /** Also the MQTT client id: 1..23 characters [MQTT-3.1.3-5]. */
  nodeId: string;
  /** Absent on boards without Wi-Fi. */
  wifi?: { ssid: string; password: string };
  broker: {
    host: string;
    port: number;
    tls: boolean;
    username?: string;
    password?: string;
    /** DER byte strings, converted from PEM files at build time. */
    ca?: string;
    cert?: string;
    key?: string;
  };
  /** Seconds. */
  keepAlive: number;
  cleanSession: boolean;
  topicPrefix: string;
  /** Seconds between readings (and between wake-ups in deep-sleep mode). */
  interval: number;
  deepSleep: boolean;
  sensors: SensorConfig[];
}

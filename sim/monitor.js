'use strict';
/**
 * The fleet's independent witness: an MQTT.js client subscribed (QoS 1) to
 * <prefix>/+/status and <prefix>/+/telemetry that keeps per-node counts:
 * readings received, sequence numbers missing (a jump in `seq`; a late
 * arrival fills its hole again), duplicates (allowed by QoS 1), last seq and
 * status. Every message is also handed to `onMessage` for display.
 */
const mqtt = require('mqtt');

/** Sequence numbers remembered as missing per node: bounds memory on long runs. */
const MAX_TRACKED_MISSING = 10000;

/** Per-node counters, updated by record(). */
function newStats(id) {
  return { id, received: 0, duplicates: 0, lastSeq: undefined, missing: new Set(), status: undefined, last: undefined };
}

/**
 * Adds one telemetry reading with sequence number `seq` to `st`: a jump
 * records the numbers skipped as missing; a number at or below the last one
 * is either a missing one arriving late or a duplicate.
 */
function recordSeq(st, seq) {
  st.received++;
  if (st.lastSeq === undefined || seq > st.lastSeq) {
    if (st.lastSeq !== undefined) {
      for (let n = st.lastSeq + 1; n < seq && st.missing.size < MAX_TRACKED_MISSING; n++) st.missing.add(n);
    }
    st.lastSeq = seq;
  } else if (st.missing.has(seq)) {
    st.missing.delete(seq);
  } else {
    st.duplicates++;
  }
}

/** Parses a telemetry payload; undefined when it is not a JSON object with an integer seq. */
function parseReading(payload) {
  try {
    const v = JSON.parse(payload.toString('latin1'));
    return v !== null && typeof v === 'object' && Number.isInteger(v.seq) ? v : undefined;
  } catch (e) {
    return undefined;
  }
}

/**
 * Connects to `o.url` (mqtt://host:port), subscribes and resolves with the
 * monitor once the subscription is granted; rejects when the broker cannot
 * be reached within `o.connectTimeoutMs` (default 5000).
 * o: { url, topicPrefix?, clientId?, onMessage?(event) } where event is
 * { time, node, kind: 'status'|'telemetry'|'bad', text, reading? }.
 * The monitor: { stats(): per-node stats array (sorted by id), close(): Promise }.
 */
function startMonitor(o) {
  const prefix = o.topicPrefix || 'sensors';
  const stats = new Map();
  const client = mqtt.connect(o.url, {
    clientId: o.clientId || 'sim-monitor-' + process.pid,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: o.connectTimeoutMs || 5000,
  });
  const statsFor = (id) => {
    if (!stats.has(id)) stats.set(id, newStats(id));
    return stats.get(id);
  };
  client.on('message', (topic, payload) => {
    const parts = topic.split('/');
    const id = parts[parts.length - 2];
    const kind = parts[parts.length - 1];
    const st = statsFor(id);
    const event = { time: new Date(), node: id, kind, text: payload.toString('latin1') };
    if (kind === 'telemetry') {
      event.reading = parseReading(payload);
      if (event.reading) recordSeq(st, event.reading.seq);
      else event.kind = 'bad';
      st.last = event.reading;
    } else {
      st.status = event.text;
    }
    if (o.onMessage) o.onMessage(event);
  });
  const monitor = {
    stats: () => Array.from(stats.values()).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })),
    close: () => new Promise((resolve) => client.end(false, {}, () => resolve())),
  };
  return new Promise((resolve, reject) => {
    let timer;
    const fail = (err) => {
      clearTimeout(timer);
      client.end(true);
      reject(new Error('cannot reach the broker at ' + o.url + ': ' + (err && err.message ? err.message : err)));
    };
    timer = setTimeout(() => fail(new Error('no CONNACK within ' + (o.connectTimeoutMs || 5000) + ' ms')), (o.connectTimeoutMs || 5000) + 500);
    client.once('error', fail);
    client.once('connect', () => {
      client.subscribe([prefix + '/+/status', prefix + '/+/telemetry'], { qos: 1 }, (err) => {
        clearTimeout(timer);
        client.removeListener('error', fail);
        client.on('error', () => { /* MQTT.js reconnects by itself */ });
        if (err) return fail(err);
        resolve(monitor);
      });
    });
  });
}

module.exports = { startMonitor, recordSeq, newStats, parseReading };

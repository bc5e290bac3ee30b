/**
 * An independent witness for end-to-end tests: an MQTT.js subscriber that
 * records every message on a topic filter. It uses QoS 1 and a persistent
 * session (clean session false) and reconnects by itself, so messages
 * published while it or the broker was down are delivered later, not lost;
 * then it counts duplicates (allowed by QoS 1) and lists missing sequence
 * numbers (never allowed).
 */
import * as mqtt from 'mqtt';

export interface RecordedMessage {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  dup: boolean;
  /** The sequence number read from the payload, if any (see `seqOf`). */
  seq: number | undefined;
}

export interface RecorderOptions {
  port: number;
  host?: string;
  filter: string;
  clientId: string;
  username?: string;
  password?: string;
  /**
   * Reads a message's sequence number. Default: the payload is JSON, either a
   * bare integer or an object with an integer `seq` field.
   */
  seqOf?: (topic: string, payload: Buffer) => number | undefined;
}

export interface Recorder {
  /** Every delivery, in arrival order, duplicates included. */
  messages: RecordedMessage[];
  /** Distinct (topic, payload) pairs received. */
  uniqueCount(): number;
  /** Deliveries of a (topic, payload) pair already received. */
  duplicates(): number;
  /** Sequence numbers in first..last never received. */
  missing(first: number, last: number): number[];
  /** Resolves when predicate(recorder) holds (checked on each message); rejects after timeoutMs. */
  waitFor(predicate: (r: Recorder) => boolean, timeoutMs: number): Promise<void>;
  /** Disconnects cleanly when possible (the session stays on the broker). */
  stop(): Promise<void>;
}

/** The default `seqOf`: JSON integer, or JSON object with an integer `seq`. */
export function jsonSeq(_topic: string, payload: Buffer): number | undefined {
  try {
    const v = JSON.parse(payload.toString('utf8'));
    const n = typeof v === 'number' ? v : v !== null && typeof v === 'object' ? v.seq : undefined;
    return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Connects, subscribes with QoS 1 and resolves once the broker has granted it. */
export function startRecorder(opts: RecorderOptions): Promise<Recorder> {
  const seqOf = opts.seqOf || jsonSeq;
  const seen = new Set<string>();
  const waiters = new Set<() => void>();
  let dups = 0;
  const client = mqtt.connect('mqtt://' + (opts.host || '127.0.0.1') + ':' + opts.port, {
    clientId: opts.clientId,
    clean: false,
    reconnectPeriod: 250,
    connectTimeout: 5000,
    username: opts.username,
    password: opts.password,
  });

  const recorder: Recorder = {
    messages: [],
    uniqueCount: () => seen.size,
    duplicates: () => dups,
    missing: (first, last) => {
      const got = new Set(recorder.messages.map((m) => m.seq));
      const out: number[] = [];
      for (let n = first; n <= last; n++) if (!got.has(n)) out.push(n);
      return out;
    },
    waitFor: (predicate, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (predicate(recorder)) return resolve();
        const check = (): void => {
          if (!predicate(recorder)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('recorder: condition not met within ' + timeoutMs + ' ms; ' + recorder.messages.length +
            ' messages, ' + seen.size + ' unique'));
        }, timeoutMs);
        waiters.add(check);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => client.end(true, {}, () => resolve()), 2000);
        client.end(!client.connected, {}, () => {
          clearTimeout(force);
          resolve();
        });
      }),
  };

  client.on('message', (topic, payload, packet) => {
    const key = topic + '\u0000' + payload.toString('latin1');
    if (seen.has(key)) dups++;
    else seen.add(key);
    recorder.messages.push({
      topic,
      payload,
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
      seq: seqOf(topic, payload),
    });
    Array.from(waiters).forEach((w) => w());
  });

  return new Promise((resolve, reject) => {
    // Only an error before the first subscription is fatal: later ones (the
    // broker being restarted by the test) are left to MQTT.js's reconnect.
    const failStart = (err: Error) => {
      client.end(true);
      reject(err);
    };
    client.once('error', failStart);
    client.once('connect', () => {
      client.subscribe(opts.filter, { qos: 1 }, (err, granted) => {
        client.removeListener('error', failStart);
        client.on('error', () => { /* reconnecting; MQTT.js retries every reconnectPeriod */ });
        if (err) return reject(err);
        if (!granted || granted[0].qos !== 1) return reject(new Error('recorder: QoS 1 not granted'));
        resolve(recorder);
      });
    });
  });
}

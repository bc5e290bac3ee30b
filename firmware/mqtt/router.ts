/**
 * Topic filters: validation, matching [MQTT 4.7] and dispatch of inbound
 * messages to per-filter handlers. The subscription records double as the
 * client's memory of what to re-subscribe after a session is lost.
 * Matching scans characters in place: no split(), no allocation per message.
 */
import { QoS } from './packets';

/** An inbound application message handler. `payload` is a byte string. */
export type MessageHandler = (this: void, topic: string, payload: string, qos: QoS, retain: boolean) => void;

/**
 * One subscription the client holds. `topic` and `qos` make it a valid
 * packets.ts Subscription, so the records go straight into SUBSCRIBE.
 */
export interface Sub {
  topic: string;
  qos: QoS;
  handler: MessageHandler | undefined;
  /** Packet id of the SUBSCRIBE awaiting its SUBACK, else 0. */
  packetId: number;
  /** Last SUBACK return code (0..2 or 0x80), -1 before the first SUBACK. */
  granted: number;
}

/**
 * True when `filter` is a well-formed topic filter: non-empty, `+` alone in
 * its level, `#` alone in the last level [MQTT-4.7.1-2, MQTT-4.7.1-3,
 * MQTT-4.7.3-1]. UTF-8 rules are left to the encoder.
 */
export function validFilter(filter: string): boolean {
  const n = filter.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = filter.charAt(i);
    const alone = (i === 0 || filter.charAt(i - 1) === '/') && (i === n - 1 || filter.charAt(i + 1) === '/');
    if (c === '+' && !alone) return false;
    if (c === '#' && !(alone && i === n - 1)) return false;
  }
  return true;
}

/**
 * True when topic name `topic` matches the valid filter `filter`. `+` matches
 * one level (possibly empty), `#` the parent level and any below it
 * [MQTT 4.7.1.2]. Filters starting with a wildcard never match topics
 * starting with `$` [MQTT-4.7.2-1].
 */
export function topicMatches(filter: string, topic: string): boolean {
  const first = filter.charAt(0);
  if (topic.charAt(0) === '$' && (first === '+' || first === '#')) return false;
  const fl = filter.length;
  const tl = topic.length;
  let f = 0;
  let t = 0;
  while (f < fl) {
    const c = filter.charAt(f);
    if (c === '#') return true;
    if (c === '+') {
      while (t < tl && topic.charAt(t) !== '/') t++;
    } else if (t < tl && topic.charAt(t) === c) {
      t++;
    } else {
      // "a/#" also matches "a" [MQTT 4.7.1.2].
      return t === tl && c === '/' && f + 2 === fl && filter.charAt(f + 1) === '#';
    }
    f++;
  }
  return t === tl;
}

/** The client's subscriptions, in the order they were made. */
export class Router {
  subs: Sub[];

  constructor() {
    this.subs = [];
  }

  /**
   * Adds or updates the subscription for `filter` and returns its record. A
   * repeated filter replaces the old one, as the broker does [MQTT-3.8.4-3].
   */
  add(filter: string, qos: QoS, handler: MessageHandler | undefined): Sub {
    let sub = this.get(filter);
    if (!sub) {
      sub = { topic: filter, qos: qos, handler: handler, packetId: 0, granted: -1 };
      this.subs.push(sub);
    }
    sub.qos = qos;
    sub.handler = handler;
    return sub;
  }

  /** The record for exactly `filter`, or undefined. */
  get(filter: string): Sub | undefined {
    for (const s of this.subs) if (s.topic === filter) return s;
    return undefined;
  }

  /** Forgets `filter`; false when it was not subscribed. */
  remove(filter: string): boolean {
    const sub = this.get(filter);
    if (!sub) return false;
    this.subs.splice(this.subs.indexOf(sub), 1);
    return true;
  }

  /**
   * Calls the handler of every subscription matching `topic` (a message that
   * matches overlapping filters reaches each of their handlers once). Returns
   * true when at least one handler was called.
   */
  dispatch(topic: string, payload: string, qos: QoS, retain: boolean): boolean {
    let hit = false;
    for (const s of this.subs) {
      if (s.handler && topicMatches(s.topic, topic)) {
        hit = true;
        s.handler(topic, payload, qos, retain);
      }
    }
    return hit;
  }
}

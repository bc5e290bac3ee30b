/**
 * Topic filters: validation and matching [MQTT 4.7], and the subscription
 * record. The records double as the client's memory of what to re-subscribe
 * after a session is lost (client.ts dispatches inbound messages to them).
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
  handler_: MessageHandler | undefined;
  /** Packet id of the SUBSCRIBE awaiting its SUBACK, else 0. */
  packetId_: number;
  /**
   * Position of this filter in that SUBSCRIBE: its SUBACK return code is the
   * one at this index [MQTT-3.9.3-1], whatever was unsubscribed meanwhile.
   */
  index_: number;
  /** Last SUBACK return code (0..2 or 0x80), -1 before the first SUBACK. */
  granted_: number;
}

/**
 * Why `topic` is not a valid topic name, or undefined when it is: empty
 * [MQTT-4.7.3-1], a wildcard [MQTT-3.3.2-2], or U+0000 [MQTT-1.5.3-2]. The
 * codes are shared by CodecError and PublishError.
 */
export function topicNameError(topic: string): 'EMPTY_TOPIC' | 'TOPIC_WILDCARD' | 'BAD_UTF8' | undefined {
  if (topic === '') return 'EMPTY_TOPIC';
  if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) return 'TOPIC_WILDCARD';
  return topic.indexOf(String.fromCharCode(0)) >= 0 ? 'BAD_UTF8' : undefined;
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

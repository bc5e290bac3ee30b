/**
 * Outbox <-> Store serialisation, so unacknowledged messages survive deep
 * sleep and reboots. The format reuses the codec instead of JSON (absent from
 * the portable core):
 *
 *   2 bytes   next packet id, big-endian
 *   then, for each message in outbox order:
 *     PUBREL(packetId)   only if the message is AWAIT_PUBCOMP (released)
 *     PUBLISH            DUP=1 when it was already written (AWAIT_*), else DUP=0
 *
 * A QoS 2 message keeps its PUBLISH after PUBREL so that it can be
 * re-published if the broker session turns out to be lost.
 */
import { encodeAck, encodePublish } from './encode';
import { createFramer } from './framer';
import { MsgState, OutMessage } from './outbox';
import { PacketType } from './packets';

/** Largest remaining length MQTT can express [MQTT 2.2.3]. */
const MAX_PACKET = 268435455;

/**
 * Encodes `nextId` and `msgs` (the outbox, in order) into one byte string.
 * Every message was validated by publish(), so each encodes.
 */
export function serialiseOutbox(nextId: number, msgs: OutMessage[]): string {
  let out = String.fromCharCode(Math.floor(nextId / 256), nextId % 256);
  for (const m of msgs) {
    if (m.state === MsgState.AWAIT_PUBCOMP) out += encodeAck(PacketType.PUBREL, m.packetId);
    out += encodePublish(m.topic, m.payload, m.qos, m.retain, m.state !== MsgState.QUEUED, m.packetId) || '';
  }
  return out;
}

/** What restoreOutbox found: the next packet id and the messages, in order. */
export interface Restored {
  nextId: number;
  msgs: OutMessage[];
}

/**
 * Parses what serialiseOutbox wrote. Returns undefined for data too short to
 * hold the header; a corrupt tail is ignored (the messages before it are
 * kept). Restored messages have token 0: the client assigns new tokens.
 */
export function restoreOutbox(data: string): Restored | undefined {
  if (data.length < 2) return undefined;
  const id = data.charCodeAt(0) * 256 + data.charCodeAt(1);
  const framer = createFramer(MAX_PACKET);
  framer.push(data.substring(2));
  const msgs: OutMessage[] = [];
  let released = 0;
  let p = framer.next();
  while (p) {
    if (p.type === PacketType.PUBREL) released = p.packetId;
    if (p.type === PacketType.PUBLISH && p.qos > 0) {
      let state = p.dup ? (p.qos === 1 ? MsgState.AWAIT_PUBACK : MsgState.AWAIT_PUBREC) : MsgState.QUEUED;
      if (released === p.packetId) state = MsgState.AWAIT_PUBCOMP;
      const size = (encodePublish(p.topic, p.payload, p.qos, p.retain, false, p.packetId) || '').length;
      msgs.push({ token: 0, topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, packetId: p.packetId, state: state, size: size });
    }
    p = framer.next();
  }
  return { nextId: id > 0 ? id : 1, msgs: msgs };
}

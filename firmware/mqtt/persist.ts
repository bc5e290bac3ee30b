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
import { decodeFromBroker } from './decode';
import { encodeAck, encodePublish } from './encode';
import { Framer } from './framer';
import { MsgState, OutMessage, Outbox } from './outbox';
import { Limit, PacketType } from './packets';

/**
 * Encodes `nextId` and `msgs` (the outbox, in order) into one byte string.
 * Every message was validated by publish(), so each encodes.
 */
export function serialiseOutbox(nextId: number, msgs: OutMessage[]): string {
  let out = String.fromCharCode(Math.floor(nextId / 256), nextId % 256);
  for (const m of msgs) {
    if (m.state === MsgState.AWAIT_PUBCOMP) out += encodeAck(PacketType.PUBREL, m.packetId);
    out += encodePublish(m.topic, m.payload, m.qos, m.retain, m.state !== MsgState.QUEUED, m.packetId) as string;
  }
  return out;
}

/**
 * Parses what serialiseOutbox wrote: appends the messages, in order, to
 * `box` (adding their sizes to box.bytes) and returns the saved next packet
 * id. Data too short to hold the header restores nothing and returns
 * `nextId`; a corrupt tail is ignored (the messages before it are kept).
 * Restored messages have token 0: the client assigns new tokens.
 */
export function restoreOutbox(data: string, box: Outbox, nextId: number): number {
  if (data.length < 2) return nextId;
  const id = data.charCodeAt(0) * 256 + data.charCodeAt(1);
  // PUBLISH and PUBREL are both packets a client decodes.
  const framer = new Framer(Limit.MAX_REMAINING_LENGTH, decodeFromBroker);
  framer.push(data.substring(2));
  let released = 0;
  let p = framer.next();
  while (p) {
    if (p.type === PacketType.PUBREL) released = p.packetId;
    if (p.type === PacketType.PUBLISH && p.qos > 0) {
      let state = p.dup ? (p.qos === 1 ? MsgState.AWAIT_PUBACK : MsgState.AWAIT_PUBREC) : MsgState.QUEUED;
      if (released === p.packetId) state = MsgState.AWAIT_PUBCOMP;
      // What counts against maxBytes: the encoded size (the DUP bit does not change it).
      const size = (encodePublish(p.topic, p.payload, p.qos, p.retain, false, p.packetId) as string).length;
      box.msgs.push({ token: 0, topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, packetId: p.packetId, state: state, size: size });
      box.bytes += size;
    }
    p = framer.next();
  }
  return id > 0 ? id : 1;
}

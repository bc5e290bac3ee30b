/**
 * Incremental framer: turns received chunks (split anywhere) into decoded
 * packets. The fixed header is parsed byte by byte into numbers, so a bad
 * type or length is reported as soon as its byte arrives, before any body is
 * buffered; only the body of a packet that spans chunks is copied. The
 * decoder is injected: the client gives the client-side one (decode.ts).
 *
 * Oversized packets: a remaining length over maxPacketSize is the sticky
 * error PACKET_TOO_LARGE, except for a PUBLISH under the client's decoder
 * (decodeFromBroker). The broker re-sends such a message on every connection
 * (a retained message, or QoS 1/2 queued in a persistent session), so
 * closing on it would loop forever. It is skipped instead, without holding
 * its body: only its topic length (2 bytes, to step over the topic) and its
 * packet id (2 bytes) are kept, and next() yields it as a PUBLISH record
 * with an empty topic and payload (a real PUBLISH never has an empty topic
 * [MQTT-4.7.3-1]), so that the client can acknowledge it and count it.
 * decodePacket (tools, tests) keeps PACKET_TOO_LARGE for every type.
 */
import { decodeFromBroker, decodePacket } from './decode';
import { CodecError } from './errors';
import { Packet, PacketType, QoS } from './packets';

/** Multiplier of the 4th (last allowed) remaining-length byte [MQTT 2.2.3]. */
const enum Length {
  LAST_MULTIPLIER = 128 * 128 * 128,
}

/** Decodes one complete packet (see decode.ts): the packet or a CodecError code. */
export type Decoder = (this: void, firstByte: number, body: string) => Packet | CodecError;

export class Framer {
  /** Sticky: the first malformed-input code; next() yields nothing until reset(). */
  declare error: CodecError | undefined;
  /** Largest remaining length accepted. */
  private declare max_: number;
  private declare decode_: Decoder;
  /** The chunk being read, and the read offset in it. */
  private declare chunk_: string;
  private declare off_: number;
  /** Body bytes received so far of a packet that spans chunks. */
  private declare part_: string;
  /** Fixed-header byte 1 of the packet being read, or -1 before it arrives. */
  private declare first_: number;
  /**
   * Remaining length so far, and the multiplier of its next byte: 0 once
   * complete; negative while skipping an oversized PUBLISH, then -1 minus
   * the body bytes consumed so far (one field serves both: each costs heap).
   */
  private declare len_: number;
  private declare mul_: number;

  /**
   * A framer accepting packets whose remaining length is at most
   * `maxPacketSize`, decoding each with `decode`.
   */
  constructor(maxPacketSize: number, decode: Decoder) {
    // Fields are `declare`d and assigned here and in reset(): Espruino puts
    // class field initialisers on the prototype, shared by all instances.
    this.max_ = maxPacketSize;
    this.decode_ = decode;
    this.reset();
  }

  /** Drops all state, including a sticky error (for a new connection). */
  reset(): void {
    this.error = undefined;
    this.chunk_ = '';
    this.off_ = 0;
    this.part_ = '';
    this.first_ = -1;
    this.mul_ = 1;
  }

  /**
   * Hands over the next received byte-string chunk (any size, may be empty).
   * Call next() until it returns undefined before pushing more: a push while
   * bytes of the previous chunk are still unread is the sticky error
   * NOT_DRAINED (joining them would grow a copy without bound).
   */
  push(chunk: string): void {
    if (this.error !== undefined) return;
    if (this.off_ < this.chunk_.length) {
      this.reset();
      this.error = 'NOT_DRAINED';
      return;
    }
    this.chunk_ = chunk;
    this.off_ = 0;
  }

  /**
   * Bytes held in the partial-packet buffer: at most maxPacketSize (4 while
   * skipping an oversized PUBLISH). A pushed chunk is the host's string, read
   * in place: it is never copied whole, nor joined to another.
   */
  buffered(): number {
    return this.part_.length;
  }

  /**
   * The next complete decoded packet, in arrival order, or undefined when more
   * bytes are needed or `error` is set (check it after undefined).
   */
  next(): Packet | undefined {
    let err: CodecError | undefined;
    while (err === undefined && this.error === undefined) {
      const c = this.chunk_;
      const start = this.off_;
      const len = this.len_;
      if (this.mul_ < 0) {
        // Skipping an oversized PUBLISH (see the file comment). Of the body,
        // keep bytes 0-1 (topic length T) and, with QoS > 0, bytes T+2 and T+3
        // (packet id [MQTT 3.3.2]); step over everything else.
        const done = -1 - this.mul_;
        const kept = this.part_;
        const qos = Math.floor(this.first_ / 2) % 4;
        // The body offset of the next byte to keep, else its end.
        let want = len;
        if (qos > 0 && kept.length < 2) want = kept.length;
        else if (qos > 0 && kept.length < 4) want = kept.charCodeAt(0) * 256 + kept.charCodeAt(1) + kept.length;
        if (want > len) want = len;
        if (done === len) {
          const flags = this.first_ % 16;
          const id = kept.length === 4 ? kept.charCodeAt(2) * 256 + kept.charCodeAt(3) : 0;
          this.part_ = '';
          this.first_ = -1;
          this.mul_ = 1;
          if (qos > 0 && kept.length < 4) err = 'TRUNCATED';
          else if (qos > 0 && id === 0) err = 'ZERO_PACKET_ID';
          else return { type: PacketType.PUBLISH, dup: flags >= 8, qos: qos as QoS, retain: flags % 2 === 1, topic: '', packetId: id, payload: '' };
        } else if (start >= c.length) {
          break;
        } else if (done < want) {
          const n = Math.min(want - done, c.length - start);
          this.off_ += n;
          this.mul_ -= n;
        } else {
          this.part_ = kept + c.charAt(start);
          this.off_++;
          this.mul_--;
        }
      } else if (this.mul_ === 0) {
        // Header complete: collect the body, then decode it.
        const end = start + len - this.part_.length;
        if (end > c.length) {
          this.part_ += c.substring(start);
          break;
        }
        this.off_ = end;
        // A body wholly inside the chunk is one substring; otherwise join the part.
        const result = this.decode_(this.first_, this.part_ === '' ? c.substring(start, end) : this.part_ + c.substring(start, end));
        this.part_ = '';
        this.first_ = -1;
        this.mul_ = 1;
        if (typeof result !== 'string') return result;
        err = result;
      } else if (start >= c.length) {
        break;
      } else {
        const b = c.charCodeAt(this.off_++);
        if (this.first_ < 0) {
          // Types 0 and 15 are reserved [MQTT 2.2.1].
          if (b < 16 || b >= 240) err = 'UNKNOWN_TYPE';
          this.first_ = b;
          this.len_ = 0;
        } else {
          this.len_ += (b % 128) * this.mul_;
          // A continuation bit on the 4th byte asks for a 5th [MQTT 2.2.3].
          if (b >= 128 && this.mul_ === Length.LAST_MULTIPLIER) err = 'MALFORMED_LENGTH';
          this.mul_ = b < 128 ? 0 : this.mul_ * 128;
          if (b < 128 && this.len_ > this.max_) {
            // The client skips an oversized PUBLISH with valid flags (QoS 0..2,
            // DUP only with QoS > 0 [MQTT-3.3.1-2, MQTT-3.3.1-4]).
            const f = this.first_;
            const qos = Math.floor(f / 2) % 4;
            const skip = this.decode_ === decodeFromBroker && Math.floor(f / 16) === PacketType.PUBLISH && qos < 3 && (qos > 0 || f % 16 < 8);
            if (skip) this.mul_ = -1;
            else err = 'PACKET_TOO_LARGE';
          }
        }
      }
    }
    // Everything read: drop the consumed chunk. Malformed input: drop every
    // buffered byte too, and keep the code until reset() (sticky).
    this.chunk_ = '';
    this.off_ = 0;
    if (err !== undefined) {
      this.reset();
      this.error = err;
    }
    return undefined;
  }
}

/**
 * Creates a Framer that decodes all 14 packet types (decodePacket), for
 * hosts and tools; a factory for Lua hosts, which cannot `new` a class.
 */
export function createFramer(maxPacketSize: number): Framer {
  return new Framer(maxPacketSize, decodePacket);
}

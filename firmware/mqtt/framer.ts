/**
 * Incremental framer: turns received chunks (split anywhere) into decoded
 * packets. The fixed header is parsed byte by byte into numbers, so a bad
 * type or length is reported as soon as its byte arrives, before any body is
 * buffered; only the body of a packet that spans chunks is copied. The
 * decoder is injected: the client gives the client-side one (decode.ts).
 */
import { decodePacket } from './decode';
import { CodecError } from './errors';
import { Packet } from './packets';

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
  /** Remaining length so far, and the multiplier of its next byte (0 once complete). */
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
   * Call next() until it returns undefined before pushing more; bytes still
   * unread are kept in front of the new chunk all the same.
   */
  push(chunk: string): void {
    if (this.error !== undefined) return;
    this.chunk_ = this.off_ < this.chunk_.length ? this.chunk_.substring(this.off_) + chunk : chunk;
    this.off_ = 0;
  }

  /** Bytes held in the partial-packet buffer (at most maxPacketSize). */
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
      if (this.mul_ === 0) {
        // Header complete: collect the body, then decode it.
        const end = start + this.len_ - this.part_.length;
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
          if (b < 128 && this.len_ > this.max_) err = 'PACKET_TOO_LARGE';
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

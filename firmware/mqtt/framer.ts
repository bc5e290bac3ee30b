/**
 * Incremental framer: turns received chunks (split anywhere) into decoded
 * packets. The fixed header is parsed byte by byte into numbers, so a bad
 * type or length is reported as soon as its byte arrives, before any body is
 * buffered; only the body of a packet that spans chunks is copied.
 */
import { decodePacket } from './decode';
import { CodecError } from './errors';
import { Packet } from './packets';

/** Multiplier of the 4th (last allowed) remaining-length byte [MQTT 2.2.3]. */
const LAST_LENGTH_MULTIPLIER = 128 * 128 * 128;

export class Framer {
  /** Sticky: the first malformed-input code; next() yields nothing until reset(). */
  declare error: CodecError | undefined;
  /** Largest remaining length accepted. */
  private declare max: number;
  /** The chunk being read, and the read offset in it. */
  private declare chunk: string;
  private declare off: number;
  /** Body bytes received so far of a packet that spans chunks. */
  private declare part: string;
  /** Fixed-header byte 1 of the packet being read, or -1 before it arrives. */
  private declare first: number;
  /** Remaining length so far, and the multiplier of its next byte (0 once complete). */
  private declare len: number;
  private declare mul: number;

  /** A framer accepting packets whose remaining length is at most `maxPacketSize`. */
  constructor(maxPacketSize: number) {
    // Fields are `declare`d and assigned here and in reset(): Espruino puts
    // class field initialisers on the prototype, shared by all instances.
    this.max = maxPacketSize;
    this.reset();
  }

  /** Drops all state, including a sticky error (for a new connection). */
  reset(): void {
    this.error = undefined;
    this.chunk = '';
    this.off = 0;
    this.startPacket();
  }

  /** Prepares to read the fixed header of the next packet. */
  private startPacket(): void {
    this.part = '';
    this.first = -1;
    this.len = 0;
    this.mul = 1;
  }

  /**
   * Hands over the next received byte-string chunk (any size, may be empty).
   * Call next() until it returns undefined before pushing more; bytes still
   * unread are kept in front of the new chunk all the same.
   */
  push(chunk: string): void {
    if (this.error !== undefined) return;
    this.chunk = this.off < this.chunk.length ? this.chunk.substring(this.off) + chunk : chunk;
    this.off = 0;
  }

  /** Bytes held in the partial-packet buffer (at most maxPacketSize). */
  buffered(): number {
    return this.part.length;
  }

  /**
   * The next complete decoded packet, in arrival order, or undefined when more
   * bytes are needed or `error` is set (check it after undefined).
   */
  next(): Packet | undefined {
    while (this.error === undefined) {
      if (this.mul === 0) return this.body();
      if (this.off >= this.chunk.length) {
        this.chunk = '';
        this.off = 0;
        return undefined;
      }
      const b = this.chunk.charCodeAt(this.off++);
      if (this.first < 0) {
        // Types 0 and 15 are reserved [MQTT 2.2.1].
        if (b < 16 || b >= 240) return this.fail('UNKNOWN_TYPE');
        this.first = b;
      } else {
        this.len += (b % 128) * this.mul;
        if (b < 128) {
          this.mul = 0;
          if (this.len > this.max) return this.fail('PACKET_TOO_LARGE');
        } else if (this.mul === LAST_LENGTH_MULTIPLIER) {
          // A continuation bit on the 4th byte asks for a 5th [MQTT 2.2.3].
          return this.fail('MALFORMED_LENGTH');
        } else {
          this.mul *= 128;
        }
      }
    }
    return undefined;
  }

  /** Collects the body once the header is complete, then decodes it. */
  private body(): Packet | undefined {
    const c = this.chunk;
    const start = this.off;
    const end = start + this.len - this.part.length;
    if (end > c.length) {
      this.part += c.substring(start);
      this.chunk = '';
      this.off = 0;
      return undefined;
    }
    this.off = end;
    // A body wholly inside the chunk is one substring; otherwise join the part.
    const body = this.part === '' ? c.substring(start, end) : this.part + c.substring(start, end);
    const result = decodePacket(this.first, body);
    this.startPacket();
    return typeof result === 'string' ? this.fail(result) : result;
  }

  /** Records a sticky error and drops buffered bytes. */
  private fail(code: CodecError): undefined {
    this.reset();
    this.error = code;
    return undefined;
  }
}

/** Creates a Framer (a factory for Lua hosts, which cannot `new` a class). */
export function createFramer(maxPacketSize: number): Framer {
  return new Framer(maxPacketSize);
}

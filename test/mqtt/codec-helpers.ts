/** Shared helpers for the codec, framer and error tests (not a test file). */
import { CodecError } from '../../firmware/mqtt/errors';
import { decodePacket } from '../../firmware/mqtt/decode';
import { Framer } from '../../firmware/mqtt/framer';
import { Packet } from '../../firmware/mqtt/packets';

/** Byte string from byte values. */
export function fromBytes(bytes: number[]): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Byte values of a byte string. */
export function toBytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

/** What a framer produced for a sequence of chunks. */
export interface FeedResult {
  packets: Packet[];
  error: CodecError | undefined;
  /** Largest buffered() value seen after any push or next(). */
  maxBuffered: number;
}

/** Pushes each chunk into a new framer, draining next() after each push. */
export function feed(maxPacketSize: number, chunks: string[]): FeedResult {
  const framer = new Framer(maxPacketSize, decodePacket);
  const packets: Packet[] = [];
  let maxBuffered = 0;
  for (const chunk of chunks) {
    framer.push(chunk);
    maxBuffered = Math.max(maxBuffered, framer.buffered());
    for (let p = framer.next(); p !== undefined; p = framer.next()) {
      packets.push(p);
      maxBuffered = Math.max(maxBuffered, framer.buffered());
    }
    maxBuffered = Math.max(maxBuffered, framer.buffered());
  }
  return { packets, error: framer.error, maxBuffered };
}

/** The byte string cut into one-byte chunks. */
export function byteByByte(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charAt(i));
  return out;
}

/** Splits `s` at every point 0..length: [s[0..i), s[i..)] for each i. */
export function everySplit(s: string): string[][] {
  const out: string[][] = [];
  for (let i = 0; i <= s.length; i++) out.push([s.substring(0, i), s.substring(i)]);
  return out;
}

/** Fixed-header byte 1 and body of a complete packet (remaining length skipped). */
export function splitPacket(bytes: number[]): { firstByte: number; body: string } {
  let i = 1;
  while (bytes[i] >= 128) i++;
  return { firstByte: bytes[0], body: fromBytes(bytes.slice(i + 1)) };
}

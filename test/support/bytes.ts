/**
 * Conversions between Node Buffers and the codec's "byte strings" (one char
 * per byte, 0..255). latin1 is the only Node encoding that maps every byte to
 * exactly one char and back, so it is used in both directions.
 */

/** Buffer (or any byte array) -> byte string. */
export function toByteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Byte string -> Buffer. Throws if a char is above 0xFF (not a byte string). */
export function fromByteString(s: string): Buffer {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      throw new Error('not a byte string: char ' + s.charCodeAt(i) + ' at ' + i);
    }
  }
  return Buffer.from(s, 'latin1');
}

/** Byte string -> lower-case hex, for failure messages. */
export function hex(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

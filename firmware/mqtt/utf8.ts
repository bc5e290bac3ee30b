/**
 * UTF-8 for MQTT strings [MQTT 1.5.3]. Byte strings carry one byte per char;
 * JS strings carry UTF-16 code units. Arithmetic only (no bitwise operators):
 * a code point splits into 6-bit groups with Math.floor(c / 64) and c % 64.
 *
 * On hosts whose strings hold only bytes (Lua; Espruino on ESP32/ESP8266) a
 * char above 255 cannot exist (Lua's string.char throws, Espruino truncates),
 * and text there must already be UTF-8: encodeUtf8 only validates it (so a
 * Latin-1 "caf\xE9" is refused, not sent) and decodeUtf8 only validates.
 */

/**
 * True where a string char can hold a UTF-16 code unit (Node, JerryScript,
 * Espruino for Linux); false on byte-string hosts, where fromCharCode above
 * 255 truncates (Espruino on ESP) or throws (Lua's string.char). Probed at
 * run time: the code is computed (Math.pow) because esbuild folds
 * String.fromCharCode of a literal to the build machine's answer. Exported
 * for the encoder's byte-string checks (encode.ts), which only wide hosts need.
 */
export let WIDE = false;
try {
  WIDE = String.fromCharCode(Math.pow(2, 8)).charCodeAt(0) === 0x100;
} catch {
  // Lua: a byte-string host.
}

/**
 * Encodes a JS string (UTF-16 code units) as a UTF-8 byte string; a
 * surrogate pair becomes one 4-byte sequence. Undefined when `s` is not a
 * well-formed MQTT string: U+0000 [MQTT-1.5.3-2], a lone surrogate
 * [MQTT-1.5.3-1], or on byte-string hosts ill-formed UTF-8. Returns
 * `s` itself when every char is ASCII (no copy on the common path), and on
 * byte-string hosts (see above).
 */
export function encodeUtf8(s: string): string | undefined {
  // A byte-string host: decodeUtf8 returns its input when well-formed.
  if (!WIDE) return decodeUtf8(s);
  const n = s.length;
  let i = 0;
  let c = 0;
  while (i < n && (c = s.charCodeAt(i)) > 0 && c < 0x80) i++;
  if (i === n) return s;
  let out = s.substring(0, i);
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c === 0) return undefined;
    if (c >= 0xd800 && c < 0xe000) {
      // Only a high surrogate followed by a low one is a code point.
      const low = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (!(c < 0xdc00 && low >= 0xdc00 && low < 0xe000)) return undefined;
      c = 0x10000 + (c - 0xd800) * 1024 + (low - 0xdc00);
      i++;
    }
    // Continuation bytes needed for code point c.
    let k = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
    let scale = Math.pow(64, k);
    // Lead byte marker 0xC0, 0xE0 or 0xF0 for k continuation bytes [RFC 3629
    // section 3], computed rather than a table, which would live in the heap.
    out += String.fromCharCode((k > 0 ? 256 - Math.pow(2, 7 - k) : 0) + Math.floor(c / scale));
    while (k-- > 0) {
      c = c % scale;
      scale = scale / 64;
      out += String.fromCharCode(0x80 + Math.floor(c / scale));
    }
  }
  return out;
}

/**
 * Decodes a UTF-8 byte string to a JS string (code points above U+FFFF become
 * surrogate pairs). Returns undefined when the bytes are ill-formed (overlong
 * form, surrogate code point, above U+10FFFF, truncated sequence, bad
 * continuation byte) [MQTT-1.5.3-1] or contain U+0000 [MQTT-1.5.3-2].
 * Returns `bytes` itself when it is all ASCII, and on byte-string hosts.
 */
export function decodeUtf8(bytes: string): string | undefined {
  const n = bytes.length;
  let i = 0;
  let c = 0;
  while (i < n && (c = bytes.charCodeAt(i)) > 0 && c < 0x80) i++;
  if (i === n) return bytes;
  // Byte-string hosts return `bytes` itself: nothing to copy there.
  let out = WIDE ? bytes.substring(0, i) : '';
  while (i < n) {
    c = bytes.charCodeAt(i++);
    if (c === 0) return undefined;
    if (c >= 0x80) {
      // k continuation bytes follow, by the lead byte's range. A stray
      // continuation byte (k = 0), an overlong form (C0, C1, E0 80.., F0 80..)
      // or a lead byte F5..FF all give a value that fails the checks below.
      const k = c < 0xc0 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
      c -= k > 0 ? 256 - Math.pow(2, 7 - k) : 0; // the lead byte marker, as above
      for (let j = 0; j < k; j++) {
        // Past the end charCodeAt gives NaN, which fails this range test too.
        const b = bytes.charCodeAt(i++);
        if (!(b >= 0x80 && b < 0xc0)) return undefined;
        c = c * 64 + (b - 0x80);
      }
      // Overlong (fewer continuation bytes would do), above U+10FFFF, or a surrogate.
      const shortest = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
      if (shortest !== k || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) return undefined;
    }
    if (!WIDE) continue;
    if (c >= 0x10000) {
      // A surrogate pair: high then low 10 bits of c - 0x10000.
      c -= 0x10000;
      out += String.fromCharCode(0xd800 + Math.floor(c / 1024));
      c = 0xdc00 + (c % 1024);
    }
    out += String.fromCharCode(c);
  }
  return WIDE ? out : bytes;
}

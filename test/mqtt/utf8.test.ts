/** UTF-8 tables: boundaries, surrogates, ill-formed sequences, U+0000 [MQTT 1.5.3]. */
import { decodeUtf8, encodeUtf8 } from '../../firmware/mqtt/utf8';
import { fromBytes, toBytes } from './codec-helpers';

/** [JS string, UTF-8 bytes]: well-formed both ways. */
const WELL_FORMED: [string, string, number[]][] = [
  ['empty', '', []],
  ['ASCII', 'a/b', [0x61, 0x2f, 0x62]],
  ['U+007F', '\u007f', [0x7f]],
  ['U+0080', '\u0080', [0xc2, 0x80]],
  ['U+00E9', '\u00e9', [0xc3, 0xa9]],
  ['U+07FF', '\u07ff', [0xdf, 0xbf]],
  ['U+0800', '\u0800', [0xe0, 0xa0, 0x80]],
  ['U+20AC', '\u20ac', [0xe2, 0x82, 0xac]],
  ['U+D7FF', '\ud7ff', [0xed, 0x9f, 0xbf]],
  ['U+E000', '\ue000', [0xee, 0x80, 0x80]],
  ['U+FEFF (kept, not stripped) [MQTT-1.5.3-3]', '\ufeff', [0xef, 0xbb, 0xbf]],
  ['U+FFFF', '\uffff', [0xef, 0xbf, 0xbf]],
  ['U+10000', '\ud800\udc00', [0xf0, 0x90, 0x80, 0x80]],
  ['U+1F600', '\ud83d\ude00', [0xf0, 0x9f, 0x98, 0x80]],
  ['U+10FFFF', '\udbff\udfff', [0xf4, 0x8f, 0xbf, 0xbf]],
  ['mixed', 'a\u00e9\u20ac\ud83d\ude00z', [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0x7a]],
];

describe.each(WELL_FORMED)('%s', (_name, text, bytes) => {
  test('encodes', () => expect(toBytes(encodeUtf8(text) as string)).toEqual(bytes));
  test('decodes', () => expect(decodeUtf8(fromBytes(bytes))).toBe(text));
});

test('ASCII is returned as is', () => {
  const s = 'sensors/kitchen/temp';
  expect(encodeUtf8(s)).toBe(s);
  expect(decodeUtf8(s)).toBe(s);
});

test('lone surrogates are refused, not replaced [MQTT-1.5.3-1]', () => {
  for (const s of ['a\ud800b', '\udc00', 'x\ud83d', '\ude00\ud83d', '\ud83d\ud83d\ude00']) expect(encodeUtf8(s)).toBeUndefined();
});

test('U+0000 is refused anywhere [MQTT-1.5.3-2]', () => {
  for (const s of ['\u0000', 'a\u0000', '\u00e9\u0000', '\u0000\u20ac']) expect(encodeUtf8(s)).toBeUndefined();
});

describe('on a byte-string host (Espruino on ESP, Lua)', () => {
  // utf8.ts probes String.fromCharCode once when loaded: load a fresh copy
  // with an 8-bit fromCharCode, as Espruino on ESP32/ESP8266 has.
  let narrow: typeof import('../../firmware/mqtt/utf8');
  beforeAll(() => {
    const wide = String.fromCharCode;
    String.fromCharCode = (...codes: number[]): string => wide(...codes.map((c) => c % 256));
    try {
      jest.isolateModules(() => {
        narrow = require('../../firmware/mqtt/utf8');
      });
    } finally {
      String.fromCharCode = wide;
    }
  });

  test('well-formed UTF-8 bytes pass through unchanged', () => {
    for (const [, , bytes] of WELL_FORMED) expect(narrow.encodeUtf8(fromBytes(bytes))).toBe(fromBytes(bytes));
  });

  test('Latin-1 or other ill-formed bytes are refused, not sent as they are', () => {
    expect(narrow.encodeUtf8('caf\u00e9')).toBeUndefined(); // "caf\xE9": Latin-1, not UTF-8
    for (const [, bytes] of ILL_FORMED) expect(narrow.encodeUtf8(fromBytes(bytes))).toBeUndefined();
  });

  test('decodeUtf8 validates and returns the bytes themselves', () => {
    expect(narrow.decodeUtf8('caf\u00c3\u00a9')).toBe('caf\u00c3\u00a9');
    expect(narrow.decodeUtf8('caf\u00e9')).toBeUndefined();
  });
});

test('encodeUtf8 agrees with Node for every BMP code point and some astral ones', () => {
  let s = '';
  for (let c = 1; c < 0x10000; c++) if (c < 0xd800 || c >= 0xe000) s += String.fromCharCode(c);
  s += '\ud800\udc00\udbff\udfff\ud83d\ude00';
  expect(encodeUtf8(s)).toBe(Buffer.from(s, 'utf8').toString('latin1'));
  expect(decodeUtf8(encodeUtf8(s) as string)).toBe(s);
});

/** Ill-formed UTF-8 or U+0000: decodeUtf8 must give undefined. */
const ILL_FORMED: [string, number[]][] = [
  ['U+0000 [MQTT-1.5.3-2]', [0x00]],
  ['U+0000 after ASCII', [0x61, 0x00]],
  ['U+0000 after non-ASCII', [0xc3, 0xa9, 0x00]],
  ['overlong U+0000 (C0 80)', [0xc0, 0x80]],
  ['overlong 2-byte (C1 BF)', [0xc1, 0xbf]],
  ['overlong 3-byte (E0 9F BF)', [0xe0, 0x9f, 0xbf]],
  ['overlong 4-byte (F0 8F BF BF)', [0xf0, 0x8f, 0xbf, 0xbf]],
  ['surrogate U+D800 (ED A0 80)', [0xed, 0xa0, 0x80]],
  ['surrogate U+DFFF (ED BF BF)', [0xed, 0xbf, 0xbf]],
  ['CESU-8 pair for U+10000', [0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80]],
  ['U+110000 (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['lead byte F5', [0xf5, 0x80, 0x80, 0x80]],
  ['lead byte FF', [0xff]],
  ['lead byte FE', [0xfe]],
  ['lone continuation', [0x80]],
  ['continuation after ASCII', [0x61, 0xbf]],
  ['truncated 2-byte', [0xc3]],
  ['truncated 3-byte', [0xe2, 0x82]],
  ['truncated 4-byte', [0xf0, 0x9f, 0x98]],
  ['bad continuation (ASCII)', [0xe2, 0x41, 0xac]],
  ['bad continuation (lead byte)', [0xc3, 0xc3, 0xa9]],
];

describe.each(ILL_FORMED)('%s', (_name, bytes) => {
  test('is refused', () => expect(decodeUtf8(fromBytes(bytes))).toBeUndefined());
});

test('decodeUtf8 agrees with a strict decoder on every 1- and 2-byte input', () => {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let checked = 0;
  const mismatches: number[][] = [];
  for (let a = 0; a < 256; a++) {
    for (let b = -1; b < 256; b++) {
      const bytes = b < 0 ? [a] : [a, b];
      let expected: string | undefined;
      try {
        expected = strict.decode(Uint8Array.from(bytes));
      } catch {
        expected = undefined;
      }
      if (expected !== undefined && expected.indexOf('\u0000') >= 0) expected = undefined;
      if (decodeUtf8(fromBytes(bytes)) !== expected) mismatches.push(bytes);
      checked++;
    }
  }
  expect(checked).toBe(256 * 257);
  expect(mismatches).toEqual([]);
});

test('decodeUtf8 agrees with a strict decoder on 3-byte sequences around the continuation range', () => {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let mismatches = 0;
  for (let a = 0xe0; a < 0xf0; a++) {
    // Second and third bytes from 0x7E to 0xC1: both edges of 80..BF.
    for (let b = 0x7e; b < 0xc2; b++) {
      for (let c = 0x7e; c < 0xc2; c++) {
        let expected: string | undefined;
        try {
          expected = strict.decode(Uint8Array.from([a, b, c]));
        } catch {
          expected = undefined;
        }
        if (decodeUtf8(fromBytes([a, b, c])) !== expected) mismatches++;
      }
    }
  }
  expect(mismatches).toBe(0);
});

test('decodeUtf8 agrees with a strict decoder on 4-byte sequences for every lead F0..FF', () => {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const mismatches: number[][] = [];
  for (let a = 0xf0; a < 0x100; a++) {
    for (let b = 0x7e; b < 0xc2; b++) {
      for (const c of [0x7f, 0x80, 0xbf, 0xc0]) {
        for (const d of [0x80, 0xbf, 0xc0]) {
          let expected: string | undefined;
          try {
            expected = strict.decode(Uint8Array.from([a, b, c, d]));
          } catch {
            expected = undefined;
          }
          if (decodeUtf8(fromBytes([a, b, c, d])) !== expected) mismatches.push([a, b, c, d]);
        }
      }
    }
  }
  expect(mismatches).toEqual([]);
});

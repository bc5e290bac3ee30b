/**
 * Turns the codec fixture tables (test/fixtures/packets.ts) into a Lua chunk
 * that `dofile` returns as `{ errorMaxPacketSize = n, fixtures = {...},
 * errorFixtures = {...} }`, for
 * test/lua/driver.lua.
 *
 * Lua strings are byte strings, so every string is written byte by byte:
 * printable ASCII as itself, every other byte (and `"`, `\`) as a "\ddd"
 * decimal escape, always three digits so that a following digit cannot
 * extend it. Byte-string fields (`payload`, `password`) are written
 * as their chars 0..255; every other string (topic, client id, user name) is
 * written as its UTF-8 bytes, which is what a Lua host passes to the core.
 */

/** Fields that the packet contract (packets.ts) defines as byte strings. */
const BYTE_STRING_KEYS = ['payload', 'password'];

/** A Lua string literal holding exactly `bytes`. */
export function luaBytes(bytes: ArrayLike<number>): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (!Number.isInteger(b) || b < 0 || b > 255) throw new Error('not a byte: ' + b);
    const printable = b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c;
    out += printable ? String.fromCharCode(b) : '\\' + String(b).padStart(3, '0');
  }
  return out + '"';
}

/** Chars of a byte string as numbers (luaBytes rejects any above 255). */
function byteStringBytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

/** A Lua expression for a fixture value; `key` decides how strings are encoded. */
export function luaValue(value: unknown, key: string): string {
  if (typeof value === 'string') {
    return BYTE_STRING_KEYS.indexOf(key) >= 0
      ? luaBytes(byteStringBytes(value))
      : luaBytes(Buffer.from(value, 'utf8'));
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(key + ': not a finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return '{' + value.map((v) => luaValue(v, key)).join(', ') + '}';
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => '[' + luaBytes(Buffer.from(k, 'utf8')) + '] = ' + luaValue((value as Record<string, unknown>)[k], k));
    return '{' + fields.join(', ') + '}';
  }
  throw new Error(key + ': cannot express ' + String(value) + ' in Lua');
}

/** Fixtures up to this many bytes are split at every byte. */
const EXHAUSTIVE_SPLIT_MAX = 256;

/**
 * Where the driver splits a packet of `n` bytes in two (1..n-1). Every point
 * for short packets; for long ones (the 16 KB remaining-length fixtures) the
 * first and last 32 and 64 spread between: the split position inside a long
 * payload exercises no other code, and fengari is slow at O(n^2) copying.
 */
export function splitPoints(n: number): number[] {
  const points: number[] = [];
  if (n <= EXHAUSTIVE_SPLIT_MAX) {
    for (let k = 1; k < n; k++) points.push(k);
    return points;
  }
  for (let k = 1; k <= 32; k++) points.push(k);
  for (let i = 1; i <= 64; i++) points.push(32 + Math.floor(((n - 64) * i) / 65));
  for (let k = n - 32; k < n; k++) points.push(k);
  return points;
}

/**
 * A whole Lua chunk returning both fixture tables and
 * `errorMaxPacketSize`, the framer limit for error fixtures that set none.
 */
export function fixturesToLua(
  fixtures: ReadonlyArray<{ name: string; bytes: number[]; packet: unknown }>,
  errorFixtures: ReadonlyArray<{ name: string; bytes: number[]; maxPacketSize?: number; error: string }>,
  errorMaxPacketSize: number,
): string {
  const ok = fixtures.map(
    (f) => '  {name = ' + luaValue(f.name, 'name') + ', bytes = ' + luaBytes(f.bytes) +
      ', splits = ' + luaValue(splitPoints(f.bytes.length), 'splits') + ', packet = ' + luaValue(f.packet, 'packet') + '}',
  );
  const bad = errorFixtures.map(
    (f) => '  {name = ' + luaValue(f.name, 'name') + ', bytes = ' + luaBytes(f.bytes) +
      (f.maxPacketSize === undefined ? '' : ', maxPacketSize = ' + luaValue(f.maxPacketSize, 'maxPacketSize')) +
      ', error = ' + luaValue(f.error, 'error') + '}',
  );
  return 'return {\nerrorMaxPacketSize = ' + luaValue(errorMaxPacketSize, 'errorMaxPacketSize') + ',\nfixtures = {\n' + ok.join(',\n') + '\n},\nerrorFixtures = {\n' + bad.join(',\n') + '\n}\n}\n';
}

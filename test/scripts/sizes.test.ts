/** The build's size table (scripts/lib/sizes.js): what it measures and how it prints. */
import * as path from 'path';
import * as zlib from 'zlib';

interface Row { name: string; bytes: number; gzipBytes: number }
const { measure, formatSizeTable } = require(path.join(__dirname, '..', '..', 'scripts', 'lib', 'sizes.js')) as {
  measure(name: string, code: string): Row;
  formatSizeTable(rows: Row[]): string;
};

test('measure counts the bytes written (UTF-8) and gzip -9 bytes of the same', () => {
  const code = 'var a="x";'.repeat(200);
  const row = measure('dist/a.js', code);
  expect(row).toEqual({ name: 'dist/a.js', bytes: 2000, gzipBytes: zlib.gzipSync(Buffer.from(code), { level: 9 }).length });
  // Repetitive code compresses well, and gzip is never counted as raw bytes.
  expect(row.gzipBytes).toBeLessThan(100);
  // A non-ASCII char would be written as 2 bytes (bundles are ASCII, but the count must be honest).
  expect(measure('b', '\u00e9').bytes).toBe(2);
  expect(measure('empty', '').bytes).toBe(0);
});

test('formatSizeTable aligns names left and numbers right, header first', () => {
  const table = formatSizeTable([
    { name: 'dist/mqtt.js', bytes: 15032, gzipBytes: 5871 },
    { name: 'dist/mqtt-codec.js', bytes: 8713, gzipBytes: 379 },
  ]);
  expect(table.split('\n')).toEqual([
    'bundle              bytes  gzip',
    'dist/mqtt.js        15032  5871',
    'dist/mqtt-codec.js   8713   379',
  ]);
});

test('formatSizeTable with no rows is the header alone', () => {
  expect(formatSizeTable([])).toBe('bundle  bytes  gzip');
});

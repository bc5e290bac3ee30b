/*
 * Bundle size table printed by the build: raw bytes and gzip -9 bytes (the
 * latter approximates flash/transfer cost; heap cost must be measured in
 * blocks on a device, PLATFORMS.md section 2).
 */
'use strict';

const zlib = require('zlib');

/** Sizes of one bundle: { name, bytes, gzipBytes }. */
function measure(name, code) {
  const buffer = Buffer.from(code, 'utf8');
  return { name: name, bytes: buffer.length, gzipBytes: zlib.gzipSync(buffer, { level: 9 }).length };
}

/** Aligned text table; the first row is the header, the first column left-aligned, the rest right-aligned. */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max.apply(null, rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '))
    .join('\n');
}

/** Render rows from measure() as an aligned text table. */
function formatSizeTable(rows) {
  return table([['bundle', 'bytes', 'gzip']].concat(rows.map((r) => [r.name, r.bytes, r.gzipBytes])));
}

module.exports = { measure, formatSizeTable, table };

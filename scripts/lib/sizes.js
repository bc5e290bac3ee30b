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

/** Render rows from measure() as an aligned text table. */
function formatSizeTable(rows) {
  const lines = [['bundle', 'bytes', 'gzip']].concat(rows.map((r) => [r.name, String(r.bytes), String(r.gzipBytes)]));
  const widths = [0, 1, 2].map((c) => Math.max.apply(null, lines.map((l) => l[c].length)));
  return lines.map((l) => l[0].padEnd(widths[0]) + '  ' + l[1].padStart(widths[1]) + '  ' + l[2].padStart(widths[2])).join('\n');
}

module.exports = { measure, formatSizeTable };

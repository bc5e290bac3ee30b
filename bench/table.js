'use strict';
/** Plain-text tables for the bench reports. */

/** Aligned text table; the first row is the header, numbers right-aligned. */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max.apply(null, rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '))
    .join('\n');
}

module.exports = { table };

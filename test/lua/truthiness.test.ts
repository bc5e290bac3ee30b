/**
 * scripts/build-lua.js truthinessHazards: in Lua only nil and false are
 * false, so a core condition on a number or string (`o.n || 10`, `!packet`)
 * behaves differently once compiled by tstl, without any diagnostic. The
 * build fails on any such condition; these tests pin the detector on a sample
 * and keep firmware/mqtt at zero.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { build } from './lua-run';

/** A TypeScript program over a whole directory: seconds on a busy machine. */
const SLOW_TIMEOUT_MS = 60000;

const SAMPLE = [
  'export function f(o: { n?: number; s?: string; b?: boolean }, packet: string | undefined): number {',
  '  const a = o.n || 10;',
  '  if (!packet) return 0;',
  '  if (o.b && o.s) return 1;',
  '  const c = o.n === undefined ? 10 : o.n;',
  '  if (packet === undefined || o.b) return 2;',
  '  return a + c + (o.b ? 1 : 0);',
  '}',
  '',
].join('\n');

test('flags number/string conditions (value ||, !, both operands of && in an if) and nothing else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lua-truthiness-'));
  try {
    writeFileSync(join(dir, 'sample.ts'), SAMPLE);
    const lines = build.truthinessHazards(dir).map((h) => h.replace(/^.*sample\.ts:/, ''));
    expect(lines.sort()).toEqual([
      '2: o.n (number | undefined)',
      '3: packet (string | undefined)',
      '4: o.s (string | undefined)',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, SLOW_TIMEOUT_MS);

test('firmware/mqtt has no condition whose truth differs between JS and Lua', () => {
  expect(build.truthinessHazards()).toEqual([]);
}, SLOW_TIMEOUT_MS);

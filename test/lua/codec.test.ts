/**
 * The Lua (NodeMCU) build of the portable MQTT core: tstl must compile every
 * core file without a diagnostic, the bundle must use only Lua's standard
 * globals, and it must pass the codec fixture tables on fengari (in-process,
 * Lua 5.3 semantics) and on the lua5.1 / lua5.3 interpreters (skipped when
 * absent, required when CI is set).
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { errorFixtureMaxPacketSize, errorFixtures, fixtures } from '../fixtures/packets';
import { fixturesToLua, splitPoints } from './lua-fixtures';
import {
  build, failLines, LUA_BINARIES, LuaRun, requireBinary, runOnBinary, runOnFengari, summary, useLuaBundle,
} from './lua-run';

const DRIVER = join(__dirname, 'driver.lua');

/** tstl builds a whole TypeScript program and fengari is slow: seconds, more on a busy machine. */
const SLOW_TIMEOUT_MS = 120000;

const core = useLuaBundle('lua-codec-', SLOW_TIMEOUT_MS);
let fixtureFile: string;

beforeAll(() => {
  fixtureFile = join(core.dir, 'fixtures.lua');
  writeFileSync(fixtureFile, fixturesToLua(fixtures, errorFixtures, errorFixtureMaxPacketSize), 'latin1');
});

/**
 * Checks the driver makes: per fixture encode, whole, each split, bytewise;
 * per error fixture whole, split at each of its n + 1 points, bytewise, after
 * a PINGRESP, and its message.
 */
function expectedChecks(): number {
  let n = 0;
  for (const f of fixtures) n += 3 + splitPoints(f.bytes.length).length;
  for (const f of errorFixtures) n += f.bytes.length + 5;
  return n;
}

/** Asserts a driver run passed every check on every fixture. */
function expectAllPassed(run: LuaRun): void {
  expect(run.error).toBeUndefined();
  expect(failLines(run)).toEqual([]);
  const s = summary(run);
  expect(Number(s.fixtures)).toBe(fixtures.length);
  expect(Number(s.errorFixtures)).toBe(errorFixtures.length);
  expect(Number(s.checks)).toBe(expectedChecks());
  expect(s.failures).toBe('0');
}

test('every firmware/mqtt file compiles to Lua 5.1 with zero tstl diagnostics', () => {
  expect(build.formatDiagnostics(build.checkCoreFiles())).toBe('');
}, SLOW_TIMEOUT_MS);

test('the bundle is pure ASCII', () => {
  const lua = readFileSync(core.bundle, 'utf8');
  const offsets = build.nonAsciiOffsets(lua);
  // Show where: tstl copies non-ASCII string literals into the Lua source as UTF-8.
  expect(offsets.slice(0, 3).map((o) => Buffer.from(lua).subarray(Math.max(0, o - 40), o + 8).toString())).toEqual([]);
});

test('the bundle pulls in no forbidden tstl runtime feature (Map, Error, generators...)', () => {
  const features = build.lualibFeatures(readFileSync(core.bundle, 'utf8'));
  expect(features).toContain('__TS__StringCharCodeAt');
  expect(features.filter((f) => build.FORBIDDEN_LUALIB.test(f))).toEqual([]);
});

test('the runtime-feature check recognises Map and generators', () => {
  const lua = '["lualib_bundle"] = function(...)\nreturn {\n  Map = Map,\n  __TS__Generator = __TS__Generator,\n' +
    '  __TS__New = __TS__New\n}\n end,\n';
  expect(build.lualibFeatures(lua).filter((f) => build.FORBIDDEN_LUALIB.test(f))).toEqual(['Map', '__TS__Generator']);
});

test('the bundle reads only Lua standard globals and writes none', () => {
  const access = build.globalAccesses(core.bundle);
  if (access === null) {
    requireBinary('luac5.1');
    return;
  }
  expect(access.reads.filter((g) => build.LUA_GLOBALS.indexOf(g) < 0)).toEqual([]);
  expect(access.writes).toEqual([]);
  expect(access.reads).toContain('string');
});

test('the global check catches a JS built-in left untranslated', () => {
  const probe = join(core.dir, 'probe.lua');
  writeFileSync(probe, 'local chr = String.fromCharCode\nleaked = chr\n');
  const access = build.globalAccesses(probe);
  if (access === null) {
    requireBinary('luac5.1');
    return;
  }
  expect(access.reads).toEqual(['String']);
  expect(access.writes).toEqual(['leaked']);
});

test('fixture tables pass on fengari', () => {
  expectAllPassed(runOnFengari(DRIVER, [core.bundle, fixtureFile]));
}, SLOW_TIMEOUT_MS);

test.each(LUA_BINARIES)('fixture tables pass on %s', (binary) => {
  if (!requireBinary(binary)) return;
  const run = runOnBinary(binary, DRIVER, [core.bundle, fixtureFile]);
  expectAllPassed(run);
  expect(summary(run).version).toBe('Lua_' + binary.slice(3));
});

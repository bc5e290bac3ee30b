/**
 * The NodeMCU adapter (nodemcu/mqtt_nodemcu.lua) with the real core, on fake
 * `net`/`tmr` modules scripted by test/lua/nodemcu_mock.lua: CONNECT on
 * connection, sends chained from the "sent" callback, CONNACK and PUBACK
 * reassembled across receive callbacks, PINGREQ across a tmr.now() wrap,
 * reconnection with backoff after a lost link or a protocol error, and a
 * clean stop that lets DISCONNECT leave before closing.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  buildBundleInto, failLines, LUA_BINARIES, LuaRun, requireBinary, runOnBinary, runOnFengari, summary,
} from './lua-run';

const MOCK = join(__dirname, 'nodemcu_mock.lua');
const ADAPTER = join(__dirname, '..', '..', 'nodemcu', 'mqtt_nodemcu.lua');
const EXAMPLE = join(__dirname, '..', '..', 'nodemcu', 'telemetry_example.lua');
/** Checks nodemcu_mock.lua makes when no send() is issued out of turn. */
const MOCK_CHECKS = 26;

/** tstl builds a whole TypeScript program and fengari is slow: seconds, more on a busy machine. */
const SLOW_TIMEOUT_MS = 120000;

let tmp: string;
let bundle: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lua-nodemcu-'));
  bundle = buildBundleInto(tmp);
}, SLOW_TIMEOUT_MS);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function expectAllPassed(run: LuaRun): void {
  expect(run.error).toBeUndefined();
  expect(failLines(run)).toEqual([]);
  expect(summary(run)).toMatchObject({ checks: String(MOCK_CHECKS), failures: '0' });
}

test('adapter scenario passes on fengari', () => {
  expectAllPassed(runOnFengari(MOCK, [bundle, ADAPTER]));
});

test.each(LUA_BINARIES)('adapter scenario passes on %s', (binary) => {
  if (!requireBinary(binary)) return;
  expectAllPassed(runOnBinary(binary, MOCK, [bundle, ADAPTER]));
});

test('the telemetry example is valid Lua 5.1', () => {
  if (!requireBinary('luac5.1')) return;
  const run = spawnSync('luac5.1', ['-p', EXAMPLE], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

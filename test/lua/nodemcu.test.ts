/**
 * The NodeMCU adapter (nodemcu/mqtt_nodemcu.lua) with the real core, on fake
 * `net`/`tmr`/`node` modules (test/lua/nodemcu_fakes.lua) that hold it to the
 * firmware's rules (tmr interval range, send only after "sent", "not
 * connected" errors on a dead socket, no error escaping a callback), next to
 * the firmware's own C `mqtt` module:
 * - nodemcu_mock.lua: a session's normal life (CONNECT on connection, sends
 *   chained from "sent" in 1024-byte pieces, CONNACK and PUBACK reassembled,
 *   PINGREQ across the tmr.now() wrap and on ESP32's node.uptime(),
 *   reconnection with backoff, a stop that lets DISCONNECT leave first);
 * - nodemcu_faults.lua: send() raising on a dead socket, the link lost with
 *   pieces queued, the core raising, connect failure and timeout, a dead link
 *   during stop(), timer ranges, an application onClose that raises;
 * - nodemcu_example.lua: nodemcu/telemetry_example.lua on fake wifi/sjson/adc.
 */
import { join } from 'path';
import {
  failLines, LUA_BINARIES, LuaRun, requireBinary, runOnBinary, runOnFengari, summary, useLuaBundle,
} from './lua-run';

const FAKES = join(__dirname, 'nodemcu_fakes.lua');
const ADAPTER = join(__dirname, '..', '..', 'nodemcu', 'mqtt_nodemcu.lua');
const EXAMPLE = join(__dirname, '..', '..', 'nodemcu', 'telemetry_example.lua');

/** Each script, with the checks it makes when every firmware rule holds. */
const SCRIPTS: Array<{ script: string; checks: number; extraArgs: string[] }> = [
  { script: 'nodemcu_mock.lua', checks: 28, extraArgs: [] },
  { script: 'nodemcu_faults.lua', checks: 25, extraArgs: [] },
  { script: 'nodemcu_example.lua', checks: 7, extraArgs: [EXAMPLE] },
];
const RUNNERS = ['fengari'].concat(LUA_BINARIES);
const CASES = SCRIPTS.flatMap((s) => RUNNERS.map((runner) => ({ ...s, runner })));

/** tstl builds a whole TypeScript program and fengari is slow: seconds, more on a busy machine. */
const SLOW_TIMEOUT_MS = 120000;

const core = useLuaBundle('lua-nodemcu-', SLOW_TIMEOUT_MS);

function expectAllPassed(run: LuaRun, checks: number): void {
  expect(run.error).toBeUndefined();
  expect(failLines(run)).toEqual([]);
  expect(summary(run)).toMatchObject({ checks: String(checks), failures: '0' });
}

test.each(CASES)('$script passes on $runner', ({ script, checks, extraArgs, runner }) => {
  const file = join(__dirname, script);
  const args = [core.bundle, ADAPTER, FAKES].concat(extraArgs);
  if (runner === 'fengari') {
    expectAllPassed(runOnFengari(file, args), checks);
  } else if (requireBinary(runner)) {
    expectAllPassed(runOnBinary(runner, file, args), checks);
  }
}, SLOW_TIMEOUT_MS);

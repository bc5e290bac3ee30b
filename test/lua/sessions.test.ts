/**
 * The session scenarios of test/mqtt (scripted transport, fake clock) run
 * against the Lua build too. Here they run once more in jest with the core's
 * factories recording (test/support/session-recorder.ts): each test that
 * makes a core object becomes a trace of the test's inputs and the core's
 * outputs. Then test/lua/replay.lua replays every trace on the Lua bundle, on
 * fengari (in-process) and on lua5.1 / lua5.3 (skipped when absent, required
 * when CI is set), and reports the first difference of each scenario.
 */
import { readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DECLARED, endScenario, MAX_EVENTS, Scenario, startScenario, TraceEvent, Value } from '../support/session-recorder';
import { scenariosToLua } from './lua-traces';
import { failLines, LUA_BINARIES, LuaRun, requireBinary, runOnBinary, runOnFengari, summary, useLuaBundle } from './lua-run';

// Every module that exports a core factory; the session tests (and the
// harness they share) then get recording objects.
jest.mock('../../firmware/mqtt/client', () =>
  require('../support/session-recorder').recordFactories(jest.requireActual('../../firmware/mqtt/client')));
jest.mock('../../firmware/mqtt/publisher', () =>
  require('../support/session-recorder').recordFactories(jest.requireActual('../../firmware/mqtt/publisher')));
jest.mock('../../firmware/mqtt/supervisor', () =>
  require('../support/session-recorder').recordFactories(jest.requireActual('../../firmware/mqtt/supervisor')));

const MQTT_TESTS = join(__dirname, '..', 'mqtt');

/**
 * The test/mqtt files whose tests drive a client, publisher or supervisor:
 * those that use the scripted transport or call a factory. Found by content,
 * so that a new session test file is replayed without a word here.
 */
const SESSION_TESTS = readdirSync(MQTT_TESTS)
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => /scripted-transport|\bcreate(Client|Publisher|Supervisor)\b/.test(readFileSync(join(MQTT_TESTS, f), 'utf8')))
  .map((f) => f.slice(0, -'.test.ts'.length));

const REPLAY = join(__dirname, 'replay.lua');

/**
 * fengari parses and runs Lua some 20 times slower than lua5.1: there each
 * scenario replays up to this many events (the long loops are cut), on the
 * interpreters up to the recorder's MAX_EVENTS.
 */
const FENGARI_MAX_EVENTS = 1000;

/** tstl builds a whole TypeScript program and fengari is slow: seconds, more on a busy machine. */
const SLOW_TIMEOUT_MS = 180000;

const recorded: Scenario[] = [];
/** The scenarios the replay runs: all but those notOnLua() left out, and those found unreplayable (a failure below). */
const replayable = () => recorded.filter((s) => s.unreplayable === undefined);

describe('recorded', () => {
  beforeEach(() => startScenario((expect.getState().currentTestName || '').replace(/^recorded /, '')));
  afterEach(() => {
    const s = endScenario();
    if (s.events.length > 0 || s.unreplayable !== undefined) recorded.push(s);
  });
  for (const file of SESSION_TESTS) {
    describe(file, () => {
      require(join(MQTT_TESTS, file + '.test'));
    });
  }
});

describe('replayed on Lua', () => {
  const core = useLuaBundle('lua-sessions-', SLOW_TIMEOUT_MS);

  /** Trace files written so far, by name. */
  const written = new Map<string, { file: string; events: number }>();

  /**
   * Writes `scenarios`, each cut at `maxEvents`, to trace file `name` (once:
   * both interpreters read the same); returns it and its event count.
   */
  function traceFile(name: string, scenarios: Scenario[], maxEvents: number): { file: string; events: number } {
    let trace = written.get(name);
    if (trace === undefined) {
      const file = join(core.dir, name + '.lua');
      const lua = scenariosToLua(scenarios, maxEvents);
      writeFileSync(file, lua.text, 'latin1');
      trace = { file, events: lua.events };
      written.set(name, trace);
    }
    return trace;
  }

  /**
   * Replays every scenario, each cut at `maxEvents`, with `run`; asserts that
   * all passed and every event was consumed, and logs the counts.
   */
  function replayAll(vm: string, maxEvents: number, run: (file: string) => LuaRun): Record<string, string> {
    const { file, events } = traceFile('traces-' + maxEvents, replayable(), maxEvents);
    const start = Date.now();
    const result = run(file);
    const ms = Date.now() - start;
    expect(result.error).toBeUndefined();
    expect(failLines(result)).toEqual([]);
    const s = summary(result);
    expect([Number(s.scenarios), Number(s.events), s.failures]).toEqual([replayable().length, events, '0']);
    console.log(vm + ': ' + s.scenarios + ' scenarios (each cut at ' + maxEvents + ' events), ' + s.steps +
      ' steps, ' + s.events + ' events, ' + s.checks + ' checks replayed in ' + ms + ' ms');
    return s;
  }

  test('every session test file was recorded, every scenario is replayable', () => {
    const left = recorded.filter((s) => s.unreplayable !== undefined);
    const found = left.filter((s) => !(s.unreplayable as string).startsWith(DECLARED));
    expect(found.map((s) => s.name + ': ' + s.unreplayable)).toEqual([]);
    console.log('left out of the replay by the test itself: ' + (left.map((s) => s.name + ' (' + s.unreplayable + ')').join('; ') || 'none'));
    expect(SESSION_TESTS).toEqual(expect.arrayContaining(['client-connect', 'publisher', 'supervisor']));
    expect(SESSION_TESTS.filter((f) => !recorded.some((s) => s.name.startsWith(f + ' ')))).toEqual([]);
    const cut = recorded.filter((s) => s.truncated).map((s) => s.name);
    console.log(recorded.length + ' scenarios recorded; cut at ' + MAX_EVENTS + ' events: ' + (cut.join('; ') || 'none'));
  });

  test('a scenario whose recorded callback argument or result is changed fails, naming step, expected and actual', () => {
    // The first scenario with a callback given a string and a numeric result (a publish token), changed twice.
    const isStringCall = (ev: TraceEvent) => ev[0] === 'cb' && typeof ev[2][0] === 'string' && ev[2][0] !== '';
    const isNumber = (ev: TraceEvent) => ev[0] === 'ret' && typeof ev[1] === 'number';
    const base = replayable().find((s) => s.events.some(isStringCall) && s.events.some(isNumber));
    if (base === undefined) throw new Error('no scenario writes and returns a number');
    const call = structuredClone(base);
    call.name += ' (a callback argument changed)';
    const c = call.events.find(isStringCall) as ['cb', number, Value[]];
    c[2][0] += '!';
    const result = structuredClone(base);
    result.name += ' (a result changed)';
    const r = result.events.find(isNumber) as ['ret', number];
    r[1] += 1;
    const run = runOnFengari(REPLAY, [core.bundle, traceFile('changed', [call, result], MAX_EVENTS).file]);
    expect(run.error).toBeUndefined();
    const fails = failLines(run);
    expect(fails.length).toBe(2);
    expect(fails[0]).toMatch(/^FAIL .* \(a callback argument changed\) \| step \d+: .* \| event \d+: expected call of .*!"\) \| actual call of /);
    expect(fails[1]).toMatch(new RegExp('^FAIL .* \\(a result changed\\) \\| step \\d+: .* \\| event \\d+: ' +
      'expected return ' + r[1] + ' \\| actual return ' + (r[1] - 1) + '$'));
    expect(summary(run).failures).toBe('2');
  });

  test('the scenarios replay on fengari', () => {
    replayAll('fengari', FENGARI_MAX_EVENTS, (file) => runOnFengari(REPLAY, [core.bundle, file]));
  }, SLOW_TIMEOUT_MS);

  test.each(LUA_BINARIES)('the scenarios replay on %s', (binary) => {
    if (!requireBinary(binary)) return;
    const s = replayAll(binary, MAX_EVENTS, (file) => runOnBinary(binary, REPLAY, [core.bundle, file]));
    expect(s.version).toBe('Lua_' + binary.slice(3));
  }, SLOW_TIMEOUT_MS);
});

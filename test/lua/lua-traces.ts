/**
 * Writes recorded session scenarios (test/support/session-recorder.ts) as a
 * Lua chunk for test/lua/replay.lua. The chunk returns a list of functions,
 * one per scenario, each returning `{ name = ..., events = {...} }`: one
 * function each keeps every scenario under Lua 5.1's limit of constants per
 * function, and only the scenario being replayed is held as tables.
 *
 * Events are Lua tables in the trace's own order: `{"call", 3, "publish",
 * {n = 4, "t", "x", 1, false}}`. Argument lists carry their length `n`, so an
 * undefined argument stays in place as a nil. Strings are byte strings
 * (luaBytes); numbers are written as JS prints them, which Lua reads back to
 * the same double.
 */
import { Scenario, TraceEvent, Value } from '../support/session-recorder';
import { luaBytes } from './lua-fixtures';

/** A Lua string literal for a byte string (one char per byte). */
function luaString(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) bytes.push(s.charCodeAt(i));
  return luaBytes(bytes);
}

/** A Lua expression for a trace value (undefined: nil). */
function luaValue(v: Value): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'string') return luaString(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '{' + v.map(luaValue).join(', ') + '}';
  return '{' + Object.keys(v).map((k) => '[' + luaString(k) + '] = ' + luaValue(v[k])).join(', ') + '}';
}

/** An argument list: its length, then the arguments in place. */
function luaArgs(args: Value[]): string {
  return '{n = ' + args.length + args.map((a) => ', ' + luaValue(a)).join('') + '}';
}

function luaEvent(ev: TraceEvent): string {
  switch (ev[0]) {
    case 'call':
      return '{"call", ' + ev[1] + ', ' + luaString(ev[2]) + ', ' + luaArgs(ev[3]) + '}';
    case 'get':
    case 'set':
      return '{"' + ev[0] + '", ' + ev[1] + ', ' + luaString(ev[2]) + ', ' + luaValue(ev[3]) + '}';
    case 'cb':
      return '{"cb", ' + ev[1] + ', ' + luaArgs(ev[2]) + '}';
    case 'ret':
    case 'back':
      return '{"' + ev[0] + '", ' + luaValue(ev[1]) + '}';
    case 'raise':
      return '{"raise"}';
  }
}

/**
 * `events` up to the first input made by the test itself (not inside a
 * callback) at or after index `max`: a prefix that replays on its own.
 */
function cutEvents(events: TraceEvent[], max: number): TraceEvent[] {
  let depth = 0;
  for (let i = 0; i < events.length; i++) {
    if (depth === 0 && i >= max) return events.slice(0, i);
    const kind = events[i][0];
    if (kind === 'call' || kind === 'cb') depth++;
    else if (kind === 'ret' || kind === 'back' || kind === 'raise') depth--;
  }
  return events;
}

/**
 * The whole chunk for `scenarios`, each cut by cutEvents at `maxEvents`, and
 * the number of events it holds. Names are UTF-8 (they are only printed).
 */
export function scenariosToLua(scenarios: Scenario[], maxEvents: number): { text: string; events: number } {
  let events = 0;
  const parts = scenarios.map((s) => {
    const cut = cutEvents(s.events, maxEvents);
    events += cut.length;
    return 'function() return {name = ' + luaBytes(Buffer.from(s.name, 'utf8')) + ', events = {\n' +
      cut.map(luaEvent).join(',\n') + '\n}} end';
  });
  return { text: 'return {\n' + parts.join(',\n') + '\n}\n', events };
}

/**
 * Records a session scenario as a trace that another build of the core (the
 * Lua one, test/lua/replay.lua) can replay and check. `recordFactories` wraps
 * a core module's create* factories: the objects they return are Proxies,
 * and every function or host object handed to the core is replaced by a
 * recording wrapper. The trace is a flat list of events; nesting follows
 * from the order:
 *
 *   inputs, made by the test:    ['call', obj, method, args] ... ['ret', value] | ['raise']
 *                                (obj 0 is the module: a factory call)
 *                                ['get', obj, prop, value]   a data property the test read
 *                                ['set', obj, prop, value]
 *   outputs, made by the core:   ['cb', fn, args] ... ['back', value] | ['raise']
 *                                (a host function called; between the two,
 *                                the inputs it made in turn)
 *
 * In values, a core object is { __obj: id } and a host function is
 * { __fn: id, name, method }: `method` when the core calls it with a self
 * argument in Lua (members of host objects: Transport, Store), not for
 * (this: void) callbacks (functions among a factory's options, or passed
 * directly). Strings are byte strings: a char above 0xFF makes the scenario
 * unreplayable, and one in 0x80..0xFF reaches Lua as that byte (text such as
 * a topic would differ: the JS core sends it as UTF-8). Core objects call each other (supervisor -> client) without
 * going through the Proxies, so only what the test sees is recorded.
 */

/** A recorded value (see the file comment). */
export type Value =
  | undefined
  | boolean
  | number
  | string
  | Value[]
  | { [key: string]: Value };

export type TraceEvent =
  | ['call', number, string, Value[]]
  | ['ret', Value]
  | ['raise']
  | ['get', number, string, Value]
  | ['set', number, string, Value]
  | ['cb', number, Value[]]
  | ['back', Value];

export interface Scenario {
  name: string;
  events: TraceEvent[];
  /** Recording stopped at a top-level input after MAX_EVENTS events: the prefix replays. */
  truncated: boolean;
  /** Why the scenario cannot be replayed (then it is not). */
  unreplayable?: string;
}

/** Events recorded per scenario at most; loops of 65535 publications are cut. */
export const MAX_EVENTS = 20000;

interface CoreEntry {
  real: object;
  proxy: object;
  id: number;
  scenario: Scenario;
}

let current: Scenario | undefined;
/** Inputs and callbacks in progress (0: the test itself is running). */
let depth = 0;
let nextId = 1;
/** Core objects, keyed by Proxy and by the real object. */
const cores = new WeakMap<object, CoreEntry>();

/** Starts recording a scenario; the previous one, if any, is dropped. */
export function startScenario(name: string): void {
  current = { name, events: [], truncated: false };
  depth = 0;
  nextId = 1;
}

/** Stops recording and returns the scenario. */
export function endScenario(): Scenario {
  const s = current;
  current = undefined;
  if (s === undefined) throw new Error('no scenario is being recorded');
  return s;
}

/** Prefix of the reason given by notOnLua, to tell a declared exclusion from a found one. */
export const DECLARED = 'declared: ';

/** The notOnLua reason of a test whose input holds a char above 255. */
export const WIDE_CHAR = 'a char above 255, which no Lua string holds';

/**
 * Called by a session test that cannot run on Lua by construction (it patches
 * the core's internals, or feeds chars above 255, which no Lua string holds):
 * its scenario is then left out of the replay, with `why`. No-op when not recording.
 */
export function notOnLua(why: string): void {
  if (current !== undefined) unreplayable(current, DECLARED + why);
}

/** The scenario being recorded, if recording is on. */
function live(): Scenario | undefined {
  const s = current;
  return s !== undefined && !s.truncated && s.unreplayable === undefined ? s : undefined;
}

function unreplayable(s: Scenario, why: string): void {
  if (s.unreplayable === undefined) s.unreplayable = why;
}

/** A copy of `v`, an output of the core, as a trace value. */
function snap(s: Scenario, v: unknown): Value {
  if (v === undefined || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) unreplayable(s, 'non-finite number');
    return v;
  }
  if (typeof v === 'string') {
    for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 255) unreplayable(s, 'not a byte string');
    return v;
  }
  if (v === null || typeof v !== 'object') {
    unreplayable(s, 'a ' + (v === null ? 'null' : typeof v) + ' value');
    return undefined;
  }
  const core = cores.get(v);
  if (core !== undefined) {
    if (core.scenario !== s) unreplayable(s, 'a core object from another scenario');
    return { __obj: core.id };
  }
  if (Array.isArray(v)) return v.map((x) => snap(s, x));
  if (Object.getPrototypeOf(v) !== Object.prototype) {
    unreplayable(s, 'a class instance in an output');
    return undefined;
  }
  const out: { [key: string]: Value } = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = snap(s, x);
  }
  return out;
}

/**
 * The scenario in which to record a new input made by the test, or undefined
 * when recording is off or the trace has reached MAX_EVENTS at the top level
 * (it then ends there, so that it holds whole inputs only).
 */
function inputScenario(): Scenario | undefined {
  const s = live();
  if (s !== undefined && depth === 0 && s.events.length >= MAX_EVENTS) {
    s.truncated = true;
    return undefined;
  }
  return s;
}

/** Appends an event if recording is on; false when it is off. */
function record(ev: TraceEvent): boolean {
  const s = live();
  if (s === undefined) return false;
  s.events.push(ev);
  return true;
}

/** Runs a call made by the test, recording it (see inputScenario) and its result. */
function call<T>(ev: TraceEvent, run: () => T, result: (s: Scenario, r: T) => Value): T {
  const s = inputScenario();
  if (s === undefined) return run();
  s.events.push(ev);
  depth++;
  let r: T;
  try {
    r = run();
  } catch (e) {
    record(['raise']);
    throw e;
  } finally {
    depth--;
  }
  record(['ret', result(s, r)]);
  return r;
}

/** A host function wrapped to record each call the core makes to it. */
function hostFunction(fn: (...a: unknown[]) => unknown, self: unknown, name: string, method: boolean): [unknown, Value] {
  const id = nextId++;
  const owner = current;
  const wrapper = function (...args: unknown[]): unknown {
    const s = live();
    if (s === undefined) return fn.apply(self, args);
    if (s !== owner || depth === 0) unreplayable(s, name + ' called outside its scenario or outside any input');
    if (!record(['cb', id, args.map((a) => snap(s, a))])) return fn.apply(self, args);
    let r: unknown;
    try {
      r = fn.apply(self, args);
    } catch (e) {
      record(['raise']);
      throw e;
    }
    record(['back', snap(s, r)]);
    return r;
  };
  return [wrapper, { __fn: id, name, method }];
}

/** Function members of a class instance (its prototype chain) or own fields of a plain object. */
function members(obj: object): string[] {
  if (Object.getPrototypeOf(obj) === Object.prototype) return Object.keys(obj);
  const keys: string[] = [];
  for (let p: object | null = obj; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      const v = (obj as Record<string, unknown>)[k];
      if (k !== 'constructor' && typeof v === 'function' && keys.indexOf(k) < 0) keys.push(k);
    }
  }
  return keys;
}

/**
 * `v`, an input to the core, as [what the core gets, trace value]. Functions
 * become recording wrappers; an object becomes a copy whose functions are
 * wrapped (a class instance, such as a transport, keeps only its methods).
 * `fieldsAreMethods`: the functions among v's fields are called with self in Lua.
 */
function toCore(v: unknown, path: string, fieldsAreMethods: boolean): [unknown, Value] {
  const s = current;
  if (typeof v === 'function') return hostFunction(v as (...a: unknown[]) => unknown, undefined, path, false);
  if (v === null || typeof v !== 'object') return [v, s === undefined ? undefined : snap(s, v)];
  const core = cores.get(v);
  if (core !== undefined) return [core.real, { __obj: core.id }];
  if (Array.isArray(v)) {
    const parts = v.map((x, i) => toCore(x, path + '[' + i + ']', true));
    return [parts.map((p) => p[0]), parts.map((p) => p[1])];
  }
  const out: Record<string, unknown> = {};
  const desc: { [key: string]: Value } = {};
  for (const k of members(v)) {
    const x = (v as Record<string, unknown>)[k];
    const [c, d] = typeof x === 'function'
      ? hostFunction(x as (...a: unknown[]) => unknown, v, path + '.' + k, fieldsAreMethods)
      : toCore(x, path + '.' + k, true);
    out[k] = c;
    if (d !== undefined) desc[k] = d;
  }
  return [out, desc];
}

/** The recording Proxy of a core object made by factory `kind` (e.g. 'client'). */
function coreProxy(real: object, kind: string, s: Scenario): object {
  const id = nextId++;
  const methods = new Map<string, unknown>();
  const target = real as Record<string, unknown>;
  const proxy = new Proxy(real, {
    get(_t, prop) {
      const v = target[prop as string];
      if (typeof prop === 'symbol') return v;
      if (typeof v !== 'function') {
        if (inputScenario() !== undefined) record(['get', id, prop, snap(s, v)]);
        return v;
      }
      let m = methods.get(prop);
      if (m === undefined) {
        m = (...args: unknown[]) => {
          const parts = args.map((a, i) => toCore(a, kind + '.' + prop + '[' + i + ']', true));
          return call(['call', id, prop, parts.map((p) => p[1])],
            () => (v as (...a: unknown[]) => unknown).apply(real, parts.map((p) => p[0])),
            (sc, r) => snap(sc, r));
        };
        methods.set(prop, m);
      }
      return m;
    },
    set(_t, prop, value) {
      const [c, d] = toCore(value, kind + '.' + String(prop), true);
      if (inputScenario() !== undefined) record(['set', id, String(prop), d]);
      target[prop as string] = c;
      return true;
    },
  });
  const entry = { real, proxy, id, scenario: s };
  cores.set(real, entry);
  cores.set(proxy, entry);
  return proxy;
}

/**
 * A copy of core module `mod` whose create* factories record (for
 * jest.mock): while a scenario is recorded they return recording Proxies.
 */
export function recordFactories<M extends object>(mod: M): M {
  const exports = mod as Record<string, unknown>;
  const out: Record<string, unknown> = { ...exports };
  for (const name of Object.keys(exports)) {
    const factory = exports[name];
    if (!name.startsWith('create') || typeof factory !== 'function') continue;
    const kind = name.charAt(6).toLowerCase() + name.slice(7);
    out[name] = (options: unknown) => {
      const [c, d] = toCore(options, 'options', false);
      return call(['call', 0, name, [d]], () => {
        const real = (factory as (o: unknown) => object)(c);
        const s = live();
        return s === undefined ? real : coreProxy(real, kind, s);
      }, (s, r) => snap(s, r));
    };
  }
  return out as M;
}

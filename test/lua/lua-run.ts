/**
 * Runs a Lua script with arguments, in-process on fengari (a Lua 5.3 VM in
 * JavaScript) or as a child process on an installed `lua5.1` / `lua5.3`, and
 * returns what it printed. The script receives its arguments as `...`, as
 * the standalone `lua` interpreter passes them.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** What a Lua run produced: printed text, and the error if the chunk failed. */
export interface LuaRun {
  output: string;
  error?: string;
}

/** The slice of fengari's API used here (fengari ships no type definitions). */
interface Fengari {
  lua: {
    LUA_OK: number;
    LUA_MULTRET: number;
    lua_gettop(L: unknown): number;
    lua_pcall(L: unknown, nargs: number, nresults: number, msgh: number): number;
    lua_pushstring(L: unknown, s: Uint8Array): void;
    lua_pushjsfunction(L: unknown, f: (L: unknown) => number): void;
    lua_setglobal(L: unknown, name: Uint8Array): void;
    lua_tolstring(L: unknown, idx: number): Uint8Array | null;
    lua_pop(L: unknown, n: number): void;
  };
  lauxlib: {
    luaL_newstate(): unknown;
    luaL_loadfile(L: unknown, file: Uint8Array): number;
    luaL_tolstring(L: unknown, idx: number): Uint8Array;
  };
  lualib: { luaL_openlibs(L: unknown): void };
  to_luastring(s: string): Uint8Array;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fengari = require('fengari') as Fengari;

/** Bytes of a Lua string as a JS byte string (latin1: one char per byte). */
function bytesToString(bytes: Uint8Array | null): string {
  return bytes === null ? '' : Buffer.from(bytes).toString('latin1');
}

/**
 * Runs `file` on fengari with string arguments `args`; `print` is captured
 * (tab-separated, newline-terminated, like the standalone interpreter).
 */
export function runOnFengari(file: string, args: string[]): LuaRun {
  const { lua, lauxlib, lualib, to_luastring } = fengari;
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  let output = '';
  lua.lua_pushjsfunction(L, (S) => {
    const n = lua.lua_gettop(S);
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      parts.push(bytesToString(lauxlib.luaL_tolstring(S, i)));
      lua.lua_pop(S, 1);
    }
    output += parts.join('\t') + '\n';
    return 0;
  });
  lua.lua_setglobal(L, to_luastring('print'));
  if (lauxlib.luaL_loadfile(L, to_luastring(file)) !== lua.LUA_OK) {
    return { output: output, error: bytesToString(lua.lua_tolstring(L, -1)) };
  }
  // Paths are ASCII here; to_luastring would UTF-8-encode anything else.
  for (const a of args) lua.lua_pushstring(L, to_luastring(a));
  if (lua.lua_pcall(L, args.length, 0, 0) !== lua.LUA_OK) {
    return { output: output, error: bytesToString(lua.lua_tolstring(L, -1)) };
  }
  return { output: output };
}

/** True if `binary` (e.g. "lua5.1") can be started. */
export function hasLuaBinary(binary: string): boolean {
  // luac5.1 has no -v that exits 0 without input; -v prints its version and
  // then reads luac.out, so probe with an empty program on stdin instead.
  const probe = spawnSync(binary, binary.startsWith('luac') ? ['-p', '-'] : ['-v'], { encoding: 'utf8', input: '' });
  return probe.error === undefined && probe.status === 0;
}

/** Runs `file` with `binary` in a child process (60 s cap); stderr becomes the error. */
export function runOnBinary(binary: string, file: string, args: string[]): LuaRun {
  const run = spawnSync(binary, [file].concat(args), { encoding: 'latin1', timeout: 60000 });
  if (run.error !== undefined) return { output: run.stdout || '', error: String(run.error) };
  if (run.status !== 0) return { output: run.stdout, error: run.stderr || 'exit status ' + run.status };
  return { output: run.stdout };
}

/** The parts of scripts/build-lua.js that the tests use. */
export interface BuildLua {
  transpileLua(): { diagnostics: readonly unknown[]; lua: string | undefined; raw: string | undefined };
  checkCoreFiles(): readonly unknown[];
  truthinessHazards(dir?: string): string[];
  nonAsciiOffsets(text: string): number[];
  lualibFeatures(lua: string): string[];
  FORBIDDEN_LUALIB: RegExp;
  globalAccesses(file: string): { reads: string[]; writes: string[] } | null;
  formatDiagnostics(d: readonly unknown[]): string;
  LUA_GLOBALS: string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const build = require('../../scripts/build-lua.js') as BuildLua;

/**
 * Transpiles the bundle from the current sources into `dir`/mqttcore.lua (each
 * test file uses its own copy: jest workers run in parallel) and returns its
 * path. Throws with every diagnostic if tstl reports any.
 */
export function buildBundleInto(dir: string): string {
  const result = build.transpileLua();
  if (result.diagnostics.length > 0 || result.lua === undefined) {
    throw new Error('Lua build failed:\n' + build.formatDiagnostics(result.diagnostics));
  }
  const file = join(dir, 'mqttcore.lua');
  writeFileSync(file, result.lua);
  return file;
}

/** A test file's own bundle (see useLuaBundle): the directory it is in, and its path. */
export interface LuaBundle {
  dir: string;
  bundle: string;
}

/**
 * Registers hooks in the calling scope (a file or a describe): before its
 * tests, a fresh temporary directory `prefix`XXXXXX holding a bundle built
 * from the current sources (buildBundleInto); after them, the directory is
 * removed. The returned record is filled in by the first hook.
 */
export function useLuaBundle(prefix: string, timeoutMs: number): LuaBundle {
  const lua: LuaBundle = { dir: '', bundle: '' };
  beforeAll(() => {
    lua.dir = mkdtempSync(join(tmpdir(), prefix));
    lua.bundle = buildBundleInto(lua.dir);
  }, timeoutMs);
  afterAll(() => {
    if (lua.dir) rmSync(lua.dir, { recursive: true, force: true });
  });
  return lua;
}

/** The Lua interpreters the tests run on when installed (required in CI). */
export const LUA_BINARIES = ['lua5.1', 'lua5.3'];

/**
 * Whether `binary` can run here. Absent binaries skip with a message, but
 * fail when process.env.CI is set (CI installs them).
 */
export function requireBinary(binary: string): boolean {
  if (hasLuaBinary(binary)) return true;
  if (process.env.CI) throw new Error(binary + ' is required in CI (apt-get install ' + binary + ')');
  console.log(binary + ' not installed: skipped');
  return false;
}

/** Parses "key=value" pairs of the SUMMARY line a Lua driver prints last. */
export function summary(run: LuaRun): Record<string, string> {
  const line = run.output.split('\n').find((l) => l.startsWith('SUMMARY ')) || '';
  const out: Record<string, string> = {};
  for (const pair of line.split(' ').slice(1)) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The FAIL lines of a driver run (at most 30, to keep jest output readable). */
export function failLines(run: LuaRun): string[] {
  return run.output.split('\n').filter((l) => l.startsWith('FAIL')).slice(0, 30);
}

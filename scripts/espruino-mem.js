#!/usr/bin/env node
/*
 * Measures JsVar blocks of bundles on a REAL Espruino for Linux binary.
 *   ESPRUINO_BIN=/path/to/espruino node scripts/espruino-mem.js \
 *     [--flash] [--run-ms N] [--prelude file.js] [--verbose] bundle.js [...]
 * Each bundle runs in a fresh temporary directory (so the emulated flash file,
 * espruino.flash in the working directory, starts empty):
 *   RAM mode (default): `espruino prog.js`, prog.js = bundle + epilogue. The
 *     source is copied into JsVars, as when code is uploaded to RAM.
 *     The epilogue prints process.memory() from a timer 1 ms after loading
 *     (the source string is freed by then) and again after --run-ms (default
 *     2000), then calls quit(); its own code, timers and functions cost ~30
 *     blocks: measure an empty bundle the same way and subtract.
 *   --flash: the bundle is written to Storage ".bootcde" through the console
 *     in small chunks (as EspruinoTools does with SAVE_ON_SEND), then
 *     `espruino` boots, which runs .bootcde from flash, so function bodies
 *     stay in (emulated) flash; then, as a user would on a device, the
 *     console is asked `process.memory()` once at once and again after
 *     --run-ms, and quit() ends it. No measuring code stays in the heap (an
 *     empty interpreter reports ~45 blocks used). --prelude prepends a file to
 * every bundle (e.g. a stub for modules the Linux build lacks). --verbose
 * also prints what each bundle wrote to the console (lines cut at 200 chars).
 * Prints a table: bundle, mode, blocks used after load and after the run,
 * free after the run, total, blocksize, and the first error the interpreter
 * printed. Exit 2 when ESPRUINO_BIN is unset or not executable, 1 when a
 * bundle could not be measured.
 * It never builds, downloads or embeds Espruino: the binary comes only from
 * ESPRUINO_BIN. Espruino's stdin is kept open as a pipe (a closed stdin makes
 * it read NUL characters forever). Runs only what it is given; any sockets are
 * the bundle's own.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const MARK = '@@MEM';
const CHUNK_CHARS = 256;
/** Extra time allowed beyond --run-ms for booting (qemu-user builds are slow). */
const SLACK_MS = 30000;

/** Why ESPRUINO_BIN cannot be used, or null when it names an executable file. */
function binProblem(bin) {
  if (!bin) return 'ESPRUINO_BIN is not set: set it to an Espruino for Linux binary';
  try {
    if (!fs.statSync(bin).isFile()) return 'ESPRUINO_BIN=' + bin + ' is not a file';
    fs.accessSync(bin, fs.constants.X_OK);
  } catch (e) {
    return 'ESPRUINO_BIN=' + bin + ' is not an executable file (' + e.code + ')';
  }
  return null;
}

/** The measuring epilogue: prints MARK lines after load and after runMs, then quits. */
function epilogue(runMs) {
  const report = 'function(t){var m=process.memory();print("' + MARK + ' "+t+" "+m.usage+" "+m.free+" "+m.total+" "+m.blocksize)}';
  return '\n;(function(r){setTimeout(function(){r("load");setTimeout(function(){r("run");quit()},' +
    Math.floor(runMs) + ')},1)})(' + report + ');\n';
}

/**
 * Spawns `bin args` in `cwd` with stdin as an open pipe, calls onLine for each
 * stdout/stderr line, and resolves { code, output } when it exits or is killed
 * after timeoutMs. The returned `child` lets callers write to stdin.
 */
function runProcess(bin, args, cwd, timeoutMs, onLine) {
  const child = spawn(bin, args, { cwd: cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let pending = '';
  const feed = (chunk) => {
    output += chunk;
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop();
    for (const line of lines) if (onLine) onLine(line, child);
  };
  child.stdout.setEncoding('latin1').on('data', feed);
  child.stderr.setEncoding('latin1').on('data', feed);
  child.stdin.on('error', () => {});
  const done = new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending && onLine) onLine(pending, child);
      resolve({ code: code, signal: signal, output: output });
    });
  });
  return { child: child, done: done };
}

/** Console lines that write `code` to Storage file `name` in CHUNK_CHARS pieces, each acknowledged. */
function storageWriteLines(name, code) {
  const lines = [];
  for (let off = 0; off < code.length; off += CHUNK_CHARS) {
    // Bytes above 0x7e as \xNN escapes: the console line stays ASCII whatever the bundle holds.
    const chunk = JSON.stringify(code.slice(off, off + CHUNK_CHARS))
      .replace(/[^\x00-\x7e]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
    const size = off === 0 ? ',' + code.length : '';
    lines.push('require("Storage").write(' + JSON.stringify(name) + ',' + chunk + ',' + off + size +
      ');print("@@W"+" ' + off + '")');
  }
  lines.push('print("@@LEN"+" "+require("Storage").read(' + JSON.stringify(name) + ').length)');
  return lines;
}

/**
 * Writes `code` to Storage ".bootcde" of a fresh flash file in `dir` through
 * the console of `bin`, one acknowledged line at a time. Resolves to the
 * length Espruino reports for the stored file; rejects with the console
 * output when it does not match.
 */
async function writeBootCode(bin, dir, code) {
  // Acknowledgements are built by concatenation so that an echoed command never looks like one.
  const lines = ['echo(0);print("@@W"+" start")'].concat(storageWriteLines('.bootcde', code));
  let next = 0;
  let stored = -1;
  const proc = runProcess(bin, [], dir, SLACK_MS + lines.length * 2000, (line, child) => {
    if (line.indexOf('@@LEN ') >= 0) {
      stored = Number(line.slice(line.indexOf('@@LEN ') + 6));
      child.stdin.write('\x04'); // Ctrl-D: the Linux console exits
    } else if (line.indexOf('@@W ') >= 0 && next < lines.length) {
      child.stdin.write(lines[next++] + '\n');
    }
  });
  // The console buffers input until it is ready, so the first line goes at once.
  proc.child.stdin.write('\n');
  proc.child.stdin.write(lines[next++] + '\n');
  const result = await proc.done;
  if (stored !== code.length) {
    throw new Error('writing .bootcde failed (stored ' + stored + ' of ' + code.length + ' chars):\n' +
      result.output.slice(-2000));
  }
  return stored;
}

/**
 * writeBootCode, tried twice: about 1 run in 30 the console process ended
 * before acknowledging the last chunk (cause not found). The second attempt
 * starts from a fresh flash file; a second failure rejects.
 */
async function writeBootCodeRetrying(bin, dir, code) {
  try {
    return await writeBootCode(bin, dir, code);
  } catch (e) {
    process.stderr.write('espruino-mem: retrying once: ' + e.message.slice(0, 2000) + '\n');
    fs.rmSync(path.join(dir, 'espruino.flash'), { force: true });
    return writeBootCode(bin, dir, code);
  }
}

/** The first line that reports an interpreter error, or ''. */
function firstError(output) {
  const lines = output.split(/\r?\n/);
  for (const line of lines) {
    const text = line.replace(/\x1b\[J/g, '').replace(/^>+/, '').trim();
    if (/Uncaught|ERROR|Error:|OUT OF MEMORY|Out of Memory|WARNING|Execution Interrupted/.test(text)) return text.slice(0, 120);
  }
  return '';
}

/** The interpreter's console output without the banner, prompts and blank lines, lines cut at 200 chars. */
function consoleText(output) {
  const banner = output.indexOf('espruino.com/Donate');
  const body = banner >= 0 ? output.slice(banner + 'espruino.com/Donate'.length) : output;
  return body.split(/\r?\n/)
    .map((l) => l.replace(/\x1b\[J/g, '').replace(/^>+/, '').slice(0, 200))
    .filter((l) => l.trim() !== '' && !/^\s*\^\s*$/.test(l))
    .join('\n');
}

/**
 * Boots `bin` in `dir` (its flash holds .bootcde, if any) and asks its console
 * `process.memory()` at once and again `runMs` later, then quits. Resolves to
 * { code, output }; the console's answers are parsed by parseConsoleMemory.
 */
function consoleMemory(bin, dir, runMs, timeoutMs) {
  let answers = 0;
  const proc = runProcess(bin, [], dir, timeoutMs, (line, child) => {
    if (!/^=\{ free: \d+/.test(line.replace(/^[>\s]+/, ''))) return;
    answers++;
    if (answers === 1) setTimeout(() => child.stdin.write('process.memory()\n'), runMs);
    else child.stdin.write('quit()\n');
  });
  // The console buffers input until the boot code has run.
  proc.child.stdin.write('\nprocess.memory()\n');
  return proc.done;
}

/** The console's printed process.memory() results in `output`, as { load, run } (first and second). */
function parseConsoleMemory(output) {
  const marks = {};
  const re = /=\{ free: (\d+), usage: (\d+), total: (\d+),[^}]*?blocksize: (\d+)/g;
  let m;
  for (const point of ['load', 'run']) {
    if ((m = re.exec(output)) === null) break;
    marks[point] = { usage: Number(m[2]), free: Number(m[1]), total: Number(m[3]), blocksize: Number(m[4]) };
  }
  return marks;
}

/** Parses the MARK lines of `output` into { load, run } memory records. */
function parseMarks(output) {
  const marks = {};
  const re = new RegExp(MARK + ' (load|run) (\\d+) (\\d+) (\\d+) (\\d+)', 'g');
  let m;
  while ((m = re.exec(output)) !== null) {
    marks[m[1]] = { usage: Number(m[2]), free: Number(m[3]), total: Number(m[4]), blocksize: Number(m[5]) };
  }
  return marks;
}

/**
 * Calls `start(dir)` in a fresh temporary directory whose emulated flash
 * holds `code` as Storage ".bootcde" (none when empty: Storage cannot hold an
 * empty file), so that `espruino` started there boots it; resolves to what
 * start resolves to, then removes the directory.
 */
async function withBootCode(bin, code, start) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'espruino-mem-'));
  try {
    if (code.length > 0) await writeBootCodeRetrying(bin, dir, code);
    return await start(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `code` on `bin` in a fresh temporary directory and resolves to
 * { code, output } once the process exits (killed after timeoutMs).
 * flash false: `code + tail` is the program file, loaded into RAM.
 * flash true: `code` becomes Storage ".bootcde" (see withBootCode) and
 * `tail` runs with -e after it has booted.
 * `tail` should end with quit(), or the run lasts until the timeout.
 */
function runCode(bin, code, tail, flash, timeoutMs) {
  if (flash) return withBootCode(bin, code, (dir) => runProcess(bin, ['-e', tail], dir, timeoutMs).done);
  return withBootCode(bin, '', (dir) => {
    fs.writeFileSync(path.join(dir, 'prog.js'), code + tail);
    return runProcess(bin, ['prog.js'], dir, timeoutMs).done;
  });
}

/**
 * Runs `code` on `bin` once and measures it. opts: { flash, runMs }.
 * Resolves to { load, run, error, output, code }: load/run are
 * { usage, free, total, blocksize }, undefined when that point was not
 * reached; error is the first error line the interpreter printed ('' if
 * none). After an error the figures are what remained, not what was needed.
 */
async function measureCode(bin, code, opts) {
  const timeoutMs = opts.runMs + SLACK_MS;
  const result = opts.flash
    ? await withBootCode(bin, code, (dir) => consoleMemory(bin, dir, opts.runMs, timeoutMs))
    : await runCode(bin, code, epilogue(opts.runMs), false, timeoutMs);
  const marks = opts.flash ? parseConsoleMemory(result.output) : parseMarks(result.output);
  return { load: marks.load, run: marks.run, error: firstError(result.output), output: result.output, code: result.code };
}

/** Parses argv into { flash, runMs, prelude, files } or throws a usage message. */
function parseArgs(argv) {
  const opts = { flash: false, runMs: 2000, prelude: '', verbose: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--flash') opts.flash = true;
    else if (a === '--run-ms') opts.runMs = Number(argv[++i]);
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--prelude') opts.prelude = fs.readFileSync(argv[++i], 'latin1');
    else if (a.startsWith('-')) throw new Error('unknown option ' + a);
    else opts.files.push(a);
  }
  if (!(opts.runMs >= 0) || opts.files.length === 0) {
    throw new Error('usage: ESPRUINO_BIN=/path node scripts/espruino-mem.js [--flash] [--run-ms N] [--prelude file] [--verbose] bundle.js [...]');
  }
  return opts;
}

/** Formats result rows as a fixed-width table. */
function formatTable(rows) {
  const head = ['bundle', 'mode', 'used@load', 'used@run', 'free@run', 'total', 'blocksize', 'error'];
  const cell = (m, k) => (m ? String(m[k]) : '-');
  const body = rows.map((r) => [r.bundle, r.mode, cell(r.load, 'usage'), cell(r.run, 'usage'),
    cell(r.run, 'free'), cell(r.run || r.load, 'total'), cell(r.run || r.load, 'blocksize'), r.error || '']);
  const all = [head].concat(body);
  const widths = head.map((_, i) => Math.max.apply(null, all.map((row) => row[i].length)));
  return all.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

async function main() {
  const bin = process.env.ESPRUINO_BIN;
  const problem = binProblem(bin);
  if (problem) {
    process.stderr.write('espruino-mem: ' + problem + '\n');
    process.exit(2);
  }
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(e.message + '\n');
    process.exit(2);
  }
  const rows = [];
  for (const file of opts.files) {
    const code = opts.prelude + fs.readFileSync(file, 'latin1');
    const mode = opts.flash ? 'flash' : 'ram';
    try {
      const r = await measureCode(bin, code, opts);
      rows.push({ bundle: file, mode: mode, load: r.load, run: r.run, error: r.error });
      if (opts.verbose) process.stdout.write('--- ' + file + ' (' + mode + ')\n' + consoleText(r.output) + '\n');
    } catch (e) {
      rows.push({ bundle: file, mode: mode, error: e.message.split('\n')[0] });
      process.stderr.write('--- ' + file + ' (' + mode + '): ' + e.message + '\n');
    }
  }
  process.stdout.write(formatTable(rows) + '\n');
  if (rows.some((r) => !r.run)) process.exit(1);
}

module.exports = { binProblem, epilogue, measureCode, runCode, parseMarks, parseConsoleMemory, firstError, consoleText, storageWriteLines, formatTable };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write('espruino-mem: ' + e.stack + '\n');
    process.exit(1);
  });
}

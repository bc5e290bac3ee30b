'use strict';
/**
 * The board bundles the simulator runs (dist/<board>.js), rebuilt with
 * scripts/build.js when missing or older than any source they come from
 * (firmware/, boards/, scripts/build.js and scripts/lib/).
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SOURCES = ['firmware', 'boards', path.join('scripts', 'lib'), path.join('scripts', 'build.js')];
const BOARD_NAMES = ['esp32', 'esp8266', 'linux'];

/** Path of the bundle of `board`. */
function bundlePath(board) {
  return path.join(DIST, board + '.js');
}

/** Newest modification time (ms) of a file or of the files under a directory. */
function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/**
 * Why the bundles of `boards` need a build, or null when they do not: a
 * missing bundle always; one older than its sources only when `checkAge`.
 */
function staleReason(boards, checkAge) {
  const sources = checkAge ? Math.max.apply(null, SOURCES.map((s) => newestMtime(path.join(ROOT, s)))) : 0;
  for (const b of boards) {
    const file = bundlePath(b);
    if (!fs.existsSync(file)) return 'dist/' + b + '.js is missing';
    if (checkAge && fs.statSync(file).mtimeMs < sources) return 'dist/' + b + '.js is older than its sources';
  }
  return null;
}

/**
 * Makes sure dist/<board>.js exists for each of `o.boards` (default all
 * three) and, with `o.checkAge`, is newer than its sources, running
 * `node scripts/build.js` (all boards) when not; `o.say(line)` is told why a
 * build runs. Tests pass checkAge false: `npm test` builds first, and
 * parallel test files must not rebuild under each other. Throws with the
 * build output when the build fails. Returns true when it built.
 */
function ensureBuilt(o) {
  const opts = o || {};
  const reason = staleReason(opts.boards || BOARD_NAMES, opts.checkAge === true);
  if (reason === null) return false;
  if (opts.say) opts.say('building (' + reason + '): node scripts/build.js');
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    throw new Error('build failed:\n' + (e.stdout || '') + (e.stderr || e.message));
  }
  return true;
}

module.exports = { ensureBuilt, staleReason, bundlePath, BOARD_NAMES, ROOT, DIST };

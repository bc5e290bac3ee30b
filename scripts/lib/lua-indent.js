/*
 * Leading indentation removed from typescript-to-lua output: about a quarter
 * of the bundle's bytes, which a NodeMCU board would store and parse for
 * nothing. Line breaks stay, so Lua error messages keep their line numbers.
 * This is safe only while no token spans lines (a long string or comment
 * `[[ ]]` / `[==[ ]==]`, or a quoted string continued by a backslash-newline):
 * tstl emits none today, and stripIndentation refuses to run if it ever does.
 */
'use strict';

/** True if a long bracket `[[` or `[=*[` opens at `lua[i]`. */
function longBracketAt(lua, i) {
  let j = i + 1;
  while (lua[j] === '=') j++;
  return lua[i] === '[' && lua[j] === '[';
}

/**
 * Lines (1-based) of `lua` where a token starts that spans lines, or may:
 * every long bracket, and quoted strings holding a newline. Skips short
 * comments and the contents of quoted strings.
 */
function multiLineTokens(lua) {
  const found = [];
  let line = 1;
  for (let i = 0; i < lua.length; i++) {
    const c = lua[i];
    if (c === '\n') {
      line++;
    } else if (c === '"' || c === "'") {
      const start = line;
      for (i++; i < lua.length && lua[i] !== c; i++) {
        if (lua[i] === '\\') i++;
        if (lua[i] === '\n') {
          line++;
          if (found[found.length - 1] !== start) found.push(start);
        }
      }
    } else if (longBracketAt(lua, i)) {
      found.push(line);
    } else if (c === '-' && lua[i + 1] === '-' && !longBracketAt(lua, i + 2)) {
      // A short comment, to the end of the line (a long one is found at its bracket).
      const end = lua.indexOf('\n', i);
      i = (end < 0 ? lua.length : end) - 1;
    }
  }
  return found;
}

/** `lua` without leading spaces and tabs on any line; throws if a token spans lines. */
function stripIndentation(lua) {
  const lines = multiLineTokens(lua);
  if (lines.length > 0) {
    throw new Error('Lua build failed: tokens spanning lines (long strings or comments, backslash-newline) at line(s) ' +
      lines.slice(0, 10).join(', ') + ': removing indentation could change them (scripts/lib/lua-indent.js)');
  }
  return lua.replace(/^[ \t]+/gm, '');
}

module.exports = { multiLineTokens, stripIndentation };

/**
 * Which property names board bundles shorten (scripts/lib/mangle-names.js),
 * and that the shipped board bundles keep what the outside world reads.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const { mangleableNames, boardMangleProps } = require(path.join(ROOT, 'scripts', 'lib', 'mangle-names.js')) as
  { mangleableNames(): string[]; boardMangleProps(): RegExp };

describe('mangleable property names', () => {
  const names = mangleableNames();

  test('include members only our code declares', () => {
    for (const own of ['onPublishDone', 'onOpenFailed', 'outboxMessages', 'freeBlocks']) expect(names).toContain(own);
  });

  test('exclude built-in members (ES2017 lib)', () => {
    for (const builtIn of ['length', 'indexOf', 'charCodeAt', 'push', 'message', 'toString']) expect(names).not.toContain(builtIn);
  });

  test('exclude the Espruino API (espruino.d.ts and ambient declarations in our sources)', () => {
    // write/connect/on: sockets; deepSleep: ESP8266; memory: `declare const process` in platform.ts.
    for (const api of ['write', 'connect', 'on', 'end', 'deepSleep', 'memory', 'getTime']) expect(names).not.toContain(api);
  });

  test('exclude node.json keys (parsed from Storage at run time)', () => {
    for (const key of ['nodeId', 'wifi', 'ssid', 'broker', 'keepAlive', 'cleanSession', 'topicPrefix', 'interval', 'deepSleep', 'sensors', 'scale']) {
      expect(names).not.toContain(key);
    }
  });

  test('the esbuild pattern matches exactly those names and the `_` private convention', () => {
    const re = boardMangleProps();
    expect(re.test('onPublishDone')).toBe(true);
    expect(re.test('pump_')).toBe(true);
    expect(re.test('onPublishDoneX')).toBe(false);
    expect(re.test('length')).toBe(false);
  });
});

describe('shipped board bundles (dist/, built by npm test)', () => {
  const boards = ['esp32', 'esp8266', 'linux'];

  test.each(boards)('dist/%s.js has no long own member names and keeps the node.json keys', (board) => {
    const code = fs.readFileSync(path.join(ROOT, 'dist', board + '.js'), 'latin1');
    for (const own of ['onPublishDone', 'outboxMessages', 'telemetryTopic']) expect(code).not.toContain(own);
    for (const key of ['.nodeId', '.topicPrefix', '.keepAlive']) expect(code).toContain(key);
  });
});

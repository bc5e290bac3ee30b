'use strict';
/** Shared helpers for the simulator tests: start a node on a bundle string and wait for its output. */
const net = require('net');
const { createNode } = require('../../sim/node-vm');

const started = [];

/** Creates a node (not started) that records its log lines; stopAll() stops it. */
function makeNode(options) {
  const node = createNode(Object.assign({ id: 'n' + started.length, seed: 42 }, options));
  node.lines = [];
  node.events.on('log', (e) => node.lines.push(e.line));
  started.push(node);
  return node;
}

/** Creates and starts a node; every node is stopped by stopAll(). */
function startNode(options) {
  return makeNode(options).start();
}

/** Stops every node started by startNode (use in afterEach). */
function stopAll() {
  while (started.length) started.pop().stop();
}

/** Resolves with the first log line matching `re` (bounded wait). */
function waitForLine(node, re, timeoutMs) {
  return new Promise((resolve, reject) => {
    const hit = node.lines.find((l) => re.test(l));
    if (hit) return resolve(hit);
    const timer = setTimeout(() => {
      node.events.removeListener('log', onLog);
      reject(new Error('timeout waiting for ' + re + '; log so far:\n' + node.lines.join('\n')));
    }, timeoutMs || 5000);
    function onLog(e) {
      if (re.test(e.line)) {
        clearTimeout(timer);
        node.events.removeListener('log', onLog);
        resolve(e.line);
      }
    }
    node.events.on('log', onLog);
  });
}

/** Resolves once `line` has been logged `count` times (bounded wait). */
async function waitForCount(node, line, count, timeoutMs) {
  const end = Date.now() + (timeoutMs || 5000);
  while (node.lines.filter((l) => l === line).length < count) {
    if (Date.now() > end) throw new Error('timeout waiting for ' + count + ' x ' + line);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Parses the JSON after "PREFIX " in a log line. */
function payload(line) {
  return JSON.parse(line.slice(line.indexOf(' ') + 1));
}

const listening = [];

/** Starts a TCP server on 127.0.0.1 with `onConnection`; resolves {server, port, sockets}. cleanup() closes it. */
function listen(onConnection) {
  return new Promise((resolve) => {
    const sockets = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
      onConnection(s);
    });
    server.listen(0, '127.0.0.1', () => {
      const srv = { server, port: server.address().port, sockets };
      listening.push(srv);
      resolve(srv);
    });
  });
}

/** Closes a server and destroys its connections. */
function close(srv) {
  const i = listening.indexOf(srv);
  if (i >= 0) listening.splice(i, 1);
  for (const s of srv.sockets) s.destroy();
  return new Promise((resolve) => srv.server.close(() => resolve()));
}

/** Stops every node and closes every server still listening (use in afterEach). */
async function cleanup() {
  stopAll();
  while (listening.length) await close(listening[listening.length - 1]);
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { makeNode, startNode, stopAll, cleanup, waitForLine, waitForCount, payload, listen, close, delay };

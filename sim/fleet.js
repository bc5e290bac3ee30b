'use strict';
/**
 * A fleet of simulated nodes: N devices of one board running the same
 * dist/<board>.js, each with its own identity (nodeId, MAC, IP, RNG seed)
 * given through the Storage file node.json (sim/config.js). It is what
 * `npm start` runs and the place where fleet-wide scenarios (chaos: Wi-Fi
 * drops, reboots, broker outages) are meant to grow.
 */
const fs = require('fs');
const { createNode } = require('./node-vm');
const { nodeConfig, nodeFiles } = require('./config');
const { bundlePath } = require('./dist');

/**
 * Creates (does not start) `o.count` nodes of `o.board`.
 * @param {object} o
 * @param {'esp32'|'esp8266'|'linux'} o.board
 * @param {number} o.count
 * @param {{host?: string, port: number}} o.broker where the nodes connect
 * @param {string} [o.idPrefix] node ids are idPrefix + 1..count (default "sim-")
 * @param {number} [o.interval] seconds between readings (default 5)
 * @param {number} [o.timeScale] real ms per simulated ms (default 1)
 * @param {object} [o.config] more nodeConfig() fields for every node (keepAlive, deepSleep, tls...)
 * @param {object} [o.node] more createNode() options for every node (sensors, wifi, abruptClose...)
 * @param {string} [o.bundlePath] default dist/<board>.js
 * @param {(id: string, line: string) => void} [o.log] console output of the nodes
 * @returns {{board: string, nodes: import('./node-vm').SimNode[], start(): void, stop(): void, byId(id: string): any}}
 */
function createFleet(o) {
  if (!(o.count >= 1)) throw new Error('fleet: count must be at least 1');
  const file = o.bundlePath || bundlePath(o.board);
  // One read for the whole fleet: every node runs the same bytes.
  const bundle = fs.readFileSync(file, 'latin1');
  const prefix = o.idPrefix === undefined ? 'sim-' : o.idPrefix;
  const nodes = [];
  for (let i = 1; i <= o.count; i++) {
    const id = prefix + i;
    const config = nodeConfig(o.board, Object.assign({ nodeId: id, host: o.broker.host, port: o.broker.port, interval: o.interval || 5 }, o.config || {}));
    nodes.push(createNode(Object.assign({
      board: o.board,
      bundle,
      bundlePath: file,
      id,
      seed: i,
      timeScale: o.timeScale === undefined ? 1 : o.timeScale,
      files: nodeFiles(config),
      log: o.log ? (line) => o.log(id, line) : undefined,
    }, o.node || {})));
  }
  return {
    board: o.board,
    nodes,
    /** Powers every node on. */
    start() {
      for (const n of nodes) n.start();
    },
    /** Powers every node off (sockets reset, timers cleared). Idempotent. */
    stop() {
      for (const n of nodes) n.stop();
    },
    /** The node with this id, or undefined. */
    byId(id) {
      return nodes.find((n) => n.id === id);
    },
  };
}

module.exports = { createFleet };

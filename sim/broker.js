'use strict';
/**
 * An embedded MQTT broker for `npm start`: aedes 1.x on a loopback port.
 * aedes 1.x is an ES module; this CommonJS file loads it with import().
 */
const net = require('net');

/**
 * Starts aedes on 127.0.0.1:`port` (0: a free port) and resolves with
 * { url, port, close(): Promise } once it listens.
 */
async function startEmbeddedBroker(port) {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port || 0, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: 'mqtt://127.0.0.1:' + actual,
    port: actual,
    /** Closes the broker and the listener; clients still connected are cut off. */
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

module.exports = { startEmbeddedBroker };

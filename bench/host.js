/*
 * The smallest Node host for the shipped core (dist/mqtt.js): one socket,
 * latin1 byte strings both ways, a 1 s tick for keepalive. No supervisor:
 * a benchmark run either connects or fails.
 */
'use strict';

const net = require('net');

/**
 * Connects a client made by MQTT.createClient(options) to 127.0.0.1:port and
 * resolves to { client, close() } once the broker accepted it (onConnect);
 * rejects on a socket error or close before that.
 */
function connectOurs(MQTT, port, options) {
  return new Promise((resolve, reject) => {
    let timer;
    const socket = net.connect({ host: '127.0.0.1', port: port });
    socket.setNoDelay(true);
    const close = () =>
      new Promise((done) => {
        clearInterval(timer);
        if (socket.destroyed) return done();
        socket.once('close', () => done());
        client.disconnect();
        setTimeout(() => socket.destroy(), 500).unref();
      });
    const client = MQTT.createClient(
      Object.assign({}, options, {
        onConnect: () => resolve({ client: client, close: close }),
        onClose: (reason) => reject(new Error('closed: ' + reason)),
      }),
    );
    const transport = {
      write: (data) => (socket.destroyed ? false : socket.write(data, 'latin1')),
      close: () => {
        if (!socket.destroyed) socket.end();
      },
    };
    socket.on('data', (chunk) => client.onData(chunk.toString('latin1'), Date.now()));
    socket.on('error', (e) => reject(e));
    socket.on('close', () => {
      clearInterval(timer);
      client.onClose(Date.now());
    });
    socket.once('connect', () => {
      client.connect(transport, Date.now());
      timer = setInterval(() => client.tick(Date.now()), 1000);
    });
  });
}

module.exports = { connectOurs };

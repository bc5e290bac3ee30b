/*
 * QoS 1 publishers for the benchmark, both driven the same way: a fixed
 * window of `window` messages outstanding (published, PUBACK not yet
 * received); each PUBACK releases the next publish. Our client bounds its
 * in-flight window itself (maxInflight); MQTT.js writes every publish() at
 * once and has no such bound, so its window is kept by publishing from the
 * completion callback. Same window, same payload, same broker: a fair race.
 */
'use strict';

const path = require('path');
const { connectOurs } = require('./host');

const TOPIC = 'bench/qos1';

/**
 * Our client (dist/mqtt.js) on a Node socket. Resolves to
 * { run(count, payloadBytes) -> Promise<ms>, close() }; run() may be called
 * again on the same connection (the heap benchmark warms up first).
 */
async function oursRunner(MQTT, port, window, clientId) {
  const job = { left: 0, done: 0, count: 0, payload: '', finish: null, fail: null };
  const publishNext = () => {
    job.left--;
    const r = conn.client.publish(TOPIC, job.payload, 1, false);
    if (typeof r === 'string') job.fail(new Error('publish refused: ' + r));
  };
  const conn = await connectOurs(MQTT, port, {
    clientId: clientId,
    keepAlive: 60,
    maxInflight: window,
    // Room for exactly the window: a refusal would reveal a window leak.
    maxMessages: window,
    maxBytes: 1000000,
    overflow: 'reject',
    onPublishDone: (msg, outcome) => {
      if (outcome !== 'acked') return job.fail(new Error('outcome ' + outcome));
      job.done++;
      if (job.left > 0) publishNext();
      else if (job.done === job.count) job.finish();
    },
  });
  const run = (count, payloadBytes) =>
    new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      job.count = count;
      job.left = count;
      job.done = 0;
      job.payload = 'x'.repeat(payloadBytes);
      job.finish = () => resolve(Number(process.hrtime.bigint() - start) / 1e6);
      job.fail = reject;
      for (let i = 0; i < window && job.left > 0; i++) publishNext();
    });
  return { run: run, close: conn.close };
}

/** MQTT.js 5 with the same window kept by hand. Same shape as oursRunner. */
async function mqttjsRunner(port, window, clientId) {
  const mqtt = require(path.join(__dirname, '..', 'node_modules', 'mqtt'));
  const client = await mqtt.connectAsync('mqtt://127.0.0.1:' + port, { clientId: clientId, reconnectPeriod: 0, keepalive: 60 });
  const run = (count, payloadBytes) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.alloc(payloadBytes, 'x');
      const start = process.hrtime.bigint();
      let left = count;
      let done = 0;
      const onAck = (err) => {
        if (err) return reject(err);
        done++;
        if (left > 0) publishNext();
        else if (done === count) resolve(Number(process.hrtime.bigint() - start) / 1e6);
      };
      const publishNext = () => {
        left--;
        client.publish(TOPIC, payload, { qos: 1 }, onAck);
      };
      for (let i = 0; i < window && left > 0; i++) publishNext();
    });
  return { run: run, close: () => client.endAsync() };
}

module.exports = { oursRunner, mqttjsRunner };

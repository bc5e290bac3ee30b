/**
 * The public API of dist/mqtt.js, the MQTT client library: exposed on
 * Espruino as the one global object `MQTT` (and as module.exports where a
 * CommonJS `module` exists). Factories rather than classes, so that Lua hosts
 * of the same core need no `new`.
 *
 *   var c = MQTT.createClient({ clientId: "n1", onConnect: ..., onClose: ... });
 *   var p = MQTT.createPublisher({ clientId: "n2" }); // the same, without subscribe/unsubscribe
 *   var s = MQTT.createSupervisor({ client: c, host: "broker", open: ..., random: Math.random });
 *
 * Only what a client needs: the client encodes and decodes through the
 * codec's client-side entry points, so the broker-side encoders (CONNACK,
 * SUBACK...) and decoders (CONNECT, SUBSCRIBE...) stay out of this bundle.
 * The full codec of all 14 packets is dist/mqtt-codec.js (codec-entry.ts).
 */
export { createClient } from './client';
export { createPublisher } from './publisher';
export { createSupervisor } from './supervisor';
export { codecErrorMessage } from './errors';
export { topicMatches } from './router';

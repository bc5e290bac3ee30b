/**
 * The public API of dist/mqtt.js, the MQTT core as a standalone library:
 * exposed on Espruino as the one global object `MQTT` (and as module.exports
 * where a CommonJS `module` exists). Factories rather than classes, so that
 * Lua hosts of the same core need no `new`.
 *
 *   var c = MQTT.createClient({ clientId: "n1", onConnect: ..., onClose: ... });
 *   var p = MQTT.createPublisher({ clientId: "n2" }); // the same, without subscribe/unsubscribe
 *   var s = MQTT.createSupervisor({ client: c, host: "broker", open: ..., random: Math.random });
 */
export { createClient } from './client';
export { createPublisher } from './publisher';
export { createSupervisor } from './supervisor';
export { createFramer } from './framer';
export { encodePacket } from './encode';
export { codecErrorMessage } from './errors';
export { topicMatches } from './router';

/**
 * The public API of dist/mqtt-codec.js, the full MQTT 3.1.1 codec for tools,
 * tests and broker-side code: the global object `MQTTCodec` (module.exports
 * under CommonJS). A client needs none of it (dist/mqtt.js).
 *
 *   var bytes = MQTTCodec.encodePacket({ type: 12 }); // PINGREQ; undefined when not encodable
 *   var f = MQTTCodec.createFramer(4096);             // f.push(chunk); f.next(); f.error
 *   MQTTCodec.codecErrorMessage(f.error);
 */
export { encodePacket } from './encode';
export { createFramer } from './framer';
export { codecErrorMessage } from './errors';

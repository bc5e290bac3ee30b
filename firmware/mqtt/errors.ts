/**
 * The closed set of codec error codes. A code is a short string so that it
 * reads well in logs on every target (JS and Lua); `codecErrorMessage` turns
 * it into a sentence. Messages live in a function body, not a table, so that
 * on Espruino they stay in flash until one is needed.
 */
export type CodecError =
  | 'MALFORMED_LENGTH' // remaining length uses more than 4 bytes [MQTT 2.2.3]
  | 'PACKET_TOO_LARGE' // remaining length over the configured maximum packet size
  | 'UNKNOWN_TYPE' // control packet type 0 or 15 [MQTT 2.2.1]
  | 'UNEXPECTED_TYPE' // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ or DISCONNECT sent to a client
  | 'BAD_FLAGS' // fixed-header, CONNECT or CONNACK flag bits set wrongly [MQTT 2.2.2, MQTT-3.2.2-4]
  | 'BAD_QOS' // QoS 3 [MQTT-3.3.1-4]
  | 'ZERO_PACKET_ID' // packet identifier 0 where one is required [MQTT-2.3.1-1]
  | 'TOPIC_WILDCARD' // '+' or '#' in a PUBLISH topic name [MQTT-3.3.2-2]
  | 'BAD_FILTER' // '+' or '#' misplaced in a topic filter [MQTT-4.7.1-2, MQTT-4.7.1-3]
  | 'EMPTY_TOPIC' // zero-length topic name or filter [MQTT-4.7.3-1]
  | 'BAD_UTF8' // ill-formed UTF-8 or U+0000 in a string [MQTT-1.5.3-1, MQTT-1.5.3-2]
  | 'TRUNCATED' // a field runs past the end of the packet
  | 'BAD_LENGTH' // remaining length wrong for the packet type, or bytes left over
  | 'BAD_PROTOCOL' // CONNECT protocol name is not "MQTT" or level is not 4 [MQTT-3.1.2-1]
  | 'NO_TOPICS' // SUBSCRIBE/UNSUBSCRIBE without any topic filter [MQTT-3.8.3-3]
  | 'BAD_RETURN_CODE' // CONNACK or SUBACK return code outside the spec's set
  | 'NOT_DRAINED'; // Framer.push() while bytes of the previous chunk were unread (caller error)

/** A readable sentence for a codec error code. */
export function codecErrorMessage(code: CodecError): string {
  switch (code) {
    case 'MALFORMED_LENGTH':
      return 'remaining length is longer than 4 bytes';
    case 'PACKET_TOO_LARGE':
      return 'packet is larger than the maximum packet size';
    case 'UNKNOWN_TYPE':
      return 'unknown control packet type';
    case 'UNEXPECTED_TYPE':
      return 'a client never receives this control packet type';
    case 'BAD_FLAGS':
      return 'flag bits are set wrongly';
    case 'BAD_QOS':
      return 'QoS 3 is not a valid quality of service';
    case 'ZERO_PACKET_ID':
      return 'packet identifier 0 is not allowed';
    case 'TOPIC_WILDCARD':
      return 'PUBLISH topic name contains a wildcard';
    case 'BAD_FILTER':
      return 'topic filter has a misplaced wildcard';
    case 'EMPTY_TOPIC':
      return 'topic name or filter is empty';
    case 'BAD_UTF8':
      return 'string is not well-formed UTF-8 or contains U+0000';
    case 'TRUNCATED':
      return 'a field runs past the end of the packet';
    case 'BAD_LENGTH':
      return 'remaining length does not match the packet contents';
    case 'BAD_PROTOCOL':
      return 'protocol name is not MQTT or protocol level is not 4';
    case 'NO_TOPICS':
      return 'SUBSCRIBE or UNSUBSCRIBE carries no topic filter';
    case 'BAD_RETURN_CODE':
      return 'return code is not defined by the specification';
    case 'NOT_DRAINED':
      return 'a chunk was pushed before the previous one was read to the end';
  }
}

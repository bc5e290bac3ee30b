/**
 * Oracle cross-check of our codec against mqtt-packet (protocolVersion 4), on
 * seeded random VALID packets of all 14 types, in both directions:
 *  (a) mqtt-packet generate() -> our Framer decodes the same fields;
 *  (b) our encodePacket() -> mqtt-packet's parser reads the same fields;
 *  (c) both encoders produce the same bytes (MQTT 3.1.1 has one encoding of a
 *      packet record, so any difference is a bug on one side).
 * The only translation between the two vocabularies is toMqttPacket /
 * fromMqttPacket below; mqtt-packet's quirks are handled there and nowhere else.
 */
import * as mqttPacket from 'mqtt-packet';
import { encodePacket } from '../../firmware/mqtt/encode';
import { decodePacket } from '../../firmware/mqtt/decode';
import { Framer } from '../../firmware/mqtt/framer';
import { Packet, PacketType } from '../../firmware/mqtt/packets';
import { fromByteString, hex, toByteString } from '../support/bytes';
import { randomPacket, Rng } from '../support/random';

const SEED = 0x5eed0a11;
const COUNT = 5000;
/** Generated packets are at most ~2.1 KB; leave head room. */
const MAX_PACKET_SIZE = 8192;

const CMD_BY_TYPE: { [type: number]: mqttPacket.PacketCmd } = {
  [PacketType.CONNECT]: 'connect',
  [PacketType.CONNACK]: 'connack',
  [PacketType.PUBLISH]: 'publish',
  [PacketType.PUBACK]: 'puback',
  [PacketType.PUBREC]: 'pubrec',
  [PacketType.PUBREL]: 'pubrel',
  [PacketType.PUBCOMP]: 'pubcomp',
  [PacketType.SUBSCRIBE]: 'subscribe',
  [PacketType.SUBACK]: 'suback',
  [PacketType.UNSUBSCRIBE]: 'unsubscribe',
  [PacketType.UNSUBACK]: 'unsuback',
  [PacketType.PINGREQ]: 'pingreq',
  [PacketType.PINGRESP]: 'pingresp',
  [PacketType.DISCONNECT]: 'disconnect',
};
const TYPE_BY_CMD: { [cmd: string]: number } = {};
for (const t of Object.keys(CMD_BY_TYPE)) TYPE_BY_CMD[CMD_BY_TYPE[Number(t)]] = Number(t);

/**
 * Our record -> mqtt-packet's object. Quirks: byte strings become Buffers;
 * packet identifiers are `messageId`, omitted for QoS 0 PUBLISH; SUBACK codes
 * are `granted`; UNSUBSCRIBE filters are `unsubscriptions`; CONNECT needs an
 * explicit protocolId/protocolVersion and calls clean session `clean`.
 */
function toMqttPacket(p: Packet): mqttPacket.Packet {
  switch (p.type) {
    case PacketType.CONNECT: {
      const out: mqttPacket.IConnectPacket = {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: p.clientId,
        clean: p.cleanSession,
        keepalive: p.keepAlive,
      };
      if (p.will) {
        const w = p.will;
        out.will = { topic: w.topic, payload: fromByteString(w.payload), qos: w.qos, retain: w.retain };
      }
      if (p.username !== undefined) out.username = p.username;
      if (p.password !== undefined) out.password = fromByteString(p.password);
      return out;
    }
    case PacketType.CONNACK:
      return { cmd: 'connack', sessionPresent: p.sessionPresent, returnCode: p.returnCode };
    case PacketType.PUBLISH: {
      const out: mqttPacket.IPublishPacket = {
        cmd: 'publish',
        topic: p.topic,
        payload: fromByteString(p.payload),
        qos: p.qos,
        dup: p.dup,
        retain: p.retain,
      };
      if (p.qos > 0) out.messageId = p.packetId;
      return out;
    }
    case PacketType.SUBSCRIBE:
      return {
        cmd: 'subscribe',
        messageId: p.packetId,
        subscriptions: p.subscriptions.map((s) => ({ topic: s.topic, qos: s.qos })),
      };
    case PacketType.SUBACK:
      return { cmd: 'suback', messageId: p.packetId, granted: p.returnCodes.slice() };
    case PacketType.UNSUBSCRIBE:
      return { cmd: 'unsubscribe', messageId: p.packetId, unsubscriptions: p.topics.slice() };
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
    case PacketType.DISCONNECT:
      return { cmd: CMD_BY_TYPE[p.type] } as mqttPacket.Packet;
    default:
      return { cmd: CMD_BY_TYPE[p.type], messageId: p.packetId } as mqttPacket.Packet;
  }
}

/** A parsed mqtt-packet object -> our record; its extra fields (length, and
 * topic/payload/qos/dup/retain = null/0 on non-PUBLISH packets) are dropped. */
function fromMqttPacket(m: mqttPacket.Packet): Packet {
  const type = TYPE_BY_CMD[m.cmd];
  switch (m.cmd) {
    case 'connect': {
      if (m.protocolId !== 'MQTT' || m.protocolVersion !== 4) {
        throw new Error('mqtt-packet read protocol ' + m.protocolId + ' v' + m.protocolVersion);
      }
      const out: Packet = {
        type: PacketType.CONNECT,
        clientId: m.clientId,
        cleanSession: m.clean === true,
        keepAlive: m.keepalive === undefined ? -1 : m.keepalive,
      };
      if (m.will) {
        const w = m.will;
        const payload = typeof w.payload === 'string' ? Buffer.from(w.payload, 'utf8') : w.payload;
        out.will = { topic: w.topic, payload: toByteString(payload), qos: w.qos || 0, retain: w.retain === true };
      }
      if (m.username !== undefined) out.username = m.username;
      if (m.password !== undefined) out.password = toByteString(m.password);
      return out;
    }
    case 'connack':
      return { type: PacketType.CONNACK, sessionPresent: m.sessionPresent, returnCode: m.returnCode as number };
    case 'publish': {
      const payload = typeof m.payload === 'string' ? Buffer.from(m.payload, 'utf8') : m.payload;
      return {
        type: PacketType.PUBLISH,
        dup: m.dup,
        qos: m.qos,
        retain: m.retain,
        topic: m.topic,
        packetId: m.qos > 0 ? (m.messageId as number) : 0,
        payload: toByteString(payload),
      };
    }
    case 'subscribe':
      return {
        type: PacketType.SUBSCRIBE,
        packetId: m.messageId as number,
        subscriptions: m.subscriptions.map((s) => ({ topic: s.topic, qos: s.qos })),
      };
    case 'suback':
      return { type: PacketType.SUBACK, packetId: m.messageId as number, returnCodes: m.granted as number[] };
    case 'unsubscribe':
      return { type: PacketType.UNSUBSCRIBE, packetId: m.messageId as number, topics: m.unsubscriptions };
    case 'pingreq':
    case 'pingresp':
    case 'disconnect':
      return { type } as Packet;
    default:
      return { type, packetId: m.messageId } as Packet;
  }
}

/** The random packets shared by every direction (same seed, same list). */
function packets(): Packet[] {
  const rng = new Rng(SEED);
  const out: Packet[] = [];
  for (let i = 0; i < COUNT; i++) out.push(randomPacket(rng));
  return out;
}

/** Runs `check` on every packet; returns the first few failures, described. */
function failuresOf(list: Packet[], check: (p: Packet) => string | undefined): string[] {
  const failures: string[] = [];
  for (let i = 0; i < list.length && failures.length < 3; i++) {
    let problem: string | undefined;
    try {
      problem = check(list[i]);
    } catch (e) {
      problem = 'threw ' + String(e);
    }
    if (problem !== undefined) {
      failures.push('#' + i + ' ' + problem + '\n  packet: ' + show(list[i]));
    }
  }
  return failures;
}

/** JSON of a packet record with byte strings (payload, password) shown as hex. */
function show(p: unknown): string {
  return JSON.stringify(p, (key, value) =>
    (key === 'payload' || key === 'password') && typeof value === 'string' ? 'hex:' + hex(value) : value,
  );
}

/** undefined when equal (jest's toEqual rules), else what we got. */
function mismatch(got: unknown, want: unknown): string | undefined {
  try {
    expect(got).toEqual(want);
    return undefined;
  } catch {
    return 'got ' + show(got);
  }
}

describe('oracle vs mqtt-packet 9 (seed 0x' + SEED.toString(16) + ', ' + COUNT + ' packets)', () => {
  const list = packets();

  test('the random packets cover all 14 types', () => {
    const seen = new Set(list.map((p) => p.type));
    expect(seen.size).toBe(14);
  });

  test('(a) mqtt-packet generate -> our Framer decodes the same fields', () => {
    const framer = new Framer(MAX_PACKET_SIZE, decodePacket);
    const failures = failuresOf(list, (p) => {
      const wire = toByteString(mqttPacket.generate(toMqttPacket(p)));
      framer.push(wire);
      const got = framer.next();
      if (framer.error !== undefined) return 'framer error ' + framer.error + ' on ' + hex(wire);
      const extra = framer.next();
      if (extra !== undefined) return 'framer produced a second packet ' + JSON.stringify(extra);
      if (framer.buffered() !== 0) return 'framer kept ' + framer.buffered() + ' bytes';
      return mismatch(got, p);
    });
    expect(failures).toEqual([]);
  });

  test('(a) the same stream split into random chunks decodes to the same sequence', () => {
    const rng = new Rng(SEED + 1);
    let stream = '';
    for (const p of list) stream += toByteString(mqttPacket.generate(toMqttPacket(p)));
    const framer = new Framer(MAX_PACKET_SIZE, decodePacket);
    const got: Packet[] = [];
    for (let at = 0; at < stream.length; ) {
      // Espruino delivers at most 536 bytes per `data` event on ESP32/Linux.
      const n = rng.int(1, 536);
      framer.push(stream.substring(at, at + n));
      at += n;
      for (let p = framer.next(); p !== undefined; p = framer.next()) got.push(p);
      expect(framer.error).toBeUndefined();
    }
    expect(got.length).toBe(list.length);
    const firstBad = got.findIndex((p, i) => mismatch(p, list[i]) !== undefined);
    expect(firstBad === -1 ? 'all equal' : '#' + firstBad + ' got ' + show(got[firstBad]) + ' want ' + show(list[firstBad])).toBe(
      'all equal',
    );
  });

  test('(b) our encodePacket -> mqtt-packet parser reads the same fields, no error', () => {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const parsed: mqttPacket.Packet[] = [];
    const errors: string[] = [];
    parser.on('packet', (m: mqttPacket.Packet) => parsed.push(m));
    parser.on('error', (e: Error) => errors.push(e.message));
    const failures = failuresOf(list, (p) => {
      const wire = encodePacket(p);
      if (wire === undefined) return 'encodePacket returned undefined';
      parsed.length = 0;
      parser.parse(fromByteString(wire));
      if (errors.length > 0) return 'mqtt-packet error: ' + errors.splice(0).join('; ') + ' on ' + hex(wire);
      if (parsed.length !== 1) return 'mqtt-packet parsed ' + parsed.length + ' packets from ' + hex(wire);
      return mismatch(fromMqttPacket(parsed[0]), p);
    });
    expect(failures).toEqual([]);
  });

  test('(c) our encodePacket produces the same bytes as mqtt-packet generate', () => {
    const failures = failuresOf(list, (p) => {
      const ours = encodePacket(p);
      const theirs = toByteString(mqttPacket.generate(toMqttPacket(p)));
      return ours === theirs ? undefined : 'ours ' + (ours === undefined ? 'undefined' : hex(ours)) + ' theirs ' + hex(theirs);
    });
    expect(failures).toEqual([]);
  });
});

/**
 * The client-side decoder (decodeFromBroker, what the client's framer uses):
 * it agrees with the full decoder on every packet a broker may send, refuses
 * the five a broker never sends with UNEXPECTED_TYPE, and the client closes
 * with PROTOCOL_ERROR on them.
 */
import * as mp from 'mqtt-packet';
import { decodeFromBroker, decodePacket } from '../../firmware/mqtt/decode';
import { codecErrorMessage } from '../../firmware/mqtt/errors';
import { Framer } from '../../firmware/mqtt/framer';
import { PacketType } from '../../firmware/mqtt/packets';
import { errorFixtures, fixtures } from '../fixtures/packets';
import { harness, wire } from '../support/scripted-transport';
import { fromBytes, splitPacket } from './codec-helpers';

const TO_BROKER_ONLY: number[] = [
  PacketType.CONNECT,
  PacketType.SUBSCRIBE,
  PacketType.UNSUBSCRIBE,
  PacketType.PINGREQ,
  PacketType.DISCONNECT,
];

const typeOf = (bytes: number[]) => Math.floor(bytes[0] / 16);

describe('decodeFromBroker', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s: as decodePacket, or UNEXPECTED_TYPE', (_name, f) => {
    const { firstByte, body } = splitPacket(f.bytes);
    const expected = TO_BROKER_ONLY.includes(f.packet.type) ? 'UNEXPECTED_TYPE' : f.packet;
    expect(decodeFromBroker(firstByte, body)).toEqual(expected);
  });

  it('gives the same code as decodePacket for every malformed packet a broker may send', () => {
    const checked = errorFixtures.filter((f) => {
      const t = typeOf(f.bytes);
      return t > 0 && t < 15 && !TO_BROKER_ONLY.includes(t) && f.maxPacketSize === undefined && f.error !== 'MALFORMED_LENGTH';
    });
    expect(checked.length).toBeGreaterThan(20);
    for (const f of checked) {
      const { firstByte, body } = splitPacket(f.bytes);
      expect([f.name, decodeFromBroker(firstByte, body)]).toEqual([f.name, decodePacket(firstByte, body)]);
    }
  });

  it('has a message for UNEXPECTED_TYPE', () => {
    expect(codecErrorMessage('UNEXPECTED_TYPE')).toMatch(/client/);
  });

  it('is what a Framer uses when given it', () => {
    const framer = new Framer(100, decodeFromBroker);
    framer.push(fromBytes([0xd0, 0x00, 0xc0, 0x00]));
    expect(framer.next()).toEqual({ type: PacketType.PINGRESP });
    expect(framer.next()).toBeUndefined();
    expect(framer.error).toBe('UNEXPECTED_TYPE');
  });
});

describe('client receiving a packet only a broker may receive', () => {
  const packets: [string, mp.Packet][] = [
    ['CONNECT', { cmd: 'connect', clientId: 'x', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0 } as mp.IConnectPacket],
    ['SUBSCRIBE', { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] } as mp.ISubscribePacket],
    ['UNSUBSCRIBE', { cmd: 'unsubscribe', messageId: 1, unsubscriptions: ['a'] } as mp.IUnsubscribePacket],
    ['PINGREQ', { cmd: 'pingreq' }],
    ['DISCONNECT', { cmd: 'disconnect' }],
  ];
  it.each(packets)('%s closes with PROTOCOL_ERROR / UNEXPECTED_TYPE', (_name, packet) => {
    const h = harness();
    const t = h.online();
    h.feed(wire(packet));
    expect(h.ev.closes).toEqual([['PROTOCOL_ERROR', 'UNEXPECTED_TYPE']]);
    expect(t.closes).toBe(1);
  });
});

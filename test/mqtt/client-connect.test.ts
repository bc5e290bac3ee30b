/**
 * Client connection lifecycle on a scripted transport and a fake clock:
 * CONNECT contents, CONNACK codes, timeouts, keepalive, protocol errors,
 * onClose exactly once, disconnect and pipelining.
 */
import * as mp from 'mqtt-packet';
import { broker, harness } from '../support/scripted-transport';

describe('CONNECT', () => {
  it('carries client id, clean session, keepalive, credentials and will', () => {
    const h = harness({
      clientId: 'dev-42',
      cleanSession: false,
      keepAlive: 30,
      username: 'u',
      password: 'p' + String.fromCharCode(0, 255),
      will: { topic: 'dev/42/status', payload: 'offline', qos: 1, retain: true },
    });
    const [c] = h.open().take() as mp.IConnectPacket[];
    expect(c.cmd).toBe('connect');
    expect(c.protocolId).toBe('MQTT');
    expect(c.protocolVersion).toBe(4);
    expect(c.clientId).toBe('dev-42');
    expect(c.clean).toBe(false);
    expect(c.keepalive).toBe(30);
    expect(c.username).toBe('u');
    expect(Buffer.from(c.password as Buffer).toString('latin1')).toBe('p\x00\xff');
    expect(c.will!.topic).toBe('dev/42/status');
    expect(Buffer.from(c.will!.payload as Buffer).toString()).toBe('offline');
    expect(c.will!.qos).toBe(1);
    expect(c.will!.retain).toBe(true);
  });

  it('defaults to a clean session, keepalive 60, no credentials or will', () => {
    const [c] = harness().open().take() as mp.IConnectPacket[];
    expect(c.clean).toBe(true);
    expect(c.keepalive).toBe(60);
    expect(c.username).toBeUndefined();
    expect(c.will).toBeUndefined();
  });

  it('asks the credentials provider before every CONNECT', () => {
    let n = 0;
    const h = harness({ username: 'static', credentials: () => ({ username: 'tok', password: 'secret-' + ++n }) });
    const first = h.open().take()[0] as mp.IConnectPacket;
    h.client.onClose(h.clock.now);
    const second = h.open().take()[0] as mp.IConnectPacket;
    expect(first.username).toBe('tok');
    expect(String(first.password)).toBe('secret-1');
    expect(String(second.password)).toBe('secret-2');
    expect(h.client.stats.reconnects).toBe(1);
  });

  it('falls back to static credentials when the provider returns undefined', () => {
    const h = harness({ username: 'static', password: 'pw', credentials: () => undefined });
    const c = h.open().take()[0] as mp.IConnectPacket;
    expect(c.username).toBe('static');
    expect(String(c.password)).toBe('pw');
  });

  it('falls back field by field: a provider that renews only the password keeps the static user name', () => {
    const h = harness({ username: 'device-1', credentials: () => ({ password: 'jwt' }) });
    const c = h.open().take()[0] as mp.IConnectPacket;
    expect(c.username).toBe('device-1');
    expect(String(c.password)).toBe('jwt');
    expect(h.ev.closes).toEqual([]);
  });

  it('closes with BAD_CONNECT (CREDENTIALS_FAILED) when the provider throws, and connects once it answers', () => {
    let fail = true;
    const h = harness({ credentials: () => { if (fail) throw new Error('no token yet'); return { username: 'u', password: 'tok' }; } });
    const t = h.open();
    expect(t.written).toEqual([]);
    expect(t.closes).toBe(1);
    expect(h.client.phase).toBe(0);
    expect(h.ev.closes).toEqual([['BAD_CONNECT', 'CREDENTIALS_FAILED']]);
    expect(h.client.lastError).toBe('CREDENTIALS_FAILED');
    fail = false;
    expect((h.online().take()[0] as mp.IConnectPacket).username).toBe('u');
    expect(h.client.phase).toBe(2);
  });

  it('closes with BAD_CONNECT when CONNECT cannot be encoded', () => {
    const h = harness({ clientId: 'x'.repeat(70000) });
    const t = h.open();
    expect(h.ev.closes).toEqual([['BAD_CONNECT', undefined]]);
    expect(t.closes).toBe(1);
  });
});

describe('CONNACK', () => {
  it('accepts return code 0 and reports sessionPresent', () => {
    const h = harness({ cleanSession: false });
    h.online(true);
    expect(h.ev.connects).toEqual([true]);
    expect(h.client.phase).toBe(2);
    expect(h.ev.closes).toEqual([]);
  });

  const refusals: [number, string][] = [
    [1, 'REFUSED_PROTOCOL_VERSION'],
    [2, 'REFUSED_IDENTIFIER'],
    [3, 'REFUSED_SERVER_UNAVAILABLE'],
    [4, 'REFUSED_BAD_CREDENTIALS'],
    [5, 'REFUSED_NOT_AUTHORIZED'],
  ];
  it.each(refusals)('return code %i closes with %s', (code, reason) => {
    const h = harness();
    const t = h.open();
    h.feed(broker.connack(false, code));
    expect(h.ev.closes).toEqual([[reason, undefined]]);
    expect(h.client.closeReason).toBe(reason);
    expect(h.ev.connects).toEqual([]);
    expect(t.closes).toBe(1);
  });

  it('times out with CONNACK_TIMEOUT after connectTimeout', () => {
    const h = harness({ connectTimeout: 5000 });
    const t = h.open();
    h.advance(4000);
    expect(h.ev.closes).toEqual([]);
    h.advance(1000);
    expect(h.ev.closes).toEqual([['CONNACK_TIMEOUT', undefined]]);
    expect(t.closes).toBe(1);
  });

  it('treats a packet before CONNACK as a protocol error [MQTT-3.2.0-1]', () => {
    const h = harness();
    h.open();
    h.feed(broker.puback(1));
    expect(h.ev.closes).toEqual([['PROTOCOL_ERROR', undefined]]);
  });

  it('treats a second CONNACK as a protocol error', () => {
    const h = harness();
    h.online();
    h.feed(broker.connack(false));
    expect(h.ev.closes).toEqual([['PROTOCOL_ERROR', undefined]]);
  });
});

describe('keepalive', () => {
  it('sends PINGREQ after keepAlive seconds of silence and stays up on PINGRESP', () => {
    const h = harness({ keepAlive: 10 });
    const t = h.online();
    t.take();
    h.advance(9000);
    expect(t.takeCmds()).toEqual([]);
    h.advance(1000);
    expect(t.takeCmds()).toEqual(['pingreq']);
    h.advance(2000);
    h.feed(broker.pingresp());
    h.advance(8000);
    expect(t.takeCmds()).toEqual(['pingreq']);
    expect(h.ev.closes).toEqual([]);
  });

  it('pings when the broker is silent even while the client keeps publishing (half-open)', () => {
    const h = harness({ keepAlive: 10, pingTimeout: 5000 });
    const t = h.online();
    t.take();
    for (let i = 0; i < 10; i++) {
      h.client.publish('t', 'x', 0, false);
      h.advance(1000);
    }
    expect(t.takeCmds().filter((c) => c === 'pingreq')).toEqual(['pingreq']);
    h.advance(5000);
    expect(h.ev.closes).toEqual([['KEEPALIVE_TIMEOUT', undefined]]);
  });

  it('declares the link dead when nothing arrives after PINGREQ (default 1.5 x keepAlive)', () => {
    const h = harness({ keepAlive: 10 });
    const t = h.online();
    h.advance(10000);
    expect(t.takeCmds()).toContain('pingreq');
    h.advance(14000);
    expect(h.ev.closes).toEqual([]);
    h.advance(1000);
    expect(h.ev.closes).toEqual([['KEEPALIVE_TIMEOUT', undefined]]);
    expect(t.closes).toBe(1);
  });

  it('counts any inbound packet as a sign of life', () => {
    const h = harness({ keepAlive: 10, pingTimeout: 5000 });
    const t = h.online();
    t.take();
    h.advance(10000);
    expect(t.takeCmds()).toEqual(['pingreq']);
    h.advance(3000);
    h.feed(broker.publish('a', 'b', 0));
    h.advance(4000);
    expect(h.ev.closes).toEqual([]);
  });

  it('keepAlive 0 disables PINGREQ', () => {
    const h = harness({ keepAlive: 0 });
    const t = h.online();
    t.take();
    h.advance(600000);
    expect(t.takeCmds()).toEqual([]);
    expect(h.ev.closes).toEqual([]);
  });
});

describe('close', () => {
  it('reports malformed broker input as PROTOCOL_ERROR with the codec code', () => {
    const h = harness();
    const t = h.online();
    h.feed(String.fromCharCode(0xf0, 0));
    expect(h.ev.closes).toEqual([['PROTOCOL_ERROR', 'UNKNOWN_TYPE']]);
    expect(h.client.lastError).toBe('UNKNOWN_TYPE');
    expect(t.closes).toBe(1);
  });

  it('reports an oversized packet other than PUBLISH with PACKET_TOO_LARGE', () => {
    const h = harness({ maxPacketSize: 100 });
    h.online();
    h.feed(broker.suback(1, new Array(200).fill(0)));
    expect(h.ev.closes).toEqual([['PROTOCOL_ERROR', 'PACKET_TOO_LARGE']]);
  });

  it('reports onClose exactly once per connection and ignores later input', () => {
    const h = harness();
    const t = h.online();
    h.feed(String.fromCharCode(0xf0, 0));
    h.client.onClose(h.clock.now);
    h.feed(broker.publish('a', 'b', 0));
    h.advance(200000);
    h.client.disconnect();
    expect(h.ev.closes.length).toBe(1);
    expect(h.ev.messages).toEqual([]);
    expect(t.closes).toBe(1);
  });

  it('reports a lost link as CONNECTION_LOST without closing the transport again', () => {
    const h = harness();
    const t = h.online();
    h.client.onClose(h.clock.now);
    expect(h.ev.closes).toEqual([['CONNECTION_LOST', undefined]]);
    expect(t.closes).toBe(0);
  });

  it('disconnect() sends DISCONNECT then closes with DISCONNECTED', () => {
    const h = harness();
    const t = h.online();
    t.take();
    h.client.disconnect();
    expect(t.takeCmds()).toEqual(['disconnect']);
    expect(t.closes).toBe(1);
    expect(h.ev.closes).toEqual([['DISCONNECTED', undefined]]);
  });

  it('connect() while a connection is up is ignored', () => {
    const h = harness();
    const t1 = h.online();
    const t2 = h.open();
    expect(t2.written).toEqual([]);
    expect(t1.closes).toBe(0);
    expect(h.client.phase).toBe(2);
  });
});

describe('pipelining', () => {
  it('writes queued PUBLISH and SUBSCRIBE right after CONNECT when enabled', () => {
    const h = harness({ pipeline: true });
    h.client.subscribe('cmd/#', 1, undefined);
    h.client.publish('t/a', 'x', 1, false);
    const t = h.open();
    expect(t.takeCmds()).toEqual(['connect', 'subscribe', 'publish']);
    h.feed(broker.connack(false));
    expect(t.takeCmds()).toEqual([]);
    expect(h.ev.connects).toEqual([false]);
  });

  it('waits for CONNACK when disabled (the default)', () => {
    const h = harness();
    h.client.publish('t/a', 'x', 1, false);
    expect(h.client.publish('t/b', 'x', 0, false)).toBe('NOT_CONNECTED');
    const t = h.open();
    expect(t.takeCmds()).toEqual(['connect']);
    h.feed(broker.connack(false));
    expect(t.takeCmds()).toEqual(['publish']);
  });
});

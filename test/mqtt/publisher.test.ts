/**
 * The publish-only client (createPublisher): the same connection, session
 * and publish engine as MqttClient, without subscriptions. Inbound PUBLISH
 * from a persistent session made earlier is still acknowledged (QoS 2
 * exactly once) and handed to onMessage.
 */
import * as mp from 'mqtt-packet';
import { ClientOptions } from '../../firmware/mqtt/options';
import { createPublisher, Phase, Publisher } from '../../firmware/mqtt/publisher';
import { FakeClock } from '../support/fake-clock';
import { broker, ScriptedTransport } from '../support/scripted-transport';

interface Rig {
  p: Publisher;
  clock: FakeClock;
  done: [number, string][];
  messages: [string, string, number, boolean][];
  connects: boolean[];
  closes: string[];
  /** A new transport, connected on; CONNACK(sessionPresent) is fed when given. */
  online(sessionPresent?: boolean): ScriptedTransport;
  feed(bytes: string): void;
}

function rig(opts: Partial<ClientOptions> = {}): Rig {
  const clock = new FakeClock();
  const r: Rig = {
    p: undefined as unknown as Publisher,
    clock,
    done: [],
    messages: [],
    connects: [],
    closes: [],
    online(sessionPresent?: boolean) {
      const t = new ScriptedTransport();
      r.p.connect(t, clock.now);
      if (sessionPresent !== undefined) r.feed(broker.connack(sessionPresent));
      return t;
    },
    feed(bytes: string) {
      r.p.onData(bytes, clock.now);
    },
  };
  r.p = createPublisher({
    clientId: 'pub-1',
    onConnect: (sp) => r.connects.push(sp),
    onClose: (reason) => r.closes.push(reason),
    onPublishDone: (msg, outcome) => r.done.push([msg.token, outcome]),
    onMessage: (topic, payload, qos, retain) => r.messages.push([topic, payload, qos, retain]),
    onSubscribed: () => {
      throw new Error('a Publisher never subscribes');
    },
    ...opts,
  });
  return r;
}

const pubs = (ps: mp.Packet[]) => ps.filter((x) => x.cmd === 'publish') as mp.IPublishPacket[];

describe('createPublisher', () => {
  it('has no subscribe or unsubscribe method', () => {
    const { p } = rig();
    expect((p as unknown as Record<string, unknown>).subscribe).toBeUndefined();
    expect((p as unknown as Record<string, unknown>).unsubscribe).toBeUndefined();
    expect(typeof p.publish).toBe('function');
  });

  it('throws for a missing clientId', () => {
    expect(() => createPublisher({} as ClientOptions)).toThrow();
  });

  it('connects: CONNECT with the client id, CONNACK reaches onConnect', () => {
    const r = rig({ keepAlive: 30 });
    const t = r.online();
    const [c] = t.take() as mp.IConnectPacket[];
    expect(c.cmd).toBe('connect');
    expect(c.clientId).toBe('pub-1');
    expect(c.keepalive).toBe(30);
    expect(r.p.phase).toBe(Phase.CONNECTING);
    r.feed(broker.connack(false));
    expect(r.p.phase).toBe(Phase.CONNECTED);
    expect(r.connects).toEqual([false]);
  });

  it('publishes QoS 1 and reports acked on PUBACK', () => {
    const r = rig();
    const t = r.online(false);
    t.take();
    const token = r.p.publish('s/t', 'v', 1, false) as number;
    const [m] = pubs(t.take());
    expect([m.qos, m.topic, m.messageId, m.dup]).toEqual([1, 's/t', 1, false]);
    expect(r.p.outbox.msgs.length).toBe(1);
    r.feed(broker.puback(1));
    expect(r.done).toEqual([[token, 'acked']]);
    expect(r.p.outbox.msgs.length).toBe(0);
    expect(r.p.stats.acked).toBe(1);
  });

  it('re-sends unfinished PUBLISH (DUP=1, same id) and PUBREL when the session resumes', () => {
    const r = rig({ cleanSession: false });
    let t = r.online(false);
    r.p.publish('t/a', 'A', 1, false);
    r.p.publish('t/b', 'B', 2, false);
    r.feed(broker.pubrec(2));
    expect(t.takeCmds()).toEqual(['connect', 'publish', 'publish', 'pubrel']);
    r.p.onClose(r.clock.now);
    expect(r.closes).toEqual(['CONNECTION_LOST']);
    t = r.online(true);
    const resent = t.take().slice(1) as mp.IPublishPacket[];
    expect(resent.map((x) => [x.cmd, x.messageId, x.dup === true])).toEqual([
      ['publish', 1, true],
      ['pubrel', 2, false],
    ]);
    r.feed(broker.puback(1) + broker.pubcomp(2));
    expect(r.done.map((d) => d[1])).toEqual(['acked', 'acked']);
  });

  it('acknowledges an inbound QoS 1 PUBLISH after handing it to onMessage', () => {
    const r = rig({ cleanSession: false });
    const t = r.online(true);
    t.take();
    r.feed(broker.publish('cmd/x', 'on', 1, 7, false, true));
    expect(r.messages).toEqual([['cmd/x', 'on', 1, true]]);
    expect(t.take()).toEqual([expect.objectContaining({ cmd: 'puback', messageId: 7 })]);
    expect(r.p.stats.received).toBe(1);
  });

  it('delivers an inbound QoS 2 PUBLISH once per packet id until PUBREL', () => {
    const r = rig({ cleanSession: false });
    const t = r.online(true);
    t.take();
    r.feed(broker.publish('cmd/y', '1', 2, 9));
    r.feed(broker.publish('cmd/y', '1', 2, 9, true));
    expect(r.messages.length).toBe(1);
    expect(t.takeCmds()).toEqual(['pubrec', 'pubrec']);
    r.feed(broker.pubrel(9));
    expect(t.take()).toEqual([expect.objectContaining({ cmd: 'pubcomp', messageId: 9 })]);
    // Released: the id may carry a new message.
    r.feed(broker.publish('cmd/y', '2', 2, 9));
    expect(r.messages.map((m) => m[1])).toEqual(['1', '2']);
  });

  it('ignores SUBACK and UNSUBACK it never asked for, and stays connected', () => {
    const r = rig();
    const t = r.online(false);
    t.take();
    r.feed(broker.suback(5, [1]) + broker.unsuback(6));
    expect(t.take()).toEqual([]);
    expect(r.p.phase).toBe(Phase.CONNECTED);
    expect(r.closes).toEqual([]);
  });

  it('reports a refused store write; the outbox stays unsaved and the periodic save tries again an interval later', () => {
    const writes: string[] = [];
    let status = 'STORAGE_FULL';
    const store = { load: () => undefined, save: (k: string) => { writes.push(k + ' ' + status); return status; } };
    const a = rig({ store, saveIntervalMs: 60000 });
    a.online(false);
    a.p.publish('t/a', 'A', 1, false);
    expect(a.p.save()).toBe(false);
    // Not again on the next tick: flash is not hammered.
    a.clock.advance(1000);
    a.p.tick(a.clock.now);
    expect(writes).toEqual(['mqtt.outbox STORAGE_FULL']);
    status = 'OK';
    a.clock.advance(60000);
    a.p.tick(a.clock.now);
    expect(writes).toEqual(['mqtt.outbox STORAGE_FULL', 'mqtt.outbox OK']);
    // Saved now: nothing changed, nothing written.
    a.clock.advance(60000);
    a.p.tick(a.clock.now);
    expect(writes.length).toBe(2);
    expect(a.p.save()).toBe(true);
  });

  it('save() without a store reports false', () => {
    expect(rig().p.save()).toBe(false);
  });

  it('keeps unacknowledged messages across a restart through the store', () => {
    const files: Record<string, string> = {};
    const store = { load: (k: string) => files[k], save: (k: string, d: string) => { files[k] = d; return 'OK'; } };
    const a = rig({ store, cleanSession: false });
    a.online(false);
    a.p.publish('t/a', 'A', 1, false);
    a.p.save();
    const b = rig({ store, cleanSession: false });
    expect(b.p.outbox.msgs.map((m) => [m.topic, m.packetId])).toEqual([['t/a', 1]]);
    const t = b.online(true);
    expect(pubs(t.take()).map((x) => [x.messageId, x.dup])).toEqual([[1, true]]);
  });
});

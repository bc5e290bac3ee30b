/**
 * The QoS 1 flow shared by the integration fault tests: our client
 * (cleanSession false, keepAlive 2 s, an outbox big enough for the whole
 * flow) publishes {"seq":1}..{"seq":count} at a steady pace while the test
 * injects faults, and an independent MQTT.js recorder connected straight to
 * the broker is the witness. finish() waits for the end, prints what the
 * recorder received, what is missing and the duplicates (allowed by QoS 1
 * [MQTT 4.3.2]), and asserts that nothing is missing and every publish was
 * acked.
 */
import { NodeHost, Pace, publishSequence, startNodeHost, waitUntil } from './node-host';
import { startRecorder } from './subscriber';

export interface FlowOptions {
  /** Topic prefix (`name/node`), client ids and log label. */
  name: string;
  /** The broker's port: the recorder subscribes there. */
  brokerPort: number;
  /** Where the node connects: the broker (default) or a proxy in front of it. */
  nodePort?: number;
  count: number;
  pace: Pace;
}

export interface Flow {
  host: NodeHost;
  /** Resolves once seq has been handed to publish() (at most 60 s). */
  reach(seq: number): Promise<void>;
  /**
   * True when the recorder holds every message the node has seen acked
   * (tokens count publish() calls from 1, and the flow is the client's only
   * publisher, so token n is seq n).
   */
  ackedRecorded(): boolean;
  /** Waits (at most 60 s) for every outcome and (20 s) for the recorder; prints the figures, then asserts. */
  finish(): Promise<void>;
  /** Destroys the node's socket (no DISCONNECT) and stops the recorder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the recorder, then the node; resolves once the node is connected and publishing. */
export async function startFlow(o: FlowOptions): Promise<Flow> {
  const started = Date.now();
  const recorder = await startRecorder({ port: o.brokerPort, filter: o.name + '/#', clientId: o.name + '-recorder' });
  const host = startNodeHost({
    port: o.nodePort || o.brokerPort,
    client: { clientId: o.name + '-node', cleanSession: false, keepAlive: 2, maxMessages: o.count, maxBytes: 1000000 },
    supervisor: { baseDelay: 200, maxDelay: 1000 },
  });
  // A node taking commands, as the app's does. It matters on aedes, which
  // reports a persistent session as present only when it holds subscriptions:
  // without one, every reconnect would re-publish and never resume (DUP resend).
  host.client.subscribe(o.name + '/cmd', 1, undefined);
  const stop = async (): Promise<void> => {
    await host.stop(false);
    await recorder.stop();
  };
  try {
    await host.waitFor(host.isConnected, 5000, 'first CONNACK');
  } catch (e) {
    await stop();
    throw e;
  }
  let published = 0;
  const publishing = publishSequence(host.client, o.name + '/node', 1, o.count, o.pace, (seq) => (published = seq));

  const finish = async (): Promise<void> => {
    const refused = await publishing;
    // Bounded waits that do not throw: the figures are printed either way, the asserts below tell what failed.
    await waitUntil(() => host.outcomes.size >= o.count || host.errors.length > 0, 60000, 'outcomes').catch(() => undefined);
    await recorder.waitFor((r) => r.missing(1, o.count).length === 0, 20000).catch(() => undefined);
    const missing = recorder.missing(1, o.count);
    console.log(o.name + ': ' + o.count + ' published, ' + (host.outcomeCounts.acked || 0) + ' acked; recorder received ' +
      recorder.messages.length + ', missing ' + missing.length + (missing.length > 0 ? ' (first ' + missing.slice(0, 10).join(',') + ')' : '') + ', duplicates ' + recorder.duplicates() + '; closes ' +
      (host.closes.join(',') || 'none') + ', sessionPresent ' + host.connects.join(',') + '; ' + (Date.now() - started) + ' ms');
    expect(refused).toEqual([]);
    expect(missing).toEqual([]);
    expect(host.outcomeCounts).toEqual({ acked: o.count });
    expect(host.client.stats.dropped).toBe(0);
    expect(host.errors).toEqual([]);
  };

  return {
    host,
    ackedRecorded: () => {
      const got = new Set(recorder.messages.map((m) => m.seq));
      for (const [token, outcome] of host.outcomes) if (outcome === 'acked' && !got.has(token)) return false;
      return true;
    },
    reach: (seq) => waitUntil(() => published >= seq, 60000, 'seq ' + seq + ' published'),
    finish,
    stop,
  };
}

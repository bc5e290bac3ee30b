/**
 * The brokers the integration suites run against, as one table, so that a
 * suite is written once and runs on each: a real Mosquitto (skipped locally
 * when it is not installed, required under CI) and aedes (embedded, always
 * there). Each runs on a free loopback port.
 */
import { startAedes } from './aedes';
import { describeIfMosquitto, startMosquitto } from './mosquitto';

export interface TestBroker {
  port: number;
  stop(): Promise<void>;
}

interface BrokerKind {
  name: string;
  /** describe, or describeIfMosquitto for a broker that may be absent. */
  describe: (title: string, fn: () => void) => void;
  start: () => Promise<TestBroker>;
}

const BROKERS: BrokerKind[] = [
  {
    name: 'Mosquitto',
    describe: describeIfMosquitto,
    // Unlimited queue for the recorder: Mosquitto's default (1000) would drop
    // when a backlog is flushed after a fault, and the loss would not be ours.
    start: () => startMosquitto({ extraConfig: 'max_queued_messages 0' }).then((b) => ({ port: b.port, stop: b.dispose })),
  },
  { name: 'aedes', describe: (title, fn) => describe(title, fn), start: () => startAedes() },
];

/**
 * One describe block per broker, titled `title (name)`; the broker is
 * started in beforeAll and stopped in afterAll. `broker()` returns the
 * running broker (call it inside tests and hooks); `name` is the broker's,
 * for topics, client ids and log lines.
 */
export function describeEachBroker(title: string, fn: (broker: () => TestBroker, name: string) => void): void {
  for (const kind of BROKERS) {
    kind.describe(title + ' (' + kind.name + ')', () => {
      let running: TestBroker | undefined;
      beforeAll(async () => {
        running = await kind.start();
      });
      afterAll(async () => {
        if (running) await running.stop();
      });
      fn(() => running!, kind.name.toLowerCase());
    });
  }
}

/**
 * Fault: the broker refuses the node's credentials. Mosquitto runs with a
 * password file. A refusal must be reported with its CONNACK reason, and the
 * supervisor must not hammer the broker: after a refusal it waits at least
 * refusedDelay. A credentials provider is asked again before every CONNECT,
 * so a renewed (short-lived) password gets the node in without a restart.
 */
import { describeIfMosquitto, Mosquitto, startMosquitto } from '../support/mosquitto';
import { NodeHost, sleep, startNodeHost } from '../support/node-host';

const USER = 'node';
const PASSWORD = 'right-password';
const REFUSED_DELAY = 2000;
const WINDOW = 6000;
/** Mosquitto 2 answers 4 or 5 depending on whether the user exists [MQTT 3.2.2.3]. */
const REFUSALS = ['REFUSED_BAD_CREDENTIALS', 'REFUSED_NOT_AUTHORIZED'];

describeIfMosquitto('bad credentials (Mosquitto with a password file)', () => {
  let broker: Mosquitto;
  let host: NodeHost | undefined;

  beforeAll(async () => {
    const users: { [name: string]: string } = {};
    users[USER] = PASSWORD;
    broker = await startMosquitto({ users: users });
  });
  afterAll(async () => {
    await broker.dispose();
  });
  afterEach(async () => {
    if (host) await host.stop(true);
    host = undefined;
  });

  /**
   * CONNECTs the broker has refused so far, read from its log ("Sending
   * CONNACK to ... (0, 5)"). Mosquitto does not log the client id of a
   * refused CONNECT; the tests of this file run one at a time, so every line
   * belongs to the test that is running.
   */
  function refusalsLogged(): number {
    return broker.logs().split('\n').filter((l) => /Sending CONNACK to .*\(0, [45]\)/.test(l)).length;
  }

  test('wrong password: refused with its reason, retries bounded by refusedDelay', async () => {
    const logBefore = refusalsLogged();
    const h = (host = startNodeHost({
      port: broker.port,
      client: { clientId: 'cred-wrong', keepAlive: 5, username: USER, password: 'wrong' },
      supervisor: { baseDelay: 100, maxDelay: 500, refusedDelay: REFUSED_DELAY },
    }));
    await sleep(WINDOW);
    const attempts = refusalsLogged() - logBefore;
    console.log('bad-credentials: ' + attempts + ' CONNECTs in ' + WINDOW + ' ms, closes ' + h.closes.join(','));
    expect(h.connects).toEqual([]);
    expect(h.closes.length).toBeGreaterThan(0);
    for (const reason of h.closes) expect(REFUSALS).toContain(reason);
    // Attempts at ~0, 2, 4 s: without the refusal delay a 100-500 ms backoff would make 10 or more.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(Math.ceil(WINDOW / REFUSED_DELAY) + 1);
    // Seen from the node: every attempt after a refusal waited refusedDelay.
    for (let i = 1; i < h.opens.length; i++) {
      expect(h.opens[i].at - h.opens[i - 1].at).toBeGreaterThanOrEqual(REFUSED_DELAY);
    }
    expect(h.errors).toEqual([]);
  }, 20000);

  test('credentials provider: a renewed password is used on the next CONNECT', async () => {
    let calls = 0;
    const h = (host = startNodeHost({
      port: broker.port,
      client: {
        clientId: 'cred-renew',
        keepAlive: 5,
        credentials: () => {
          calls++;
          return { username: USER, password: calls === 1 ? 'expired-token' : PASSWORD };
        },
      },
      supervisor: { baseDelay: 100, maxDelay: 500, refusedDelay: REFUSED_DELAY },
    }));
    await h.waitFor(h.isConnected, 10000, 'CONNACK with the renewed password');
    expect(calls).toBe(2);
    expect(h.closes.length).toBe(1);
    expect(REFUSALS).toContain(h.closes[0]);
    expect(h.connects).toEqual([false]);
    expect(h.errors).toEqual([]);
  }, 20000);
});

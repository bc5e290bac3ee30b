/**
 * The broker link: glues the board's Net (sockets) to the reconnect
 * Supervisor and the MQTT client. It is the NetListener of every connection
 * it opens and forwards only the events of the current one, so a late event
 * of a connection the client already gave up on cannot disturb the next.
 */
import type { Connection, Net, NetError, NetListener, NetOptions } from '../hal/transport';
import type { Clock } from '../hal/clock';
import type { MqttClient } from '../mqtt/client';
import type { Supervisor } from '../mqtt/supervisor';

export class BrokerLink implements NetListener {
  /** The connection handed to the client, or being opened; undefined between attempts. */
  current: Connection | undefined;
  /** The code of the last network fault, for logs. */
  lastError: string | undefined;
  supervisor: Supervisor | undefined;
  private net: Net;
  private clock: Clock;
  private client: MqttClient;
  private options: NetOptions;
  /** False while the board has no network (Wi-Fi down): attempts then fail at once. */
  online: boolean;

  /** `options` is read at every attempt; its host is replaced by the supervisor's address. */
  constructor(net: Net, clock: Clock, client: MqttClient, options: NetOptions) {
    this.net = net;
    this.clock = clock;
    this.client = client;
    this.options = options;
    this.current = undefined;
    this.lastError = undefined;
    this.supervisor = undefined;
    this.online = true;
  }

  /** The supervisor's open(): starts one connection attempt to `address`. */
  open(address: string): void {
    const sup = this.supervisor;
    if (!sup) return;
    if (!this.online) {
      this.lastError = 'OFFLINE';
      return sup.onOpenFailed('OFFLINE', this.clock.now());
    }
    this.options.host = address;
    this.current = this.net.connect(this.options, this);
  }

  onOpen(connection: Connection): void {
    if (connection !== this.current || !this.supervisor) return connection.close();
    this.supervisor.onOpen(connection, this.clock.now());
  }

  onOpenFailed(connection: Connection, error: NetError): void {
    if (connection !== this.current) return;
    this.current = undefined;
    this.lastError = error.code;
    if (this.supervisor) this.supervisor.onOpenFailed(error.code, this.clock.now());
  }

  onData(connection: Connection, chunk: string): void {
    if (connection === this.current) this.client.onData(chunk, this.clock.now());
  }

  onDrain(): void {
    // The client writes little and the Net bounds its queue (maxQueued): nothing to resume.
  }

  onClose(connection: Connection, error: NetError | undefined): void {
    if (connection !== this.current) return;
    this.current = undefined;
    if (error) this.lastError = error.code;
    this.client.onClose(this.clock.now());
  }
}

import { Counter, type Registry } from 'prom-client';

/**
 * What the controllers did, for dashboards and for tests that must tell which replica acted:
 * `fulcrum_status_writes_total{kind}` counts status writes that reached the API server.
 */
export class ControllerMetrics {
  private readonly statusWrites: Counter<'kind'>;

  constructor(registry: Registry) {
    this.statusWrites = new Counter({
      name: 'fulcrum_status_writes_total',
      help: 'Status writes (server-side apply) sent to the API server, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  statusWritten(kind: string): void {
    this.statusWrites.inc({ kind });
  }
}

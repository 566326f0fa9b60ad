import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Runnable } from '../lifecycle/runnable.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';

/** One named check: `true`/`{ok: true}` passes; anything else fails, with an optional reason. */
export type HealthCheck = () => boolean | { ok: boolean; reason?: string };

export interface HealthServerOptions {
  /** Bind address (default `0.0.0.0`; tests use `127.0.0.1`). */
  host?: string;
  /** Port (default 8080; 0 picks a free one, see `address()`). */
  port?: number;
  /** Also serve `/metrics` here, in plain HTTP (local runs); absent: only the probes (see MetricsServer). */
  registry?: Registry;
  /** `/healthz`: the process works (informers not wedged). Failing it makes Kubernetes restart the pod. */
  liveness?: Record<string, HealthCheck>;
  /** `/readyz`: ready to serve (informers synced). */
  readiness?: Record<string, HealthCheck>;
  logger?: Logger;
}

/**
 * Serves `/metrics` (Prometheus text), `/healthz` and `/readyz` (200 `ok`, or 500 listing each check as
 * `[+]name ok` / `[-]name failed: reason`, like the API server; `?verbose` lists them on success too).
 * A runnable that needs no leadership: standby replicas serve probes and metrics too.
 */
export class HealthServer implements Runnable {
  readonly name = 'health-server';
  readonly needsLeader = false;
  private server: Server | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: HealthServerOptions) {
    this.logger = (options.logger ?? silentLogger()).child({ component: 'health-server' });
  }

  /** The bound address once listening (useful with port 0). */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  /** Listens until `signal` aborts, then closes. Rejects if the port cannot be bound. */
  async start(signal: AbortSignal): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 8080, this.options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const paths = this.options.registry ? '/metrics, /healthz, /readyz' : '/healthz, /readyz';
    this.logger.info({ address: this.address() }, `serving ${paths}`);
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const registry = this.options.registry;
      if (url.pathname === '/metrics' && registry) {
        const body = await registry.metrics();
        return send(res, 200, body, registry.contentType);
      }
      if (url.pathname === '/healthz' || url.pathname === '/livez') {
        return this.runChecks(res, this.options.liveness ?? {}, url.searchParams.has('verbose'));
      }
      if (url.pathname === '/readyz') {
        return this.runChecks(res, this.options.readiness ?? {}, url.searchParams.has('verbose'));
      }
      send(res, 404, 'not found\n');
    } catch (error) {
      this.logger.error({ err: String(error), path: url.pathname }, 'health server request failed');
      send(res, 500, 'internal error\n');
    }
  }

  private runChecks(res: ServerResponse, checks: Record<string, HealthCheck>, verbose: boolean): void {
    const lines: string[] = [];
    let ok = true;
    for (const [name, check] of Object.entries(checks)) {
      const result = evaluate(check);
      ok &&= result.ok;
      lines.push(result.ok ? `[+]${name} ok` : `[-]${name} failed: ${result.reason ?? 'check failed'}`);
    }
    if (ok && !verbose) return send(res, 200, 'ok\n');
    send(res, ok ? 200 : 500, `${lines.join('\n')}\n${ok ? 'ok' : 'check failed'}\n`);
  }
}

function evaluate(check: HealthCheck): { ok: boolean; reason?: string } {
  try {
    const result = check();
    return typeof result === 'boolean' ? { ok: result } : result;
  } catch (error) {
    return { ok: false, reason: String(error) };
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** What the informer checks need (the `Informer` class satisfies it). */
interface CheckedInformer {
  readonly name: string;
  health(): { synced: boolean; wedged: boolean };
}

/** Readiness: every informer has completed its first list. */
export function informersSynced(informers: readonly CheckedInformer[]): HealthCheck {
  return () => {
    const waiting = informers.filter((i) => !i.health().synced).map((i) => i.name);
    return waiting.length === 0 ? { ok: true } : { ok: false, reason: `not synced: ${waiting.join(', ')}` };
  };
}

/** Liveness: no informer loop is wedged (stuck or dead). An unreachable API server is not "wedged". */
export function informersNotWedged(informers: readonly CheckedInformer[]): HealthCheck {
  return () => {
    const wedged = informers.filter((i) => i.health().wedged).map((i) => i.name);
    return wedged.length === 0 ? { ok: true } : { ok: false, reason: `wedged: ${wedged.join(', ')}` };
  };
}

/**
 * `/metrics` on a port of its own. Secure (the default of `fulcrum run` and the installs): HTTPS, and only
 * callers whose bearer token the API server authenticates and authorizes for `get /metrics` (see
 * metrics-authorizer.ts), as controller-runtime's secure metrics serve. Plain HTTP for local runs.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Runnable } from '../lifecycle/runnable.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { MetricsAuthorizer } from './metrics-authorizer.js';
import type { ServingCertificate } from './self-signed-cert.js';

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port (see `address()`). */
  port: number;
  registry: Registry;
  /** HTTPS with this certificate, admitting only callers the authorizer allows; absent: plain HTTP, anyone. */
  secure?: { certificate: ServingCertificate; authorizer: MetricsAuthorizer };
  logger?: Logger;
}

/** Serves `/metrics`; a runnable that needs no leadership (standbys export their metrics too). */
export class MetricsServer implements Runnable {
  readonly name = 'metrics-server';
  readonly needsLeader = false;
  private server: Server | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: MetricsServerOptions) {
    this.logger = (options.logger ?? silentLogger()).child({ component: 'metrics-server' });
  }

  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async start(signal: AbortSignal): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const secure = this.options.secure;
    const server = secure
      ? createHttpsServer({ cert: secure.certificate.cert, key: secure.certificate.key }, handler)
      : createHttpServer(handler);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.logger.info({ address: this.address(), secure: secure !== undefined }, 'serving /metrics');
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
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    try {
      if (path !== '/metrics') return send(res, 404, 'not found\n');
      const authorizer = this.options.secure?.authorizer;
      if (authorizer) {
        const header = req.headers.authorization ?? '';
        const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
        const access = await authorizer.authorize(token, path);
        if (!access.allowed) {
          this.logger.debug({ status: access.status, reason: access.reason }, 'metrics request refused');
          return send(
            res,
            access.status,
            `${access.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${access.reason}\n`,
          );
        }
      }
      const body = await this.options.registry.metrics();
      send(res, 200, body, this.options.registry.contentType);
    } catch (error) {
      this.logger.error({ err: String(error) }, 'metrics request failed');
      send(res, 500, 'internal error\n');
    }
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

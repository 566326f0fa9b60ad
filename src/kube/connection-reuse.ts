/**
 * Keeps the operator's API connections open between requests. @kubernetes/client-node 2.x gives every
 * request a new undici Agent when the kubeconfig carries TLS material (a client certificate, a CA), so each
 * binding, Event or patch paid a TCP connect and a full TLS handshake with client-certificate verification —
 * on the API server's CPU as well as ours — and left an idle keep-alive socket behind. Here the first
 * request's Agent is kept and handed to the following ones (undici pools its connections per origin), for
 * at most `maxAgeMs`, after which a new one is taken and the old one closed once its requests are done:
 * credentials read from files or an exec plugin that rotate are picked up within that time.
 */
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { realClock, type Clock } from '../clock/clock.js';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** How long one Agent (and its pooled connections) serves requests before a fresh one takes over. */
export const DISPATCHER_MAX_AGE_MS = 5 * 60_000;

/** A KubeConfig whose API clients share one pooled connection Agent per cluster and user. */
export class ConnectionReusingKubeConfig extends KubeConfig {
  private kept: { key: string; dispatcher: Dispatcher; since: number } | undefined;
  protected readonly clock: Clock;
  private readonly maxAgeMs: number;

  constructor(options: { clock?: Clock; maxAgeMs?: number } = {}) {
    super();
    this.clock = options.clock ?? realClock;
    this.maxAgeMs = options.maxAgeMs ?? DISPATCHER_MAX_AGE_MS;
  }

  // Called by every generated API client before it sends a request (see KubeConfig.makeApiClient).
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return; // no TLS material: fetch's global dispatcher pools connections already
    context.setDispatcher(this.reuse(fresh));
  }

  /** The kept Agent for the current cluster and user while it is young enough; else `fresh`, kept. */
  private reuse(fresh: Dispatcher): Dispatcher {
    const key = JSON.stringify([this.getCurrentCluster()?.name ?? '', this.getCurrentUser()?.name ?? '']);
    const now = this.clock.now();
    const kept = this.kept;
    if (kept !== undefined && kept.key === key && now - kept.since < this.maxAgeMs) {
      void fresh.close(); // never connected: nothing to wait for
      return kept.dispatcher;
    }
    // Requests already sent on the old Agent finish; it takes no new ones.
    if (kept !== undefined) void kept.dispatcher.close().catch(() => undefined);
    this.kept = { key, dispatcher: fresh, since: now };
    return fresh;
  }
}

/**
 * A client-side limit on requests to the API server (client-go's QPS and burst): every request made through
 * an API client of this kubeconfig first takes a token from one bucket shared by all of them, so a burst of
 * work (a failover rescheduling hundreds of pods, a resync) cannot flood the API server. Watches hold one
 * long request each and are not counted, as in client-go once a watch is established.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { realClock, sleep, type Clock } from '../clock/clock.js';
import { ConnectionReusingKubeConfig } from './connection-reuse.js';
import { BucketRateLimiter } from './rate-limiter.js';

export interface RequestRateLimit {
  /** Sustained requests per second; must be positive. */
  qps: number;
  /** Requests allowed at once after a quiet period; at least 1. */
  burst: number;
}

/**
 * A KubeConfig whose API clients wait for a token of a shared bucket before each request (and share pooled
 * connections, as every KubeConfig of the operator: connection-reuse.ts).
 */
export class ThrottledKubeConfig extends ConnectionReusingKubeConfig {
  private readonly bucket: BucketRateLimiter;

  constructor(
    readonly limit: RequestRateLimit,
    options: { clock?: Clock } = {},
  ) {
    super({ clock: options.clock ?? realClock });
    if (!(limit.qps > 0)) throw new Error(`qps must be positive, got ${limit.qps}`);
    if (!Number.isInteger(limit.burst) || limit.burst < 1)
      throw new Error(`burst must be an integer of at least 1, got ${limit.burst}`);
    this.bucket = new BucketRateLimiter({ perSecond: limit.qps, burst: limit.burst, clock: this.clock });
  }

  // Called by every generated API client before it sends a request (see KubeConfig.makeApiClient).
  override async applySecurityAuthentication(
    context: Parameters<KubeConfig['applySecurityAuthentication']>[0],
  ): Promise<void> {
    const wait = this.bucket.when();
    if (wait > 0) await sleep(this.clock, wait);
    return super.applySecurityAuthentication(context);
  }
}

/** A KubeConfig limited to `limit`, or an unlimited one when `limit.qps` is 0; both reuse connections. */
export function newKubeConfig(limit: RequestRateLimit, options: { clock?: Clock } = {}): KubeConfig {
  return limit.qps === 0 ? new ConnectionReusingKubeConfig(options) : new ThrottledKubeConfig(limit, options);
}

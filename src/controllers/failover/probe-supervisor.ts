/**
 * Runs the probing of every failover pool: per pool, a Prober (TCP or HTTP, on the pool's own period,
 * timeout and port) and a ticker that, once per period, adds what the informers say about each member (its
 * Ready condition when not True and, for Lease pools, the age of its node Lease as this operator saw it
 * renewed). Every observation goes to one callback, with the pool it belongs to.
 *
 * `sync` is called with the pools as they are now: it starts probing new pools, restarts pools whose probe
 * settings changed (and any whose prober stopped on an error), and stops pools that are gone or Off.
 */
import type { V1Lease } from '@kubernetes/client-node';
import type { Probe } from '../../api/index.js';
import type { Observation } from '../../failover/index.js';
import { sleep, type Clock } from '../../clock/clock.js';
import type { Logger } from '../../logging/logger.js';
import {
  leaseObservation,
  leaseMissedAfterMs,
  leaseRenewTime,
  leaseStaleAfterMs,
  networkCheckFor,
  NO_REDIRECTS,
  observedLeaseAgeMs,
  observeLease,
  probeTarget,
  probeTimings,
  Prober,
  readyObservation,
  type AddressGuard,
  type LeaseSighting,
} from '../../probes/index.js';
import type { LeanNode } from '../../kube/lean-node.js';

export interface ProbedPool {
  name: string;
  probe: Probe;
}

export interface ProbeSupervisorOptions {
  clock: Clock;
  logger: Logger;
  /** The pool's member nodes now. */
  members: (pool: string) => readonly string[];
  node: (name: string) => LeanNode | undefined;
  /** The node's Lease in kube-node-lease. */
  lease: (name: string) => V1Lease | undefined;
  onObservation: (pool: string, observation: Observation) => void;
  /**
   * Where a node annotation may redirect a probe besides the node's own addresses (--probe-allow-cidrs);
   * default nowhere. See address-policy.ts.
   */
  probeRedirects?: AddressGuard;
  /** Probes in flight at once, per pool. */
  concurrency?: number;
}

interface Running {
  settings: string;
  stop: AbortController;
  done: Promise<void>;
  failed: boolean;
  /** The pool's probe settings could not start a prober: why (retried only when the settings change). */
  error?: string;
}

export class ProbeSupervisor {
  private readonly running = new Map<string, Running>();
  private readonly sightings = new Map<string, LeaseSighting>();

  constructor(private readonly options: ProbeSupervisorOptions) {}

  /** Makes the probing match `pools`; see the file comment. Never waits. */
  sync(pools: readonly ProbedPool[], signal: AbortSignal): void {
    if (signal.aborted) return;
    const wanted = new Map(pools.map((p) => [p.name, p]));
    for (const [name, run] of this.running) {
      const pool = wanted.get(name);
      if (!pool || run.failed || JSON.stringify(pool.probe) !== run.settings) this.stopOne(name, run);
    }
    for (const pool of pools) if (!this.running.has(pool.name)) this.startOne(pool, signal);
  }

  /** Why the pool is not probed, when its probe settings could not start a prober. */
  problem(pool: string): string | undefined {
    return this.running.get(pool)?.error;
  }

  /** Stops all probing and waits for probes in flight. */
  async stopAll(): Promise<void> {
    const runs = [...this.running.values()];
    for (const run of runs) run.stop.abort();
    this.running.clear();
    await Promise.allSettled(runs.map((r) => r.done));
  }

  private stopOne(name: string, run: Running): void {
    run.stop.abort();
    this.running.delete(name);
  }

  private startOne(pool: ProbedPool, parent: AbortSignal): void {
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    parent.addEventListener('abort', onAbort, { once: true });
    const run: Running = {
      settings: JSON.stringify(pool.probe),
      stop,
      done: Promise.resolve(),
      failed: false,
    };
    const log = this.options.logger.child({ pool: pool.name });
    let prober: Prober | undefined;
    try {
      const { periodMs, timeoutMs } = probeTimings(pool.probe);
      if (!(periodMs > 0 && timeoutMs > 0 && timeoutMs < periodMs))
        throw new Error(
          `period ${pool.probe.period} and timeout ${pool.probe.timeout} must be 0 < timeout < period`,
        );
      prober = this.prober(pool);
    } catch (error) {
      // One pool's bad settings (say, a pool stored before the schema refused them) must not stop the
      // operator or any other pool: this pool is not probed, and says why in its status.
      run.error = `probe settings of pool ${pool.name} cannot be used: ${String(error)}`;
      log.error({ err: String(error) }, 'pool not probed: invalid probe settings');
      parent.removeEventListener('abort', onAbort);
      this.running.set(pool.name, run);
      return;
    }
    const loops = [this.tick(pool, stop.signal)];
    if (prober) loops.push(prober.start(stop.signal));
    run.done = Promise.all(loops)
      .then(() => undefined)
      .catch((error: unknown) => {
        run.failed = true;
        log.error({ err: String(error) }, 'probing stopped on an error; restarted on the next sync');
      })
      .finally(() => parent.removeEventListener('abort', onAbort));
    this.running.set(pool.name, run);
    log.info({ probe: pool.probe }, 'probing pool');
  }

  /** The network prober of a TCP or HTTP pool; none for Lease pools. */
  private prober(pool: ProbedPool): Prober | undefined {
    const check = networkCheckFor(pool.probe);
    if (!check) return undefined;
    const { probe } = pool;
    const redirects = this.options.probeRedirects ?? NO_REDIRECTS;
    const addressOptions = {
      port: probe.port,
      ...(probe.addressAnnotation !== undefined ? { annotation: probe.addressAnnotation } : {}),
    };
    return new Prober({
      ...probeTimings(probe),
      clock: this.options.clock,
      check,
      targets: () => {
        const targets = [];
        for (const name of this.options.members(pool.name)) {
          const node = this.options.node(name);
          if (node) targets.push(probeTarget(node, addressOptions, redirects));
        }
        return targets;
      },
      onObservation: (observation) => this.options.onObservation(pool.name, observation),
      ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
    });
  }

  /** Once per period: every member's Lease age and Ready condition, the two channels besides the probe. */
  private async tick(pool: ProbedPool, signal: AbortSignal): Promise<void> {
    const { clock } = this.options;
    const { periodMs } = probeTimings(pool.probe);
    while (!signal.aborted) {
      const now = clock.now();
      for (const name of this.options.members(pool.name)) {
        const node = this.options.node(name);
        if (!node) continue;
        const lease = this.leaseAge(name, now);
        if (lease) this.options.onObservation(pool.name, lease);
        this.options.onObservation(pool.name, readyObservation(node, now));
      }
      await sleep(clock, periodMs, signal);
    }
  }

  /**
   * The Lease's age on this operator's clock (immune to the node's clock skew; see lease-probe.ts), judged
   * against the kubelet's renew interval. No observation until this term has seen a renewal or the Lease is
   * overdue: a Lease merely found recent at start-up is not evidence that its kubelet is alive now.
   */
  private leaseAge(node: string, now: number): Observation | undefined {
    const lease = this.options.lease(node);
    const sighting = observeLease(
      this.sightings.get(node),
      leaseRenewTime(lease),
      now,
      leaseStaleAfterMs(lease),
    );
    this.sightings.set(node, sighting);
    const age = observedLeaseAgeMs(sighting, now);
    const missedAfter = leaseMissedAfterMs(lease, sighting);
    if (!sighting.renewalSeen && age <= missedAfter) return undefined;
    return leaseObservation(node, age, missedAfter, now);
  }
}

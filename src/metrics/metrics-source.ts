/**
 * The vocabulary every metrics source speaks: usage samples per node and per pod, in the base units of
 * `ResourceVector` (millicores, bytes, bits/s), each stamped with the time it was measured. Sources only
 * collect; smoothing, ages and staleness live in the usage store (usage-store.ts).
 */
import type { CeilingResource } from '../model/resources.js';

/** Measured usage of some resources; a resource a source does not measure is absent, never zero. */
export type PartialUsage = Partial<Record<CeilingResource, number>>;

/** One measurement of one node (key = node name) or pod (key = `namespace/name`). */
export interface UsageSample {
  key: string;
  /** When the measurement was taken, ms since the epoch (the source's timestamp, not when we fetched it). */
  time: number;
  usage: PartialUsage;
}

/** Something a source could not measure, with the reason, for logs and the pool's conditions. */
export interface SourceProblem {
  /** The node or pod concerned; absent when the whole request failed. */
  key?: string;
  message: string;
}

/** What one collection round returned. Partial success is normal: some nodes may fail while others answer. */
export interface MetricsCollection {
  source: string;
  nodes: UsageSample[];
  pods: UsageSample[];
  problems: SourceProblem[];
}

/**
 * A metrics source: metrics.k8s.io, the kubelet summary API, or Prometheus. `collect` never throws for one
 * bad node or series (that is a problem in the result); it rejects only when nothing could be read at all,
 * and the store then simply receives nothing, so samples age into staleness.
 */
export interface MetricsSource {
  readonly name: string;
  /** The resources this source measures; the others fall back to requests in the usage vectors. */
  readonly resources: readonly CeilingResource[];
  collect(signal?: AbortSignal): Promise<MetricsCollection>;
}

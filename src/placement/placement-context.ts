import type { ClusterModel } from '../model/cluster-model.js';
import type { ResourceVector } from '../model/resources.js';
import type { PoolSnapshot } from './snapshot.js';
import type { PlacementState } from './state.js';
import type { PlacementPool } from './framework.js';

/** The inputs of one decision. Nothing in here is mutated by `schedule`. */
export interface PlacementContext {
  model: ClusterModel;
  /** The pool the pod names (resolvePodPool), or undefined when it names none. */
  podPool: string | undefined;
  /** The valid pool called `podPool`, with its members; undefined when no valid pool has that name. */
  pool: PlacementPool | undefined;
  /** Current time in milliseconds (the caller's clock); only used to age assumed pods on the Usage basis. */
  now: number;
  /** Nodes the failure detector has marked failed; they get no new pods. */
  failedNodes?: ReadonlySet<string>;
  /** Smoothed measured usage per node, for the Usage and Max bases. A node missing here counts by requests. */
  usage?: ReadonlyMap<string, ResourceVector>;
  /** Round-robin cursors and recently assumed pods; see state.ts. Without it, round-robin starts over. */
  state?: PlacementState;
  /**
   * The pool's nodes pre-extracted for a batch of decisions (snapshot.ts); taken from the fields above when
   * absent. Must have been taken for `pool` from `model`, with no change since but through `assume`.
   */
  snapshot?: PoolSnapshot;
}

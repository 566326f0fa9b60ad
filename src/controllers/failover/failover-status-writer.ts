/**
 * Writes the failover part of a ResourcePool's status by server-side apply under its own field manager,
 * `fulcrum-failover`, so that it owns exactly these fields and the pool controller (manager `fulcrum`) owns
 * the rest: `status.conditions` is a map list keyed by `type`, so each manager owns its own condition
 * entries (FailoverActive and PartitionSuspected here), and `status.nodes` is a granular map, so
 * `nodes.unhealthy`/`nodes.fenced` sit beside the pool controller's `nodes.total`/`nodes.ready`. Neither
 * manager's apply removes the other's fields (shown on the real API server in
 * test/integration/failover/status-ownership.test.ts).
 *
 * Writes only when the fields this manager owns differ from what is stored, so a resync writes nothing.
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { ResourcePoolConditionType, type ResourcePoolStatus } from '../../api/index.js';
import type { FailoverStatusFragment } from '../../failover/index.js';
import type { CustomObject } from '../../kube/informers.js';
import { mergeConditions, type Condition } from '../../model/conditions.js';
import { PoolStatusPartWriter } from '../status/pool-status-part.js';

export const FAILOVER_FIELD_MANAGER = 'fulcrum-failover';

const OWNED_CONDITIONS: readonly string[] = [
  ResourcePoolConditionType.FailoverActive,
  ResourcePoolConditionType.PartitionSuspected,
  ResourcePoolConditionType.ProbesHealthy,
];

/** The status fields the failover controller owns. */
interface OwnedStatus {
  conditions: Condition[];
  failover: NonNullable<ResourcePoolStatus['failover']>;
  nodes: { unhealthy?: number; fenced?: number };
}

export class FailoverStatusWriter {
  private readonly writer: PoolStatusPartWriter;

  constructor(api: CustomObjectsApi) {
    this.writer = new PoolStatusPartWriter(api, FAILOVER_FIELD_MANAGER);
  }

  /** Applies `fragment` to `pool` unless it is already what is stored; returns whether it wrote. */
  async write(
    pool: CustomObject,
    fragment: FailoverStatusFragment,
    now: Date,
    signal: AbortSignal,
  ): Promise<boolean> {
    const current = ownedPart(pool.status as ResourcePoolStatus | undefined);
    const desired: OwnedStatus = {
      conditions: mergeConditions(current.conditions, fragment.conditions, now),
      failover: fragment.failover,
      nodes: fragment.nodes,
    };
    return this.writer.applyIfChanged(pool.metadata?.name ?? '', desired, current, signal);
  }
}

/** The fields this manager owns, as stored. */
function ownedPart(status: ResourcePoolStatus | undefined): OwnedStatus {
  const conditions = ((status?.conditions ?? []) as Condition[]).filter((c) =>
    OWNED_CONDITIONS.includes(c.type),
  );
  const nodes: OwnedStatus['nodes'] = {};
  if (status?.nodes?.unhealthy !== undefined) nodes.unhealthy = status.nodes.unhealthy;
  if (status?.nodes?.fenced !== undefined) nodes.fenced = status.nodes.fenced;
  return { conditions, failover: status?.failover ?? {}, nodes };
}

/**
 * Writes status.consolidation by server-side apply under the
 * field manager `fulcrum-consolidator`, beside the pool, failover and balancer managers' fields, only when
 * it differs from what is stored (a quiet interval writes nothing).
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { ConsolidationStatus, ResourcePoolStatus } from '../../api/index.js';
import type { CustomObject } from '../../kube/informers.js';
import { PoolStatusPartWriter } from '../status/pool-status-part.js';

export const CONSOLIDATOR_FIELD_MANAGER = 'fulcrum-consolidator';

/** Consolidation's part of the status: it writes no conditions. */
interface OwnedStatus {
  consolidation?: ConsolidationStatus;
  conditions?: never;
}

export class ConsolidationStatusWriter {
  private readonly writer: PoolStatusPartWriter;

  constructor(api: CustomObjectsApi) {
    this.writer = new PoolStatusPartWriter(api, CONSOLIDATOR_FIELD_MANAGER);
  }

  /** Applies the parts given (a part left undefined is kept as stored); returns whether it wrote. */
  async write(
    pool: CustomObject,
    parts: { consolidation?: ConsolidationStatus },
    signal: AbortSignal,
  ): Promise<boolean> {
    const stored = pool.status as ResourcePoolStatus | undefined;
    const current: OwnedStatus = stored?.consolidation ? { consolidation: stored.consolidation } : {};
    const consolidation = parts.consolidation ?? current.consolidation;
    const desired: OwnedStatus = consolidation ? { consolidation } : {};
    // `time` says when the rest last changed: an interval that changes nothing else writes nothing.
    return this.writer.applyIfChanged(pool.metadata?.name ?? '', desired, current, signal, withoutTime);
  }
}

function withoutTime(part: OwnedStatus): OwnedStatus {
  if (!part.consolidation) return part;
  const { time: _time, ...rest } = part.consolidation;
  return { consolidation: rest };
}

/**
 * Writes status.consolidation by server-side apply under the
 * field manager `fulcrum-consolidator`, beside the pool, failover and balancer managers' fields, only when
 * it differs from what is stored (a quiet interval writes nothing).
 */
import { isDeepStrictEqual } from 'node:util';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  GROUP,
  RESOURCE_POOL_KIND,
  RESOURCE_POOL_PLURAL,
  VERSION,
  type ConsolidationStatus,
  type ResourcePoolStatus,
} from '../../api/index.js';
import type { CustomObject } from '../../kube/informers.js';
import { StatusWriter } from '../../kube/status-writer.js';

export const CONSOLIDATOR_FIELD_MANAGER = 'fulcrum-consolidator';

interface OwnedStatus {
  consolidation?: ConsolidationStatus;
}

export class ConsolidationStatusWriter {
  private readonly writer: StatusWriter;

  constructor(api: CustomObjectsApi) {
    this.writer = new StatusWriter(api, { fieldManager: CONSOLIDATOR_FIELD_MANAGER });
  }

  /** Applies the parts given (a part left undefined is kept as stored); returns whether it wrote. */
  async write(
    pool: CustomObject,
    parts: { consolidation?: ConsolidationStatus },
    signal: AbortSignal,
  ): Promise<boolean> {
    const stored = pool.status as ResourcePoolStatus | undefined;
    const current: OwnedStatus = {
      ...(stored?.consolidation ? { consolidation: stored.consolidation } : {}),
    };
    const desired: OwnedStatus = {
      ...((parts.consolidation ?? current.consolidation)
        ? { consolidation: parts.consolidation ?? current.consolidation }
        : {}),
    };
    // `time` says when the rest last changed: an interval that changes nothing else writes nothing.
    if (isDeepStrictEqual(plain(desired, true), plain(current, true))) return false;
    const name = pool.metadata?.name ?? '';
    const ref = {
      group: GROUP,
      version: VERSION,
      plural: RESOURCE_POOL_PLURAL,
      kind: RESOURCE_POOL_KIND,
      name,
    };
    await this.writer.apply(ref, desired, signal);
    return true;
  }
}

/** JSON round trip (drops undefined fields, as the stored status has none), without the times. */
function plain(value: OwnedStatus, withoutTimes: boolean): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as OwnedStatus;
  if (withoutTimes && copy.consolidation) delete copy.consolidation.time;
  return copy;
}

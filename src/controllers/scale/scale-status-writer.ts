/**
 * Writes status.scaleTarget by server-side apply under the field manager `fulcrum-scaler`, beside the other
 * managers' fields, only when it differs from what is stored; an absent part removes the stored one (a pool
 * whose scale target was taken out or turned Off).
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { ResourcePoolStatus, ScaleTargetStatus } from '../../api/index.js';
import type { CustomObject } from '../../kube/informers.js';
import { PoolStatusPartWriter } from '../status/pool-status-part.js';

export const SCALER_FIELD_MANAGER = 'fulcrum-scaler';

interface OwnedStatus {
  scaleTarget?: ScaleTargetStatus;
  conditions?: never;
}

export class ScaleStatusWriter {
  private readonly writer: PoolStatusPartWriter;

  constructor(api: CustomObjectsApi) {
    this.writer = new PoolStatusPartWriter(api, SCALER_FIELD_MANAGER);
  }

  async write(
    pool: CustomObject,
    scaleTarget: ScaleTargetStatus | undefined,
    signal: AbortSignal,
  ): Promise<boolean> {
    const stored = (pool.status as ResourcePoolStatus | undefined)?.scaleTarget;
    const current: OwnedStatus = stored ? { scaleTarget: stored } : {};
    const desired: OwnedStatus = scaleTarget ? { scaleTarget } : {};
    return this.writer.applyIfChanged(pool.metadata?.name ?? '', desired, current, signal);
  }
}

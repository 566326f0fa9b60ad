/**
 * One field manager's part of a ResourcePool's status (failover's, rebalancing's, consolidation's), written by server-side
 * apply only when that part (as the caller reads it back from the stored status) differs from what it would
 * write. Conditions are compared by type, whatever order the server keeps them in.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_KIND, RESOURCE_POOL_PLURAL, VERSION } from '../../api/index.js';
import { StatusWriter } from '../../kube/status-writer.js';
import type { Condition } from '../../model/conditions.js';

export class PoolStatusPartWriter {
  private readonly writer: StatusWriter;

  constructor(api: CustomObjectsApi, fieldManager: string) {
    this.writer = new StatusWriter(api, { fieldManager });
  }

  /**
   * Applies `desired` to pool `name` unless `current` (its part as stored) equals it; returns whether it wrote.
   * `comparable` leaves out what must not cause a write by itself (e.g. a timestamp of the last plan).
   */
  async applyIfChanged<P extends { conditions?: Condition[] }>(
    name: string,
    desired: P,
    current: P,
    signal: AbortSignal,
    comparable: (part: P) => P = (part) => part,
  ): Promise<boolean> {
    if (isDeepStrictEqual(normalize(comparable(desired)), normalize(comparable(current)))) return false;
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

/** JSON round trip (drops undefined) and conditions by type, as the server may store them in any order. */
function normalize<P extends { conditions?: Condition[] }>(part: P): unknown {
  const plain = JSON.parse(JSON.stringify(part)) as P;
  plain.conditions?.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return plain;
}

import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { isNotFound } from './errors.js';
import type { LeaseRecord, LeaseSnapshot } from './lease-decision.js';
import { requestOptions } from './request-options.js';

/**
 * Reads and writes one Lease. `create` fails with 409 if it exists; `replace` fails with 409 when
 * `resourceVersion` is stale (optimistic concurrency: two candidates can never both win one round).
 */
export interface LeaseClient {
  get(signal: AbortSignal): Promise<LeaseSnapshot | undefined>;
  create(record: LeaseRecord, signal: AbortSignal): Promise<LeaseSnapshot>;
  replace(record: LeaseRecord, resourceVersion: string, signal: AbortSignal): Promise<LeaseSnapshot>;
}

/** A `LeaseClient` for `coordination.k8s.io/v1` Lease `namespace/name`. */
export function kubeLeaseClient(api: CoordinationV1Api, namespace: string, name: string): LeaseClient {
  return {
    async get(signal) {
      try {
        return toSnapshot(await api.readNamespacedLease({ name, namespace }, requestOptions(signal)));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async create(record, signal) {
      const body = toLease(namespace, name, record);
      return toSnapshot(await api.createNamespacedLease({ namespace, body }, requestOptions(signal)));
    },
    async replace(record, resourceVersion, signal) {
      const body = toLease(namespace, name, record, resourceVersion);
      return toSnapshot(await api.replaceNamespacedLease({ name, namespace, body }, requestOptions(signal)));
    },
  };
}

function toLease(namespace: string, name: string, record: LeaseRecord, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      // V1MicroTime serializes with the microsecond precision the API server requires.
      acquireTime: new V1MicroTime(record.acquireTime),
      renewTime: new V1MicroTime(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  };
}

function toSnapshot(lease: V1Lease): LeaseSnapshot {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: toMillis(spec.acquireTime),
      renewTime: toMillis(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

/** MicroTime fields arrive as strings (the serializer does not know the type) or Dates. */
function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value) || 0;
  return 0;
}

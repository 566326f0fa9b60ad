import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PolicyV1Api,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Lease,
  type V1Node,
  type V1Pod,
  type V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import { Interner } from './interner.js';
import { leanNode, type LeanNode } from './lean-node.js';
import { leanPod, type LeanPod } from './lean-pod.js';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../clock/clock.js';
import { Informer, type InformerOptions } from './informer.js';
import { kubeListWatchSource, type ListPageFn } from './list-watch-source.js';
import type { CachedObject } from './object-key.js';
import { wireListPage } from './wire-list.js';

/** A custom resource as the informer caches it: plain JSON, validated by the consumer (src/api). */
export interface CustomObject extends KubernetesObject {
  spec?: unknown;
  status?: unknown;
}

export const FULCRUM_GROUP = 'fulcrum.io';
export const FULCRUM_VERSION = 'v1alpha1';
/** Where kubelets (and kwok) renew their node heartbeat Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The informers every Fulcrum controller reads from. Start each (they are runnables) before reading. */
export interface ClusterInformers<
  Pool extends CustomObject = CustomObject,
  Policy extends CustomObject = CustomObject,
> {
  /** Lean node records (lean-node.ts lists the fields kept); read a full node from the API server. */
  nodes: Informer<LeanNode>;
  /** Lean pod records (lean-pod.ts lists the fields kept); read a full pod from the API server. */
  pods: Informer<LeanPod>;
  nodeLeases: Informer<V1Lease>;
  podDisruptionBudgets: Informer<V1PodDisruptionBudget>;
  resourcePools: Informer<Pool>;
  workloadPolicies: Informer<Policy>;
  /** All of the above, for starting, sync waits, health checks and metrics. */
  all(): Informer<CachedObject>[];
}

/** Settings shared by every informer of the factory (each can still be tuned through `perInformer`). */
export type SharedInformerOptions = Partial<Omit<InformerOptions<CachedObject>, 'name' | 'source'>> & {
  clock?: Clock;
  logger?: Logger;
  pageSize?: number;
  /** Shares repeated values between cached pods and nodes (default: one per factory). */
  interner?: Interner;
};

/**
 * Builds the cluster informers from a KubeConfig. Built-in kinds are decoded exactly as the generated list
 * calls decode them (Dates for timestamps) whether they come from a list or a watch; custom resources
 * stay plain JSON, and so do pods, which `leanPod` reads as wire JSON. Pods and nodes are cached as lean
 * records (lean-pod.ts, lean-node.ts), pruned page by page as a list arrives; for the other kinds `managedFields` are dropped before caching.
 */
export function createClusterInformers<
  Pool extends CustomObject = CustomObject,
  Policy extends CustomObject = CustomObject,
>(kubeConfig: KubeConfig, options: SharedInformerOptions = {}): ClusterInformers<Pool, Policy> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  const policy = kubeConfig.makeApiClient(PolicyV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const interner = options.interner ?? new Interner();
  const make = informerMaker(kubeConfig, options);
  const crPath = (plural: string) => `/apis/${FULCRUM_GROUP}/${FULCRUM_VERSION}/${plural}`;
  const informers = {
    nodes: make<V1Node, LeanNode>(
      'nodes',
      '/api/v1/nodes',
      (p, o) => core.listNode(p, o),
      'V1Node',
      (node) => leanNode(node, interner),
    ),
    // Pods come as wire JSON, list and watch alike, straight into `leanPod` (see wire-list.ts for why).
    pods: make<V1Pod, LeanPod>(
      'pods',
      '/api/v1/pods',
      wireListPage<V1Pod>(kubeConfig, '/api/v1/pods'),
      undefined,
      (pod) => leanPod(pod, interner),
    ),
    nodeLeases: make<V1Lease>(
      'node-leases',
      `/apis/coordination.k8s.io/v1/namespaces/${NODE_LEASE_NAMESPACE}/leases`,
      (p, o) => coordination.listNamespacedLease({ ...p, namespace: NODE_LEASE_NAMESPACE }, o),
      'V1Lease',
    ),
    podDisruptionBudgets: make<V1PodDisruptionBudget>(
      'poddisruptionbudgets',
      '/apis/policy/v1/poddisruptionbudgets',
      (p, o) => policy.listPodDisruptionBudgetForAllNamespaces(p, o),
      'V1PodDisruptionBudget',
    ),
    resourcePools: make<Pool>(
      'resourcepools',
      crPath('resourcepools'),
      listClusterCustomObjects<Pool>(custom, 'resourcepools'),
    ),
    workloadPolicies: make<Policy>(
      'workloadpolicies',
      crPath('workloadpolicies'),
      listCustomObjectsInAllNamespaces<Policy>(custom, 'workloadpolicies'),
    ),
  };
  return {
    ...informers,
    all: () => Object.values(informers) as unknown as Informer<CachedObject>[],
  };
}

/**
 * The factory's informer maker: every informer gets the shared options, drops `managedFields` before the
 * shared transform, and decodes built-in kinds by `type` (as the generated list calls do); `lean` prunes
 * each object of a list page as it arrives.
 */
function informerMaker(kubeConfig: KubeConfig, options: SharedInformerOptions) {
  return <Wire extends KubernetesObject, T extends CachedObject = Wire>(
    name: string,
    path: string,
    list: ListPageFn<Wire>,
    type?: string,
    lean?: (object: Wire) => T,
  ) =>
    new Informer<T>({
      ...(options as Partial<InformerOptions<T>>),
      name,
      transform: (o: T) =>
        options.transform ? (options.transform(stripManagedFields(o)) as T) : stripManagedFields(o),
      source: kubeListWatchSource<Wire, T>(kubeConfig, {
        path,
        list,
        pageSize: options.pageSize,
        decode: type ? (raw) => ObjectSerializer.deserialize(raw, type) as Wire : undefined,
        transform: lean,
      }),
    });
}

/** Lists a cluster-scoped Fulcrum custom resource, page by page. */
function listClusterCustomObjects<T extends CustomObject>(
  custom: CustomObjectsApi,
  plural: string,
): ListPageFn<T> {
  return (p, o) =>
    custom.listClusterCustomObject(
      { ...p, group: FULCRUM_GROUP, version: FULCRUM_VERSION, plural },
      o,
    ) as Promise<KubernetesListObject<T>>;
}

/** Lists a namespaced Fulcrum custom resource across all namespaces, page by page. */
function listCustomObjectsInAllNamespaces<T extends CustomObject>(
  custom: CustomObjectsApi,
  resourcePlural: string,
): ListPageFn<T> {
  return (p, o) =>
    custom.listCustomObjectForAllNamespaces(
      { ...p, group: FULCRUM_GROUP, version: FULCRUM_VERSION, resourcePlural },
      o,
    ) as Promise<KubernetesListObject<T>>;
}

/** Drops `metadata.managedFields` (often half an object's size; nothing in Fulcrum reads them). */
export function stripManagedFields<T extends CachedObject>(object: T): T {
  const metadata = object.metadata as { managedFields?: unknown } | undefined;
  if (metadata?.managedFields) delete metadata.managedFields;
  return object;
}

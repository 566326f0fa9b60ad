import { evictionTraitsOf } from './eviction-traits.js';
import { parseMillicores, parseUnits } from './quantity.js';
import { accumulate, zeroResources, type ResourceVector } from './resources.js';
import type { LeanContainer, LeanPod } from '../kube/lean-pod.js';

/** Annotation giving a pod's network bandwidth request in bits per second (for example "200M"). */
export const NETWORK_REQUEST_ANNOTATION = 'fulcrum.io/network-request';

/** What decisions need to know about a pod, extracted once per pod event. */
export interface PodInfo {
  /** `namespace/name`, the key used everywhere. */
  key: string;
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  nodeName: string | undefined;
  schedulerName: string;
  priority: number;
  phase: string;
  /** Effective requests, as the kube-scheduler computes them (init containers, sidecars, overhead). */
  requests: ResourceVector;
  creationTimestamp: number | undefined;
  deleting: boolean;
  /**
   * spec.nodeSelector: labels a node must carry exactly. Undefined when the pod sets none (optional only so
   * PodInfo literals written before it still type-check; podInfoFromPod always sets the key).
   */
  nodeSelector?: Record<string, string>;
  /**
   * spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: a node must
   * match at least one term. Undefined when the pod has no required node affinity.
   */
  requiredNodeAffinity?: NodeSelectorTerm[];
  /** spec.tolerations. Undefined when the pod tolerates no taint. */
  tolerations?: Toleration[];
  /**
   * EvictionTrait bits (system-critical, local storage, PVC, no controller, ...), read by evictionProtection.
   * podInfoFromPod always sets it; a literal without it stands for an ordinary controller-owned pod.
   */
  evictionTraits?: number;
}

/** One requirement of a node selector term, on a node label (matchExpressions) or field (matchFields). */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values?: string[];
}

/** A term of required node affinity: every requirement must hold. An empty term matches no node. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  /** Requirements on node fields; Kubernetes supports only `metadata.name`. */
  matchFields?: NodeSelectorRequirement[];
}

/** A pod toleration, as in the core API: an empty key with operator Exists tolerates every taint. */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: string;
}

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function podInfoFromPod(pod: LeanPod): PodInfo {
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const created = pod.metadata?.creationTimestamp;
  const spec = pod.spec;
  // One literal with every key, so every PodInfo has one shape and all of its fields in the object itself
  // (a literal spread into or grown past its keys keeps the rest in a separate property array).
  return {
    key: podKey(namespace, name),
    namespace,
    name,
    uid: pod.metadata?.uid ?? '',
    labels: pod.metadata?.labels ?? {},
    nodeName: spec?.nodeName || undefined,
    schedulerName: spec?.schedulerName ?? 'default-scheduler',
    priority: spec?.priority ?? 0,
    phase: pod.status?.phase ?? 'Pending',
    requests: effectiveRequests(pod),
    creationTimestamp: created ? new Date(created).getTime() : undefined,
    deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null,
    nodeSelector: nodeSelectorOf(spec?.nodeSelector),
    requiredNodeAffinity: requiredNodeAffinityOf(pod),
    tolerations: spec?.tolerations && spec.tolerations.length > 0 ? spec.tolerations : undefined,
    evictionTraits: evictionTraitsOf(pod),
  };
}

function nodeSelectorOf(selector: Record<string, string> | undefined): Record<string, string> | undefined {
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

/**
 * The pod's required node affinity terms: the cached record's own (shared between pods by the informer's
 * interner, and frozen), not a copy, so the model and the informer hold one instance. The same goes for
 * the node selector and tolerations above.
 */
function requiredNodeAffinityOf(pod: LeanPod): NodeSelectorTerm[] | undefined {
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required ? (required.nodeSelectorTerms ?? NO_TERMS) : undefined;
}

const NO_TERMS: NodeSelectorTerm[] = Object.freeze([]) as unknown as NodeSelectorTerm[];

/** A pod that no longer holds resources on its node. */
export function isTerminal(pod: PodInfo): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

/**
 * The pod's effective request: the larger of (app containers + sidecars) and each classic init container
 * (plus the sidecars started before it), then pod overhead. Matches the kube-scheduler's accounting.
 */
export function effectiveRequests(pod: LeanPod): ResourceVector {
  const running = zeroResources();
  for (const c of pod.spec?.containers ?? []) accumulate(running, containerRequests(c));
  const sidecars = zeroResources();
  const initPeak = zeroResources();
  for (const c of pod.spec?.initContainers ?? []) {
    const request = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      accumulate(sidecars, request);
      continue;
    }
    const during = { ...sidecars };
    accumulate(during, request);
    maxInto(initPeak, during);
  }
  accumulate(running, sidecars);
  maxInto(running, initPeak);
  const overhead = pod.spec?.overhead ?? {};
  running.cpu += parseMillicores(overhead.cpu ?? 0);
  running.memory += parseUnits(overhead.memory ?? 0);
  running.network += networkRequest(pod);
  running.pods = 1;
  return running;
}

/** A malformed annotation is the user's mistake, not a reason to drop the pod from the model: count 0. */
function networkRequest(pod: LeanPod): number {
  try {
    return parseUnits(pod.metadata?.annotations?.[NETWORK_REQUEST_ANNOTATION] ?? 0);
  } catch {
    return 0;
  }
}

function containerRequests(c: LeanContainer): ResourceVector {
  const r = c.resources?.requests ?? {};
  const v = zeroResources();
  v.cpu = parseMillicores(r.cpu ?? 0);
  v.memory = parseUnits(r.memory ?? 0);
  v.ephemeralStorage = parseUnits(r['ephemeral-storage'] ?? 0);
  return v;
}

function maxInto(target: ResourceVector, other: ResourceVector): void {
  target.cpu = Math.max(target.cpu, other.cpu);
  target.memory = Math.max(target.memory, other.memory);
  target.ephemeralStorage = Math.max(target.ephemeralStorage, other.ephemeralStorage);
  target.network = Math.max(target.network, other.network);
}

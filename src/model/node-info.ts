import { parseMillicores, parseUnits } from './quantity.js';
import { zeroResources, type ResourceVector } from './resources.js';
import type { LeanNode } from '../kube/lean-node.js';

/** Annotation giving a node's network capacity in bits per second (for example "10G"). */
export const NETWORK_CAPACITY_ANNOTATION = 'fulcrum.io/network-capacity';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

/** What decisions need to know about a node, extracted once per node event. */
export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  allocatable: ResourceVector;
  ready: boolean;
  unschedulable: boolean;
  taints: Taint[];
}

/** Extracts a NodeInfo; a malformed quantity counts as zero capacity rather than failing the model. */
export function nodeInfoFromNode(node: LeanNode): NodeInfo {
  const allocatable = node.status?.allocatable ?? {};
  const annotations = node.metadata?.annotations ?? {};
  const vector = zeroResources();
  vector.cpu = safe(() => parseMillicores(allocatable.cpu ?? 0));
  vector.memory = safe(() => parseUnits(allocatable.memory ?? 0));
  vector.ephemeralStorage = safe(() => parseUnits(allocatable['ephemeral-storage'] ?? 0));
  vector.pods = safe(() => parseUnits(allocatable.pods ?? 0));
  vector.network = safe(() => parseUnits(annotations[NETWORK_CAPACITY_ANNOTATION] ?? 0));
  const readyCondition = node.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    annotations,
    allocatable: vector,
    ready: readyCondition?.status === 'True',
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
  };
}

function safe(parse: () => number): number {
  try {
    return parse();
  } catch {
    return 0;
  }
}

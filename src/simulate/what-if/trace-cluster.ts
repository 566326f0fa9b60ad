/**
 * The cluster a what-if replay runs on: the trace's nodes and pods in a ClusterModel (the model the planners
 * read in the operator), and the usage the metrics would show at a time — the sum of the usage of the pods
 * on each node, so a pod that moves takes its usage along. Pods are ordinary controller-owned pods (a
 * ReplicaSet per workload), movable, without disruption budgets.
 */
import type { PodFacts } from '../../rebalancing/index.js';
import type { ConsolidationFacts } from '../../consolidation/index.js';
import { ClusterModel } from '../../model/cluster-model.js';
import type { NodeInfo } from '../../model/node-info.js';
import type { PodInfo } from '../../model/pod-info.js';
import { zeroResources, type ResourceVector } from '../../model/resources.js';
import { usageAt, type TraceWorkload, type UsageTrace } from './usage-trace.js';

/** Ephemeral storage every trace node offers: the trace does not model it, so it never binds. */
const NODE_STORAGE = 1e15;

export class TraceCluster {
  readonly model = new ClusterModel();
  /** Pod key → its workload. */
  private readonly workloadOf = new Map<string, TraceWorkload>();

  constructor(
    private readonly trace: UsageTrace,
    /** Time of the first sample, ms: pods were created an hour before, so none is too young to move. */
    start: number,
  ) {
    for (const node of trace.nodes) this.model.upsertNode(nodeInfo(node.name, node.cpu, node.memory));
    for (const w of trace.workloads)
      for (let i = 0; i < w.replicas; i++) {
        const pod = podInfo(w, i, w.nodes[i % w.nodes.length]!, start - 3_600_000);
        this.model.upsertPod(pod);
        this.workloadOf.set(pod.key, w);
      }
  }

  get nodeNames(): string[] {
    return this.trace.nodes.map((n) => n.name);
  }

  /** Each pod's usage at `atMs` since the trace's start. */
  podUsage(atMs: number): Map<string, ResourceVector> {
    const out = new Map<string, ResourceVector>();
    for (const [key, w] of this.workloadOf) {
      const u = usageAt(w, atMs);
      out.set(key, { ...zeroResources(), cpu: u.cpu, memory: u.memory });
    }
    return out;
  }

  /** Each node's usage: the sum of its pods'. */
  nodeUsage(podUsage: ReadonlyMap<string, ResourceVector>): Map<string, ResourceVector> {
    const out = new Map<string, ResourceVector>();
    for (const name of this.nodeNames) {
      const sum = zeroResources();
      for (const key of this.model.podsOn(name)) {
        const u = podUsage.get(key);
        if (!u) continue;
        sum.cpu += u.cpu;
        sum.memory += u.memory;
      }
      out.set(name, sum);
    }
    return out;
  }

  /** A move as the controller's replacement would make it: the pod runs on `to`, newly created at `now`. */
  move(podKey: string, to: string, now: number): void {
    const pod = this.model.pod(podKey);
    if (pod) this.model.upsertPod({ ...pod, nodeName: to, creationTimestamp: now });
  }

  setAnnotation(node: string, key: string, value: string): void {
    const info = this.model.node(node);
    if (info) this.model.upsertNode({ ...info, annotations: { ...info.annotations, [key]: value } });
  }

  setTaints(node: string, change: (taints: NodeInfo['taints']) => NodeInfo['taints']): void {
    const info = this.model.node(node);
    if (info) this.model.upsertNode({ ...info, taints: change(info.taints) });
  }

  facts(): PodFacts & ConsolidationFacts {
    return {
      priorityOf: (pod) => pod.priority,
      movable: () => true,
      qosOf: () => 'Burstable',
      workloadOf: (pod) => {
        const w = this.workloadOf.get(pod.key);
        return w ? `ReplicaSet/${w.namespace}/${w.name}` : undefined;
      },
      staysOnNode: () => false,
    };
  }
}

function nodeInfo(name: string, cpu: number, memory: number): NodeInfo {
  return {
    name,
    labels: {},
    annotations: {},
    allocatable: { cpu, memory, ephemeralStorage: NODE_STORAGE, network: 0, pods: 110 },
    ready: true,
    unschedulable: false,
    taints: [],
  };
}

function podInfo(w: TraceWorkload, ordinal: number, node: string, created: number): PodInfo {
  const name = `${w.name}-${ordinal}`;
  return {
    key: `${w.namespace}/${name}`,
    namespace: w.namespace,
    name,
    uid: `uid-${w.namespace}-${name}`,
    labels: { app: w.name },
    nodeName: node,
    schedulerName: 'fulcrum',
    priority: w.priority,
    phase: 'Running',
    requests: { ...zeroResources(), cpu: w.requests.cpu, memory: w.requests.memory, pods: 1 },
    creationTimestamp: created,
    deleting: false,
  };
}

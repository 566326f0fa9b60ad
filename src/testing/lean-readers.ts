/**
 * Every function that reads cached pods and nodes, run on a given object: the lean-record tests run them on
 * a full object (recording what they read) and on its lean record, and require the same answers. Add your
 * reader here when you write code that reads a cached pod or node.
 */
import type { PodPolicyLookup } from '../controllers/failover/pod-policy.js';
import { isMirrorPod, ownerKindOf } from '../controllers/failover/pod-policy.js';
import { ReplacementTracker } from '../failover/replacement-tracker.js';
import { alreadyMarked } from '../controllers/scheduler/pod-binder.js';
import { schedulingRelevant } from '../controllers/scheduler/scheduler-controller.js';
import { podTraits, qosClass } from '../rebalancing/pod-traits.js';
import type { LeanNode } from '../kube/lean-node.js';
import type { LeanPod } from '../kube/lean-pod.js';
import { objectKey } from '../kube/object-key.js';
import { nodeInfoFromNode } from '../model/node-info.js';
import { podInfoFromPod } from '../model/pod-info.js';
import { readyObservation } from '../probes/node-condition.js';
import { probeAddress } from '../probes/probe-address.js';

export interface Reader<T> {
  name: string;
  /** `twin` is an equal copy of `object`, for readers that compare two versions of an object. */
  read: (object: T, twin: T) => unknown;
}

export const POD_READERS: ReadonlyArray<Reader<LeanPod>> = [
  { name: 'objectKey', read: (pod) => objectKey(pod) },
  { name: 'podInfoFromPod (model, scheduler)', read: (pod) => podInfoFromPod(pod) },
  { name: 'podTraits (rebalance)', read: (pod) => podTraits(pod) },
  { name: 'qosClass (rebalance)', read: (pod) => qosClass(pod) },
  { name: 'ReplacementTracker.controllerOf (failover)', read: (pod) => ReplacementTracker.controllerOf(pod) },
  {
    name: 'ReplacementTracker.observe (failover)',
    read: (pod) => {
      const tracker = new ReplacementTracker();
      const controller = ReplacementTracker.controllerOf(pod);
      if (controller) tracker.expect('elsewhere', controller, 0);
      return tracker.observe(pod);
    },
  },
  {
    name: 'ownerKindOf / isMirrorPod (failover)',
    read: (pod) => {
      const lookup = { pod: () => pod } as unknown as PodPolicyLookup;
      const info = podInfoFromPod(pod);
      return [ownerKindOf(lookup, info), isMirrorPod(lookup, info)];
    },
  },
  {
    name: 'alreadyMarked (scheduler status writes)',
    read: (pod) => {
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      return alreadyMarked(pod, condition?.message ?? '', pod.status?.nominatedNodeName);
    },
  },
  { name: 'scheduling gates (scheduler)', read: (pod) => pod.spec?.schedulingGates?.length ?? 0 },
];

export const NODE_READERS: ReadonlyArray<Reader<LeanNode>> = [
  { name: 'objectKey', read: (node) => objectKey(node) },
  { name: 'nodeInfoFromNode (model)', read: (node) => nodeInfoFromNode(node) },
  { name: 'readyObservation (failover)', read: (node) => readyObservation(node, 0) },
  { name: 'probeAddress (failover)', read: (node) => probeAddress(node, { port: 10250 }) },
  {
    name: 'schedulingRelevant (scheduler)',
    read: (node, twin) => schedulingRelevant(twin, node),
  },
];

/**
 * The pod record the informer caches: a pruned V1Pod, same shape, holding only the fields Fulcrum reads.
 * A full pod (managedFields gone) costs several KB in memory, mostly in fields nothing here reads (the
 * service-account volume, container images, env, probes, container statuses, timestamps of every
 * condition); this record costs a few hundred bytes, and its repeated parts are shared between pods
 * (`Interner`). Anything that needs the whole pod (a patch, an Event body) reads it from the API server.
 *
 * KEPT — every field below, nothing else. If your code starts reading a pod field that is not listed,
 * add it here (to the type and to `leanPod`), and to the read-recording test of
 * test/integration/runtime/lean-objects.test.ts. Code typed with `LeanPod` fails to compile when it reads a
 * dropped field.
 *
 * - apiVersion 'v1', kind 'Pod' (always set: list items come without them, Events need them)
 * - metadata: name, namespace, uid, resourceVersion, generation, creationTimestamp, deletionTimestamp,
 *   deletionGracePeriodSeconds, labels, annotations (all but kubectl's last-applied-configuration),
 *   ownerReferences (apiVersion, kind, name, uid, controller)
 * - spec: nodeName, schedulerName, priority, priorityClassName, preemptionPolicy, nodeSelector, affinity,
 *   tolerations, topologySpreadConstraints, schedulingGates, overhead, restartPolicy,
 *   terminationGracePeriodSeconds, hostNetwork;
 *   containers and initContainers: name, restartPolicy (sidecars), resources (requests, limits), ports
 *   (only those with a hostPort);
 *   volumes: every volume's name; the source only for persistentVolumeClaim, ephemeral, emptyDir, hostPath
 * - status: phase, reason, qosClass, nominatedNodeName, startTime,
 *   conditions (type, status, reason, message; no timestamps)
 *
 * DROPPED (read them on demand): managedFields, generateName, finalizers, containers' image, command, args, env, envFrom, volumeMounts, probes, securityContext, lifecycle;
 * configMap / secret / projected / downwardAPI volumes; serviceAccountName, securityContext, dnsPolicy,
 * hostname, subdomain, status.containerStatuses, initContainerStatuses, podIP(s), hostIP(s), conditions'
 * timestamps.
 */
import type {
  V1Affinity,
  V1Container,
  V1ContainerPort,
  V1ObjectMeta,
  V1OwnerReference,
  V1Pod,
  V1PodCondition,
  V1PodSpec,
  V1PodStatus,
  V1ResourceRequirements,
  V1Volume,
} from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { Interner } from './interner.js';
import { pickDefined } from './pick-defined.js';

export type LeanOwnerReference = Pick<
  V1OwnerReference,
  'apiVersion' | 'kind' | 'name' | 'uid' | 'controller'
>;

export type LeanObjectMeta = Pick<
  V1ObjectMeta,
  | 'name'
  | 'namespace'
  | 'uid'
  | 'resourceVersion'
  | 'generation'
  | 'creationTimestamp'
  | 'deletionTimestamp'
  | 'deletionGracePeriodSeconds'
  | 'labels'
  | 'annotations'
> & {
  ownerReferences?: LeanOwnerReference[];
  /**
   * Never present on a lean record. Typed `unknown` so that a lean record cannot be passed where a full
   * V1Pod or V1Node is expected (the full types are otherwise all-optional, so a pruned object would fit
   * them silently), while a full object still fits wherever a lean one is expected.
   */
  managedFields?: unknown;
};

export type LeanContainer = Pick<V1Container, 'name' | 'restartPolicy'> & {
  resources?: Pick<V1ResourceRequirements, 'requests' | 'limits'>;
  ports?: Pick<V1ContainerPort, 'containerPort' | 'hostPort' | 'hostIP' | 'protocol'>[];
};

export type LeanVolume = Pick<
  V1Volume,
  'name' | 'persistentVolumeClaim' | 'ephemeral' | 'emptyDir' | 'hostPath'
>;

export type LeanPodSpec = Pick<
  V1PodSpec,
  | 'nodeName'
  | 'schedulerName'
  | 'priority'
  | 'priorityClassName'
  | 'preemptionPolicy'
  | 'nodeSelector'
  | 'tolerations'
  | 'topologySpreadConstraints'
  | 'schedulingGates'
  | 'overhead'
  | 'restartPolicy'
  | 'terminationGracePeriodSeconds'
  | 'hostNetwork'
> & {
  affinity?: V1Affinity;
  containers: LeanContainer[];
  initContainers?: LeanContainer[];
  volumes?: LeanVolume[];
};

export type LeanPodCondition = Pick<V1PodCondition, 'type' | 'status' | 'reason' | 'message'>;

export type LeanPodStatus = Pick<
  V1PodStatus,
  'phase' | 'reason' | 'qosClass' | 'nominatedNodeName' | 'startTime'
> & {
  conditions?: LeanPodCondition[];
};

/** A pod as the informer caches it. A V1Pod is a LeanPod, so tests may pass full pods anywhere. */
export interface LeanPod {
  apiVersion?: string;
  kind?: string;
  metadata?: LeanObjectMeta;
  spec?: LeanPodSpec;
  status?: LeanPodStatus;
}

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

const KEPT_VOLUME_SOURCES = ['persistentVolumeClaim', 'ephemeral', 'emptyDir', 'hostPath'] as const;

/**
 * Prunes `pod` to a LeanPod (see the file comment for what is kept). Unique strings (name, uid) are kept
 * as they are; repeated values (namespace, labels, owner references, containers, tolerations, conditions)
 * come from `interner`, shared with other pods and frozen.
 *
 * `pod` may be decoded by the generated client or be the wire JSON itself (the informer passes wire JSON,
 * skipping the client's decoder, which cost most of a 150,000-pod sync): field names are the same for
 * everything kept, and the kept timestamps become Dates here (`asDate`), as the decoder would make them.
 */
export function leanPod(pod: V1Pod, interner: Interner): LeanPod {
  const lean: LeanPod = { apiVersion: 'v1', kind: 'Pod' };
  if (pod.metadata) lean.metadata = leanMeta(pod.metadata, interner);
  if (pod.spec) lean.spec = leanPodSpec(pod.spec, interner);
  if (pod.status) lean.status = leanPodStatus(pod.status, interner);
  return lean;
}

/** Metadata of a pod or node: identity strings as they are, repeated maps shared. */
export function leanMeta(meta: V1ObjectMeta, interner: Interner): LeanObjectMeta {
  const lean: LeanObjectMeta = pickDefined(meta, [
    'name',
    'uid',
    'resourceVersion',
    'generation',
    'deletionGracePeriodSeconds',
  ]);
  if (meta.creationTimestamp !== undefined) lean.creationTimestamp = asDate(meta.creationTimestamp);
  if (meta.deletionTimestamp !== undefined) lean.deletionTimestamp = asDate(meta.deletionTimestamp);
  if (meta.namespace !== undefined) lean.namespace = interner.string(meta.namespace);
  if (meta.labels) lean.labels = interner.shared(plain(meta.labels));
  const annotations = withoutLastApplied(meta.annotations);
  if (annotations) lean.annotations = interner.shared(annotations);
  if (meta.ownerReferences) {
    lean.ownerReferences = interner.shared(
      plain(
        meta.ownerReferences.map((o) => pickDefined(o, ['apiVersion', 'kind', 'name', 'uid', 'controller'])),
      ),
    );
  }
  return lean;
}

function withoutLastApplied(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const copy = { ...annotations };
  delete copy[LAST_APPLIED_ANNOTATION];
  return copy;
}

function leanPodSpec(spec: V1PodSpec, interner: Interner): LeanPodSpec {
  const lean: LeanPodSpec = {
    ...pickDefined(spec, [
      'priority',
      'preemptionPolicy',
      'restartPolicy',
      'terminationGracePeriodSeconds',
      'hostNetwork',
    ]),
    containers: interner.shared(plain((spec.containers ?? []).map(leanContainer))),
  };
  if (spec.nodeName) lean.nodeName = interner.string(spec.nodeName);
  if (spec.schedulerName !== undefined) lean.schedulerName = interner.string(spec.schedulerName);
  if (spec.priorityClassName !== undefined) lean.priorityClassName = interner.string(spec.priorityClassName);
  if (spec.initContainers)
    lean.initContainers = interner.shared(plain(spec.initContainers.map(leanContainer)));
  for (const key of [
    'nodeSelector',
    'affinity',
    'tolerations',
    'topologySpreadConstraints',
    'schedulingGates',
    'overhead',
  ] as const) {
    if (spec[key] !== undefined) (lean as Record<string, unknown>)[key] = interner.shared(plain(spec[key]));
  }
  // Every volume keeps its name (so counts and indices match the pod); only these sources keep their content.
  const volumes = spec.volumes;
  if (volumes && volumes.length > 0)
    lean.volumes = interner.shared(
      plain(volumes.map((v) => pickDefined(decodeEphemeral(v), ['name', ...KEPT_VOLUME_SOURCES]))),
    );
  return lean;
}

function leanContainer(container: V1Container): LeanContainer {
  const lean: LeanContainer = pickDefined(container, ['name', 'restartPolicy']);
  const resources = container.resources;
  // Kept even when empty (the API server returns `resources: {}`), so the record has the object's shape.
  if (resources) lean.resources = pickDefined(resources, ['requests', 'limits']);
  const hostPorts = container.ports?.filter((p) => p.hostPort !== undefined && p.hostPort !== 0);
  if (hostPorts && hostPorts.length > 0)
    lean.ports = hostPorts.map((p) => pickDefined(p, ['containerPort', 'hostPort', 'hostIP', 'protocol']));
  return lean;
}

function leanPodStatus(status: V1PodStatus, interner: Interner): LeanPodStatus {
  const lean: LeanPodStatus = pickDefined(status, ['reason', 'nominatedNodeName']);
  if (status.startTime !== undefined) lean.startTime = asDate(status.startTime);
  if (status.phase !== undefined) lean.phase = interner.string(status.phase);
  if (status.qosClass !== undefined) lean.qosClass = interner.string(status.qosClass);
  if (status.conditions) {
    lean.conditions = interner.shared(
      plain(status.conditions.map((c) => pickDefined(c, ['type', 'status', 'reason', 'message']))),
    );
  }
  return lean;
}

/** A timestamp as the generated client decodes it (a Date), whether `value` was decoded or is wire text. */
export function asDate(value: Date | string): Date {
  return typeof value === 'string' ? new Date(value) : value;
}

/**
 * An ephemeral volume's claim template holds timestamps deep inside (its metadata): decode that rare
 * source with the client's own decoder (idempotent on an already decoded volume) rather than by hand.
 */
function decodeEphemeral(volume: V1Volume): V1Volume {
  if (!volume.ephemeral) return volume;
  const ephemeral = ObjectSerializer.deserialize(
    volume.ephemeral,
    'V1EphemeralVolumeSource',
  ) as V1Volume['ephemeral'];
  return { ...volume, ephemeral };
}

/**
 * A JSON-equal plain copy without undefined members: the client's decoder gives every generated class all
 * of its attributes, set or not, which costs memory and makes equal values differ in shape.
 */
export function plain<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(plain) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
  return out as T;
}

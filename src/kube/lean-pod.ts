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
 * - status: phase, reason, qosClass, nominatedNodeName,
 *   conditions (type, status, reason, message; no timestamps)
 *
 * DROPPED (read them on demand): managedFields, generateName, finalizers, containers' image, command, args, env, envFrom, volumeMounts, probes, securityContext, lifecycle;
 * configMap / secret / projected / downwardAPI volumes; serviceAccountName, securityContext, dnsPolicy,
 * hostname, subdomain, status.startTime (nothing read it; a Date is ~100 bytes a pod), status.containerStatuses, initContainerStatuses, podIP(s), hostIP(s), conditions'
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
import { plain, type Interner } from './interner.js';
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

export type LeanPodStatus = Pick<V1PodStatus, 'phase' | 'reason' | 'qosClass' | 'nominatedNodeName'> & {
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
 * come from `interner`, shared with other pods and frozen, and so do repeated enum-like strings (phase,
 * QoS class, policies), which would otherwise be one copy per pod.
 *
 * `pod` may be decoded by the generated client or be the wire JSON itself (the informer passes wire JSON,
 * skipping the client's decoder, which cost most of a 150,000-pod sync): field names are the same for
 * everything kept, and the kept timestamps become Dates here (`asDate`), as the decoder would make them.
 *
 * The records are class instances only so that V8 sizes each one for all of its fields: a plain `{}` grown
 * field by field past four keeps the rest in a separate property array (about 230 bytes a pod).
 */
export function leanPod(pod: V1Pod, interner: Interner): LeanPod {
  return new PodRecord(pod, interner);
}

class PodRecord implements LeanPod {
  readonly apiVersion = 'v1';
  readonly kind = 'Pod';
  declare metadata?: LeanObjectMeta;
  declare spec?: LeanPodSpec;
  declare status?: LeanPodStatus;

  constructor(pod: V1Pod, interner: Interner) {
    if (pod.metadata) this.metadata = leanMeta(pod.metadata, interner);
    if (pod.spec) this.spec = new PodSpecRecord(pod.spec, interner);
    if (pod.status) this.status = new PodStatusRecord(pod.status, interner);
  }
}

/** Metadata of a pod or node: identity strings as they are, repeated maps shared. */
export function leanMeta(meta: V1ObjectMeta, interner: Interner): LeanObjectMeta {
  return new MetaRecord(meta, interner);
}

class MetaRecord implements LeanObjectMeta {
  declare name?: string;
  declare namespace?: string;
  declare uid?: string;
  declare resourceVersion?: string;
  declare generation?: number;
  declare creationTimestamp?: Date;
  declare deletionTimestamp?: Date;
  declare deletionGracePeriodSeconds?: number;
  declare labels?: Record<string, string>;
  declare annotations?: Record<string, string>;
  declare ownerReferences?: LeanOwnerReference[];

  constructor(meta: V1ObjectMeta, interner: Interner) {
    if (meta.name !== undefined) this.name = meta.name;
    if (meta.namespace !== undefined) this.namespace = interner.string(meta.namespace);
    if (meta.uid !== undefined) this.uid = meta.uid;
    if (meta.resourceVersion !== undefined) this.resourceVersion = meta.resourceVersion;
    if (meta.generation !== undefined) this.generation = meta.generation;
    if (meta.creationTimestamp !== undefined) this.creationTimestamp = asDate(meta.creationTimestamp);
    if (meta.deletionTimestamp !== undefined) this.deletionTimestamp = asDate(meta.deletionTimestamp);
    if (meta.deletionGracePeriodSeconds !== undefined)
      this.deletionGracePeriodSeconds = meta.deletionGracePeriodSeconds;
    if (meta.labels) this.labels = interner.sharedCopy(meta.labels);
    const annotations = meta.annotations;
    if (annotations)
      this.annotations = interner.sharedCopy(
        annotations[LAST_APPLIED_ANNOTATION] === undefined ? annotations : withoutLastApplied(annotations),
      );
    if (meta.ownerReferences) {
      this.ownerReferences = interner.shared(
        meta.ownerReferences.map((o) =>
          plain(pickDefined(o, ['apiVersion', 'kind', 'name', 'uid', 'controller'])),
        ),
      );
    }
  }
}

function withoutLastApplied(annotations: Record<string, string>): Record<string, string> {
  const copy = { ...annotations };
  delete copy[LAST_APPLIED_ANNOTATION];
  return copy;
}

/** The spec fields shared by reference (when set), as the interner hands them out. */
const SHARED_SPEC_FIELDS = [
  'nodeSelector',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'schedulingGates',
  'overhead',
] as const;

class PodSpecRecord implements LeanPodSpec {
  declare nodeName?: string;
  declare schedulerName?: string;
  declare priority?: number;
  declare priorityClassName?: string;
  declare preemptionPolicy?: string;
  declare restartPolicy?: string;
  declare terminationGracePeriodSeconds?: number;
  declare hostNetwork?: boolean;
  declare containers: LeanContainer[];
  declare initContainers?: LeanContainer[];
  declare volumes?: LeanVolume[];
  declare nodeSelector?: LeanPodSpec['nodeSelector'];
  declare affinity?: LeanPodSpec['affinity'];
  declare tolerations?: LeanPodSpec['tolerations'];
  declare topologySpreadConstraints?: LeanPodSpec['topologySpreadConstraints'];
  declare schedulingGates?: LeanPodSpec['schedulingGates'];
  declare overhead?: LeanPodSpec['overhead'];

  constructor(spec: V1PodSpec, interner: Interner) {
    if (spec.nodeName) this.nodeName = interner.string(spec.nodeName);
    if (spec.schedulerName !== undefined) this.schedulerName = interner.string(spec.schedulerName);
    if (spec.priority !== undefined) this.priority = spec.priority;
    if (spec.priorityClassName !== undefined)
      this.priorityClassName = interner.string(spec.priorityClassName);
    if (spec.preemptionPolicy !== undefined) this.preemptionPolicy = interner.string(spec.preemptionPolicy);
    if (spec.restartPolicy !== undefined) this.restartPolicy = interner.string(spec.restartPolicy);
    if (spec.terminationGracePeriodSeconds !== undefined)
      this.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds;
    if (spec.hostNetwork !== undefined) this.hostNetwork = spec.hostNetwork;
    this.containers = interner.shared((spec.containers ?? []).map(leanContainer));
    if (spec.initContainers) this.initContainers = interner.shared(spec.initContainers.map(leanContainer));
    for (const key of SHARED_SPEC_FIELDS) {
      if (spec[key] !== undefined) (this as Record<string, unknown>)[key] = interner.sharedCopy(spec[key]);
    }
    // Every volume keeps its name (so counts and indices match the pod); only these sources keep their
    // content. Not interned: nearly every pod has a volume of its own name (the service-account token's
    // kube-api-access-xxxxx), so a table of them would only grow.
    const volumes = spec.volumes;
    if (volumes && volumes.length > 0)
      this.volumes = volumes.map((v) =>
        plain(pickDefined(decodeEphemeral(v), ['name', ...KEPT_VOLUME_SOURCES])),
      );
  }
}

function leanContainer(container: V1Container): LeanContainer {
  const lean: LeanContainer = pickDefined(container, ['name', 'restartPolicy']);
  const resources = container.resources;
  // Kept even when empty (the API server returns `resources: {}`), so the record has the object's shape.
  if (resources) lean.resources = plain(pickDefined(resources, ['requests', 'limits']));
  const hostPorts = container.ports?.filter((p) => p.hostPort !== undefined && p.hostPort !== 0);
  if (hostPorts && hostPorts.length > 0)
    lean.ports = hostPorts.map((p) => pickDefined(p, ['containerPort', 'hostPort', 'hostIP', 'protocol']));
  return lean;
}

class PodStatusRecord implements LeanPodStatus {
  declare phase?: string;
  declare reason?: string;
  declare qosClass?: string;
  declare nominatedNodeName?: string;
  declare conditions?: LeanPodCondition[];

  constructor(status: V1PodStatus, interner: Interner) {
    if (status.phase !== undefined) this.phase = interner.string(status.phase);
    if (status.reason !== undefined) this.reason = interner.string(status.reason);
    if (status.qosClass !== undefined) this.qosClass = interner.string(status.qosClass);
    if (status.nominatedNodeName !== undefined)
      this.nominatedNodeName = interner.string(status.nominatedNodeName);
    if (status.conditions) {
      this.conditions = interner.shared(
        status.conditions.map((c) => plain(pickDefined(c, ['type', 'status', 'reason', 'message']))),
      );
    }
  }
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

export { plain } from './interner.js';

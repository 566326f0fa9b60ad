/**
 * Node changes as one JSON patch, pure.
 *
 * Why JSON patch with a `test` of metadata.resourceVersion, rather than a merge patch: `spec.taints` has no
 * merge key in the Node schema, so a strategic merge (or merge) patch replaces the whole list, and a taint
 * that someone else (the node lifecycle controller's unreachable taint, an administrator) added between our
 * read and our write would be lost. The `test` makes the write conditional on the version we read: if the
 * node changed meanwhile, the API server refuses the patch and the caller re-reads and recomputes. The same
 * guard covers spec.unschedulable and the annotations, so a node's fence is written all at once or not at all.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { Taint } from '../model/node-info.js';
import type { NodeChange } from './action-requests.js';

export type JsonPatchOperation =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** A taint as read from a node: `timeAdded` is kept as it was. */
type NodeTaint = Taint & { timeAdded?: Date | string };

/** The parts of a node the actuator may change. */
interface NodeFields {
  unschedulable: boolean;
  taints: NodeTaint[];
  annotations: Record<string, string>;
}

/**
 * The JSON patch that applies `changes` to `node` (as read), guarded by its resourceVersion; empty when the
 * node already looks as asked, so nothing needs writing. Throws if the node has no resourceVersion (it was
 * not read from the API server).
 */
export function nodePatch(node: V1Node, changes: readonly NodeChange[]): JsonPatchOperation[] {
  const resourceVersion = node.metadata?.resourceVersion;
  if (!resourceVersion) throw new Error(`node ${node.metadata?.name ?? '?'} has no resourceVersion`);
  const before = fieldsOf(node);
  const after = applyNodeChanges(before, changes);
  const ops: JsonPatchOperation[] = [];
  if (after.unschedulable !== before.unschedulable) {
    ops.push(
      after.unschedulable
        ? { op: 'add', path: '/spec/unschedulable', value: true }
        : { op: 'remove', path: '/spec/unschedulable' },
    );
  }
  if (!sameTaints(before.taints, after.taints)) {
    // The whole list: indices of single elements would be as fragile as the list itself, and the test guards it.
    ops.push(
      after.taints.length > 0 || node.spec?.taints !== undefined
        ? { op: 'add', path: '/spec/taints', value: after.taints.map(taintJson) }
        : { op: 'remove', path: '/spec/taints' },
    );
  }
  ops.push(...annotationOps(node, before.annotations, after.annotations));
  if (ops.length === 0) return [];
  return [{ op: 'test', path: '/metadata/resourceVersion', value: resourceVersion }, ...ops];
}

/** `fields` with `changes` applied in order. */
export function applyNodeChanges(fields: NodeFields, changes: readonly NodeChange[]): NodeFields {
  let { unschedulable, taints } = fields;
  const annotations = { ...fields.annotations };
  for (const change of changes) {
    switch (change.kind) {
      case 'Cordon':
        unschedulable = true;
        break;
      case 'Uncordon':
        unschedulable = false;
        break;
      case 'Taint':
        if (!taints.some((t) => t.key === change.taint.key && t.effect === change.taint.effect)) {
          taints = [...taints, change.taint];
        }
        break;
      case 'Untaint':
        taints = taints.filter(
          (t) => t.key !== change.key || (change.effect !== undefined && t.effect !== change.effect),
        );
        break;
      case 'Annotate':
        annotations[change.key] = change.value;
        break;
      case 'Unannotate':
        delete annotations[change.key];
        break;
    }
  }
  return { unschedulable, taints, annotations };
}

function fieldsOf(node: V1Node): NodeFields {
  return {
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map((t) => ({
      key: t.key,
      effect: t.effect,
      ...(t.value !== undefined ? { value: t.value } : {}),
      ...(t.timeAdded !== undefined ? { timeAdded: t.timeAdded } : {}),
    })),
    annotations: { ...(node.metadata?.annotations ?? {}) },
  };
}

function sameTaints(a: readonly NodeTaint[], b: readonly NodeTaint[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** A taint as the API expects it (timeAdded, if the node had one, as an RFC 3339 string). */
function taintJson(taint: NodeTaint): Record<string, unknown> {
  const out: Record<string, unknown> = { key: taint.key, effect: taint.effect };
  if (taint.value !== undefined) out.value = taint.value;
  if (taint.timeAdded !== undefined) {
    out.timeAdded = taint.timeAdded instanceof Date ? taint.timeAdded.toISOString() : taint.timeAdded;
  }
  return out;
}

function annotationOps(
  node: V1Node,
  before: Record<string, string>,
  after: Record<string, string>,
): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  const added = Object.keys(after).filter((k) => before[k] !== after[k]);
  const removed = Object.keys(before).filter((k) => !(k in after));
  if (added.length === 0 && removed.length === 0) return ops;
  if (node.metadata?.annotations === undefined) {
    // No map to add keys to yet: create it whole.
    ops.push({ op: 'add', path: '/metadata/annotations', value: after });
    return ops;
  }
  for (const key of added)
    ops.push({ op: 'add', path: `/metadata/annotations/${pointer(key)}`, value: after[key] });
  for (const key of removed) ops.push({ op: 'remove', path: `/metadata/annotations/${pointer(key)}` });
  return ops;
}

/** Escapes a key for a JSON pointer (RFC 6901): `~` → `~0`, `/` → `~1`. */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

import { isDeepStrictEqual } from 'node:util';
import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import { realClock, timeoutSignal, type Clock } from '../clock/clock.js';
import { requestOptions } from './request-options.js';

/** Names one custom resource object. Omit `namespace` for cluster-scoped kinds. */
export interface CustomResourceRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface StatusWriterOptions {
  /** Server-side apply field manager (default `fulcrum`). */
  fieldManager?: string;
  /** Bound on one write (default 10 s). */
  timeoutMs?: number;
  clock?: Clock;
}

/**
 * Writes the `status` of custom resources by server-side apply (field manager `fulcrum`, force), so the
 * operator owns exactly the status fields it sends: a field it stops sending is removed, and spec fields
 * owned by users or GitOps tools are never touched.
 */
export class StatusWriter {
  private readonly fieldManager: string;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  /** Per object, the last status this writer applied, to notice a field it no longer sets. */
  private readonly lastApplied = new Map<string, unknown>();

  constructor(
    private readonly api: CustomObjectsApi,
    options: StatusWriterOptions = {},
  ) {
    this.fieldManager = options.fieldManager ?? 'fulcrum';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clock = options.clock ?? realClock;
  }

  /**
   * Applies `status` as the whole status this manager owns. Resolves with the updated object; rejects
   * with the API error (404 if the object is gone; the caller decides whether that matters).
   */
  async apply(ref: CustomResourceRef, status: object, signal?: AbortSignal): Promise<unknown> {
    const body = {
      apiVersion: `${ref.group}/${ref.version}`,
      kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
      status,
    };
    const bounded = timeoutSignal(this.clock, this.timeoutMs, signal);
    try {
      const options = setHeaderOptions(
        'Content-Type',
        PatchStrategy.ServerSideApply,
        requestOptions(bounded.signal),
      );
      const common = { group: ref.group, version: ref.version, plural: ref.plural, name: ref.name, body };
      const apply = { fieldManager: this.fieldManager, force: true };
      const written = ref.namespace
        ? await this.api.patchNamespacedCustomObjectStatus(
            { ...common, namespace: ref.namespace, ...apply },
            options,
          )
        : await this.api.patchClusterCustomObjectStatus({ ...common, ...apply }, options);
      this.lastApplied.set(key(ref), normalize(status));
      return written;
    } finally {
      bounded.dispose();
    }
  }

  /**
   * Applies `desired` only if `current` (the status in the informer's cache) does not already hold it, so an
   * idempotent reconcile does not write on every pass. Only what `desired` sets is compared: other field
   * managers own the rest of the status (failover's fields of a pool, even inside `status.nodes`), and their
   * fields must not make this writer re-apply. A field this writer set last time and no longer sets counts
   * as a change (server-side apply then removes it); since that needs the last applied status, the first
   * reconcile of each object after a start always applies. Returns whether it wrote.
   */
  async applyIfChanged(
    ref: CustomResourceRef,
    desired: object,
    current: unknown,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const want = normalize(desired);
    const last = this.lastApplied.get(key(ref));
    if (last !== undefined && holds(normalize(current), want) && !drops(last, want)) return false;
    await this.apply(ref, desired, signal);
    return true;
  }
}

/** Drops undefined members (they are not sent) so that comparison matches what the server stores. */
function normalize(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * True when `current` holds everything `desired` sets: equal scalars, every key of each desired object
 * (other keys belong to other managers), and in lists of conditions (items with a `type`: map lists in the
 * CRD) the desired item of each type; other lists must be equal.
 */
export function holds(current: unknown, desired: unknown): boolean {
  if (Array.isArray(desired)) {
    if (!Array.isArray(current)) return false;
    if (!desired.every(isTyped) || !current.every(isTyped)) return isDeepStrictEqual(current, desired);
    return desired.every((item) =>
      isDeepStrictEqual(
        current.find((c) => c.type === item.type),
        item,
      ),
    );
  }
  if (isObject(desired)) {
    if (!isObject(current)) return false;
    return Object.entries(desired).every(([k, v]) => holds(current[k], v));
  }
  return isDeepStrictEqual(current, desired);
}

/** True when `desired` no longer sets something `last` set: a key of an object, or a condition type. */
export function drops(last: unknown, desired: unknown): boolean {
  if (Array.isArray(last)) {
    if (!Array.isArray(desired) || !last.every(isTyped) || !desired.every(isTyped)) return false;
    return last.some((item) => !desired.some((d) => d.type === item.type));
  }
  if (!isObject(last) || !isObject(desired)) return false;
  return Object.entries(last).some(([k, v]) => !(k in desired) || drops(v, desired[k]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isTyped(item: unknown): item is { type: unknown } {
  return item !== null && typeof item === 'object' && 'type' in item;
}

function key(ref: CustomResourceRef): string {
  return `${ref.plural}/${ref.namespace ?? ''}/${ref.name}`;
}

import { isDeepStrictEqual } from 'node:util';
import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import { realClock, timeoutSignal, type Clock } from './clock.js';
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
      return ref.namespace
        ? await this.api.patchNamespacedCustomObjectStatus(
            { ...common, namespace: ref.namespace, ...apply },
            options,
          )
        : await this.api.patchClusterCustomObjectStatus({ ...common, ...apply }, options);
    } finally {
      bounded.dispose();
    }
  }

  /**
   * Applies `desired` only if it differs from `current` (the status in the informer's cache), so an
   * idempotent reconcile does not write on every pass. Returns whether it wrote.
   */
  async applyIfChanged(
    ref: CustomResourceRef,
    desired: object,
    current: unknown,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (isDeepStrictEqual(normalize(desired), normalize(current))) return false;
    await this.apply(ref, desired, signal);
    return true;
  }
}

/** Drops undefined members (they are not sent) so that comparison matches what the server stores. */
function normalize(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * Pods the scheduler has placed but the informer does not show bound yet. Between `assume` and the watch
 * event that carries `spec.nodeName`, any event about the pod (a label change, a status patch) still shows it
 * unbound; written into the model as it is, it would free the room the pod was given and let the next
 * decision place another pod there — over a ceiling. The model sync passes every pod through `view`, which
 * keeps such a pod on its assumed node until the informer confirms the binding, the pod goes away, or the
 * assumption expires (a binding that never shows up, for example because the pod was deleted and recreated).
 */
import type { PodInfo } from '../model/pod-info.js';

export const DEFAULT_ASSUMPTION_TTL_MS = 30_000;

interface Assumption {
  node: string;
  uid: string;
  at: number;
}

export class AssumedBindings {
  private readonly byKey = new Map<string, Assumption>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = DEFAULT_ASSUMPTION_TTL_MS,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  assume(pod: PodInfo, node: string): void {
    this.byKey.set(pod.key, { node, uid: pod.uid, at: this.now() });
  }

  /** The binding failed or will never be confirmed: the pod is unbound again. */
  forget(key: string): void {
    this.byKey.delete(key);
  }

  nodeOf(key: string): string | undefined {
    return this.byKey.get(key)?.node;
  }

  /**
   * The pod as the model should hold it: bound to its assumed node while the assumption stands. Confirms the
   * assumption (drops it) once the informer shows the pod bound, deleting, or as another pod of the same name.
   */
  view(pod: PodInfo): PodInfo {
    const assumption = this.byKey.get(pod.key);
    if (assumption === undefined) return pod;
    if (pod.nodeName !== undefined || pod.deleting || pod.uid !== assumption.uid) {
      this.byKey.delete(pod.key);
      return pod;
    }
    if (this.now() - assumption.at > this.ttlMs) {
      this.byKey.delete(pod.key);
      return pod;
    }
    return { ...pod, nodeName: assumption.node };
  }
}

import { parseWorkloadPolicy, type WorkloadPolicy } from '../../api/index.js';
import type { Informer } from '../../kube/informer.js';
import type { CustomObject } from '../../kube/informers.js';

const NONE: readonly WorkloadPolicy[] = [];

/**
 * The valid WorkloadPolicies by namespace, parsed with defaults, derived lazily from the policy informer: at
 * most one parse of every policy per change, however often the scheduler asks. An invalid policy is left out
 * (the policy controller reports it as Ready=False), so pods it would select fall back to their label.
 */
export class PolicyCache {
  private cached: Map<string, WorkloadPolicy[]> | undefined;
  private version = 0;

  constructor(private readonly policies: Informer<CustomObject>) {
    const changed = (): void => {
      this.cached = undefined;
      this.version++;
    };
    policies.addHandler({ onAdd: changed, onUpdate: (old, p) => old !== p && changed(), onDelete: changed });
  }

  /** Bumped on every change, so callers can drop what they derived from the policies. */
  get generation(): number {
    return this.version;
  }

  inNamespace(namespace: string): readonly WorkloadPolicy[] {
    if (!this.cached) {
      this.cached = new Map();
      for (const object of this.policies.values()) {
        const parsed = parseWorkloadPolicy(object);
        if (!parsed.ok) continue;
        const list = this.cached.get(parsed.value.metadata.namespace);
        if (list) list.push(parsed.value);
        else this.cached.set(parsed.value.metadata.namespace, [parsed.value]);
      }
    }
    return this.cached.get(namespace) ?? NONE;
  }
}

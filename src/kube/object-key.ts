/**
 * What caches, keys and Events need of an object: its identity. Every KubernetesObject fits, and so do the
 * lean pod and node records (lean-pod.ts, lean-node.ts), which are not KubernetesObjects on purpose.
 */
export interface CachedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/**
 * The cache key of an object: `namespace/name` for namespaced objects, `name` for cluster-scoped ones
 * (the same convention as client-go's MetaNamespaceKeyFunc).
 */
export function objectKey(obj: CachedObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by `objectKey` back into its parts (`namespace` is undefined for cluster-scoped). */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { namespace: undefined, name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

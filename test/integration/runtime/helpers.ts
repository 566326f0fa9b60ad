/** Shared pieces of the runtime integration tests: a ConfigMap informer in a test namespace. */
import * as k8s from '@kubernetes/client-node';
import { Informer, type InformerOptions } from '../../../src/kube/informer.js';
import { kubeListWatchSource, type ListWatchSource } from '../../../src/kube/list-watch-source.js';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';

export function configMapSource(kc: k8s.KubeConfig, namespace: string): ListWatchSource<k8s.V1ConfigMap> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return kubeListWatchSource<k8s.V1ConfigMap>(kc, {
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    list: (page, options) => core.listNamespacedConfigMap({ ...page, namespace }, options),
    decode: (raw) => ObjectSerializer.deserialize(raw, 'V1ConfigMap') as k8s.V1ConfigMap,
    pageSize: 2,
  });
}

/** A started ConfigMap informer; `events` records handler calls as `add:name`, `update:name`, `delete:name`. */
export function startConfigMapInformer(
  kc: k8s.KubeConfig,
  namespace: string,
  options: Partial<InformerOptions<k8s.V1ConfigMap>> = {},
) {
  const informer = new Informer<k8s.V1ConfigMap>({
    name: 'configmaps',
    source: configMapSource(kc, namespace),
    backoff: { initialMs: 200, maxMs: 2000, jitter: 0.2 },
    ...options,
  });
  const events: string[] = [];
  informer.addHandler({
    onAdd: (o) => events.push(`add:${o.metadata?.name}`),
    onUpdate: (old, o) => old !== o && events.push(`update:${o.metadata?.name}`),
    onDelete: (o) => events.push(`delete:${o.metadata?.name}`),
  });
  const controller = new AbortController();
  const done = informer.start(controller.signal);
  return {
    informer,
    events,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/** `name → data.v` of every ConfigMap the server has in `namespace` (skipping kube-root-ca.crt). */
export async function serverState(kc: k8s.KubeConfig, namespace: string): Promise<Record<string, string>> {
  const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedConfigMap({ namespace });
  return stateOf(list.items);
}

export function stateOf(items: readonly k8s.V1ConfigMap[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cm of items) {
    const name = cm.metadata?.name ?? '';
    if (name !== 'kube-root-ca.crt') out[name] = cm.data?.v ?? '';
  }
  return Object.fromEntries(Object.entries(out).sort());
}

export function configMap(name: string, v: string): k8s.V1ConfigMap {
  return { metadata: { name }, data: { v } };
}

/**
 * Reads a cluster snapshot from the API server for `fulcrum simulate --kubeconfig`: one paged list per kind,
 * nothing watched and nothing written. The objects then go through the same checks as a snapshot file.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  PolicyV1Api,
  SchedulingV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import {
  GROUP,
  RESOURCE_POOL_KIND,
  RESOURCE_POOL_PLURAL,
  VERSION,
  WORKLOAD_POLICY_KIND,
  WORKLOAD_POLICY_PLURAL,
} from '../api/index.js';
import { clusterSnapshotFromObjects, type ClusterSnapshot } from './cluster-snapshot.js';
import { SimulationInputError } from './input-error.js';
import type { KubeObject, SourcedObject } from './manifests.js';

const PAGE_SIZE = 500;

interface Page {
  items: unknown[];
  metadata?: { _continue?: string; continue?: string };
}

/** Every object of a list, page by page (`continue` tokens), so a large cluster never comes in one response. */
async function listAll(
  page: (options: { limit: number; _continue?: string }) => Promise<Page>,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let token: string | undefined;
  do {
    const result = await page({ limit: PAGE_SIZE, ...(token ? { _continue: token } : {}) });
    items.push(...result.items);
    token = result.metadata?._continue ?? result.metadata?.continue;
  } while (token);
  return items;
}

/**
 * Lists nodes, non-terminal pods, ResourcePools, WorkloadPolicies, PodDisruptionBudgets and PriorityClasses
 * from the cluster `kubeConfig` points at. Throws a SimulationInputError when the Fulcrum CRDs are missing;
 * other API errors propagate.
 */
export async function readClusterSnapshot(kubeConfig: KubeConfig): Promise<ClusterSnapshot> {
  const source = kubeConfig.getCurrentCluster()?.server ?? 'cluster';
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const policy = kubeConfig.makeApiClient(PolicyV1Api);
  const scheduling = kubeConfig.makeApiClient(SchedulingV1Api);
  const crd = (plural: string) => (options: { limit: number; _continue?: string }) =>
    (
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural, ...options }) as Promise<Page>
    ).catch((error: unknown) => {
      if ((error as { code?: number }).code === 404) {
        throw new SimulationInputError(
          `${source}: the ${GROUP} CRDs are not installed (kubectl apply -f crds/)`,
        );
      }
      throw error;
    });
  const [nodes, pods, pools, policies, pdbs, classes] = await Promise.all([
    listAll((o) => core.listNode(o)),
    // Finished pods hold nothing and are not placed: leave them out, as a large cluster has many.
    listAll((o) =>
      core.listPodForAllNamespaces({ ...o, fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }),
    ),
    listAll(crd(RESOURCE_POOL_PLURAL)),
    listAll(crd(WORKLOAD_POLICY_PLURAL)),
    listAll((o) => policy.listPodDisruptionBudgetForAllNamespaces(o)),
    listAll((o) => scheduling.listPriorityClass(o)),
  ]);
  const sourced = (kind: string, items: unknown[]): SourcedObject[] =>
    items.map((item) => {
      const object = { ...(item as KubeObject), kind };
      const { name, namespace } = object.metadata;
      return { object, origin: { source, kind, name, ...(namespace ? { namespace } : {}) } };
    });
  return clusterSnapshotFromObjects([
    ...sourced('Node', nodes),
    ...sourced('Pod', pods),
    ...sourced(RESOURCE_POOL_KIND, pools),
    ...sourced(WORKLOAD_POLICY_KIND, policies),
    ...sourced('PodDisruptionBudget', pdbs),
    ...sourced('PriorityClass', classes),
  ]);
}

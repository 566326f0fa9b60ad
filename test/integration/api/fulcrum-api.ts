/**
 * Test helpers for the Fulcrum API on the real API server: installing the generated CRDs idempotently, creating
 * Fulcrum objects (or only dry-running them), and reading the server's error message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  RESOURCE_POOL_KIND,
  RESOURCE_POOL_PLURAL,
  VERSION,
  WORKLOAD_POLICY_KIND,
  WORKLOAD_POLICY_PLURAL,
} from '../../../src/api/group.js';
import { eventually, repoRoot } from '../support/cluster.js';

/** Field manager of these tests; the CRDs may be applied by several suites, so applies are forced. */
export const TEST_FIELD_MANAGER = 'fulcrum-api-tests';

/**
 * The CRDs as committed under crds/ (what `kubectl apply -f crds/` and the Helm chart install), as client-node
 * model objects: its clients serialize through the models and silently drop keys they do not know by their
 * wire names (`x-kubernetes-validations`, `default`), so plain parsed YAML must not be sent as it is.
 */
export function committedCrds(): k8s.V1CustomResourceDefinition[] {
  const dir = resolve(repoRoot, 'crds');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => k8s.loadYaml<k8s.V1CustomResourceDefinition>(readFileSync(resolve(dir, file), 'utf8')));
}

/**
 * Server-side applies every committed CRD and waits until each is Established and its kind is served.
 * Idempotent, and never deletes: other suites use the same CRDs.
 */
export async function installCrds(kc: k8s.KubeConfig): Promise<k8s.V1CustomResourceDefinition[]> {
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const applied: k8s.V1CustomResourceDefinition[] = [];
  for (const crd of committedCrds()) {
    applied.push(
      await objects.patch(
        crd,
        undefined,
        undefined,
        TEST_FIELD_MANAGER,
        true,
        k8s.PatchStrategy.ServerSideApply,
      ),
    );
  }
  for (const crd of applied) {
    const name = crd.metadata!.name!;
    await eventually(`CRD ${name} Established`, async () => {
      const current = await extensions.readCustomResourceDefinition({ name });
      const established = current.status?.conditions?.find((c) => c.type === 'Established');
      return established?.status === 'True' ? current : undefined;
    });
  }
  // Established means the storage is ready; the handler can still lag by a moment, so wait for a real list.
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  for (const plural of [RESOURCE_POOL_PLURAL, WORKLOAD_POLICY_PLURAL]) {
    await eventually(`${plural} served`, async () => {
      await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural, limit: 1 });
      return true;
    });
  }
  return applied;
}

/** What a Fulcrum object looks like on the wire. */
export interface FulcrumObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  spec?: unknown;
  status?: unknown;
}

const PLURAL: Record<string, string> = {
  [RESOURCE_POOL_KIND]: RESOURCE_POOL_PLURAL,
  [WORKLOAD_POLICY_KIND]: WORKLOAD_POLICY_PLURAL,
};

/** A ResourcePool named `name`. */
export function poolObject(name: string, spec: Record<string, unknown>): FulcrumObject {
  return { apiVersion: API_VERSION, kind: RESOURCE_POOL_KIND, metadata: { name }, spec };
}

/** A WorkloadPolicy named `name` in `namespace`. */
export function policyObject(name: string, namespace: string, spec: Record<string, unknown>): FulcrumObject {
  return { apiVersion: API_VERSION, kind: WORKLOAD_POLICY_KIND, metadata: { name, namespace }, spec };
}

/**
 * Creating, reading and deleting Fulcrum objects of either kind through the CustomObjects API. Remembers what
 * it created so a suite can delete exactly that (`deleteCreated`) whatever its tests did.
 */
export class FulcrumObjects {
  private readonly custom: k8s.CustomObjectsApi;
  private readonly created: FulcrumObject[] = [];

  constructor(kc: k8s.KubeConfig) {
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
  }

  /** Creates `object`; with `dryRun` the API server validates and defaults it but stores nothing. */
  async create(object: FulcrumObject, options: { dryRun?: boolean } = {}): Promise<FulcrumObject> {
    const stored = await this.send(object, options.dryRun ?? false);
    if (!options.dryRun) this.created.push(object);
    return stored;
  }

  /** Deletes every object this instance created. */
  async deleteCreated(): Promise<void> {
    await Promise.all(this.created.splice(0).map((object) => this.delete(object)));
  }

  private send(object: FulcrumObject, dryRunOnly: boolean): Promise<FulcrumObject> {
    const dryRun = dryRunOnly ? 'All' : undefined;
    const { plural, namespace } = this.address(object);
    const body = object;
    return namespace === undefined
      ? this.custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural, body, dryRun })
      : this.custom.createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural,
          body,
          dryRun,
        });
  }

  async get(object: FulcrumObject): Promise<FulcrumObject> {
    const { plural, namespace, name } = this.address(object);
    return namespace === undefined
      ? this.custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural, name })
      : this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name });
  }

  /** Server-side applies `status` to the status subresource, as the operator does. */
  async applyStatus(object: FulcrumObject, status: unknown): Promise<FulcrumObject> {
    const { plural, namespace, name } = this.address(object);
    const body = { apiVersion: object.apiVersion, kind: object.kind, metadata: { name, namespace }, status };
    const common = {
      group: GROUP,
      version: VERSION,
      plural,
      name,
      body,
      fieldManager: TEST_FIELD_MANAGER,
      force: true,
    };
    const apply = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);
    return namespace === undefined
      ? this.custom.patchClusterCustomObjectStatus(common, apply)
      : this.custom.patchNamespacedCustomObjectStatus({ ...common, namespace }, apply);
  }

  /** Deletes `object`, ignoring "not found". */
  async delete(object: FulcrumObject): Promise<void> {
    const { plural, namespace, name } = this.address(object);
    const request =
      namespace === undefined
        ? this.custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural, name })
        : this.custom.deleteNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural,
            name,
          });
    await request.catch((error: unknown) => {
      if ((error as { code?: number }).code !== 404) throw error;
    });
  }

  private address(object: FulcrumObject): { plural: string; namespace?: string; name: string } {
    const plural = PLURAL[object.kind];
    if (plural === undefined) throw new Error(`not a Fulcrum kind: ${object.kind}`);
    return { plural, namespace: object.metadata.namespace, name: object.metadata.name };
  }
}

/** The message of an API server error (the Status object's message), whatever shape the client gave it. */
export function serverMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  const status = typeof body === 'string' ? safeJson(body) : body;
  if (
    typeof status === 'object' &&
    status !== null &&
    typeof (status as { message?: unknown }).message === 'string'
  ) {
    return (status as { message: string }).message;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A short random suffix so that concurrent suites never collide on names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

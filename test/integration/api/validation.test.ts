/**
 * Validation and defaulting by the real API server, checked against parse*(): the server stores exactly the
 * defaults parse*() applies, accepts every example, and refuses every invalid manifest naming the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { RESOURCE_POOL_KIND, WORKLOAD_POLICY_KIND } from '../../../src/api/group.js';
import { parseResourcePool } from '../../../src/api/resource-pool.js';
import { invalidManifestObject, invalidManifests } from '../../../src/api/testdata/invalid-manifests.js';
import { parseWorkloadPolicy } from '../../../src/api/workload-policy.js';
import { createTestNamespace, repoRoot, testKubeConfig } from '../support/cluster.js';
import {
  FulcrumObjects,
  installCrds,
  policyObject,
  poolObject,
  serverMessage,
  uniqueName,
  type FulcrumObject,
} from './fulcrum-api.js';

const kc = testKubeConfig();
const objects = new FulcrumObjects(kc);
let namespace: { name: string; remove: () => Promise<void> };

beforeAll(async () => {
  await installCrds(kc);
  namespace = await createTestNamespace(kc, 'api-validation');
});

afterAll(async () => {
  await objects.deleteCreated();
  await namespace?.remove();
});

/** The spec parse*() produces for `object`: what the API server must store too. */
function defaultedSpec(object: FulcrumObject): unknown {
  const result = object.kind === RESOURCE_POOL_KIND ? parseResourcePool(object) : parseWorkloadPolicy(object);
  if (!result.ok) throw new Error(`${object.metadata.name}: ${result.message}`);
  return result.value.spec;
}

describe('defaults: the API server stores what parse*() returns', () => {
  it('a minimal pool gets every default (ceilings 80/85/75/70, ...)', async () => {
    const minimal = poolObject(uniqueName('minimal'), {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'minimal' } },
    });
    const stored = await objects.create(minimal);
    expect(stored.spec).toEqual(defaultedSpec(minimal));
    expect((stored.spec as { ceilings: unknown }).ceilings).toEqual({
      cpu: 80,
      memory: 85,
      ephemeralStorage: 75,
      network: 70,
    });
  });

  it('a partly written section gets the rest of its defaults (nested defaults)', async () => {
    const partial = poolObject(uniqueName('partial'), {
      nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'partial' } },
      ceilings: { cpu: 60 },
      failover: { probe: { type: 'HTTP', path: '/healthz' } },
    });
    const stored = await objects.create(partial);
    expect(stored.spec).toEqual(defaultedSpec(partial));
  });

  it('a minimal policy gets priority 0, movable, Reschedule', async () => {
    const minimal = policyObject(uniqueName('minimal'), namespace.name, {
      selector: { matchLabels: { app: 'x' } },
      pool: 'general',
    });
    const stored = await objects.create(minimal);
    expect(stored.spec).toEqual(defaultedSpec(minimal));
  });
});

describe('deploy/examples', () => {
  const examplesDir = resolve(repoRoot, 'deploy/examples');
  const examples = readdirSync(examplesDir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(resolve(examplesDir, file), 'utf8')).map((document) => ({
        file,
        object: document.toJS() as FulcrumObject,
      })),
    );

  it.each(examples)(
    '$file is accepted, and stored with the defaults parse*() applies',
    async ({ object }) => {
      if (object.kind !== RESOURCE_POOL_KIND && object.kind !== WORKLOAD_POLICY_KIND) {
        // Other kinds (the example namespace) only need to be valid.
        await k8s.KubernetesObjectApi.makeApiClient(kc).create(
          object as k8s.KubernetesObject,
          undefined,
          'All',
        );
        return;
      }
      // Unique names and the test namespace, so the suite never touches objects someone else created.
      const renamed: FulcrumObject = {
        ...object,
        metadata: {
          ...object.metadata,
          name: uniqueName(object.metadata.name),
          ...(object.kind === WORKLOAD_POLICY_KIND ? { namespace: namespace.name } : {}),
        },
      };
      const stored = await objects.create(renamed);
      expect(stored.spec).toEqual(defaultedSpec(renamed));
    },
  );
});

describe('invalid objects are refused by the API server, naming the field', () => {
  it('covers at least 12 cases', () => {
    expect(invalidManifests.length).toBeGreaterThanOrEqual(12);
  });

  // The same table runs against parse*() in src/api/invalid-manifests.test.ts.
  it.each(invalidManifests)('$scenario → $wantField', async (testCase) => {
    const object = invalidManifestObject(testCase, uniqueName('invalid'), namespace.name) as FulcrumObject;
    const error = await objects.create(object, { dryRun: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect((error as { code?: number }).code).toBe(422);
    // "ResourcePool.fulcrum.io "invalid-x" is invalid: spec.ceilings.cpu: Invalid value: ..."
    expect(serverMessage(error)).toContain(`${testCase.wantField}: `);
  });
});

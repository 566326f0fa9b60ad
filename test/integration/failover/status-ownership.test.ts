/**
 * Two field managers write one ResourcePool's status by server-side apply: the pool controller (`fulcrum`)
 * and the failover controller (`fulcrum-failover`). Conditions are a map list keyed by type and
 * `status.nodes` a granular map, so neither apply removes what the other owns, and re-applying an unchanged
 * status does not even bump the resourceVersion (so neither controller's watch sees a change: no loop).
 */
import * as k8s from '@kubernetes/client-node';
import { GROUP, RESOURCE_POOL_KIND, RESOURCE_POOL_PLURAL, VERSION } from '../../../src/api/group.js';
import { FailoverStatusWriter } from '../../../src/controllers/failover/failover-status-writer.js';
import type { FailoverStatusFragment } from '../../../src/failover/index.js';
import type { CustomObject } from '../../../src/kube/informers.js';
import { StatusWriter } from '../../../src/kube/status-writer.js';
import { installCrds } from '../api/fulcrum-api.js';
import { testKubeConfig } from '../support/cluster.js';

const kc = testKubeConfig();
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const name = `ownership-${Math.random().toString(36).slice(2, 7)}`;
const ref = { group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, kind: RESOURCE_POOL_KIND, name };
const T = '2026-01-01T00:00:00Z';
const signal = new AbortController().signal;

const poolControllerStatus = {
  observedGeneration: 1,
  nodes: { total: 3, ready: 3 },
  conditions: [
    { type: 'Ready', status: 'True', reason: 'NodesSelected', message: '3 nodes', lastTransitionTime: T },
    {
      type: 'CapacityPressure',
      status: 'False',
      reason: 'BelowCeilings',
      message: 'ok',
      lastTransitionTime: T,
    },
  ],
};

function fragment(failed: boolean): FailoverStatusFragment {
  return {
    conditions: [
      failed
        ? { type: 'FailoverActive', status: 'True', reason: 'NodeFailed', message: 'n1 Fenced' }
        : { type: 'FailoverActive', status: 'False', reason: 'NoFailedNodes', message: 'no node has failed' },
      { type: 'PartitionSuspected', status: 'False', reason: 'WithinMaxUnhealthy', message: '1 of 3' },
    ],
    failover: { failedNodes: failed ? [{ name: 'n1', since: T, phase: 'Fenced' }] : [] },
    nodes: { unhealthy: failed ? 1 : 0, fenced: failed ? 1 : 0 },
  };
}

type PoolObject = CustomObject & { status?: Record<string, unknown> };

async function read(): Promise<PoolObject> {
  return (await custom.getClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    name,
  })) as PoolObject;
}

function conditionTypes(object: CustomObject): string[] {
  const status = object.status as { conditions?: Array<{ type: string }> };
  return (status.conditions ?? []).map((c) => c.type).sort();
}

beforeAll(async () => {
  await installCrds(kc);
  await custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: RESOURCE_POOL_PLURAL,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: RESOURCE_POOL_KIND,
      metadata: { name },
      spec: { nodeSelector: { matchLabels: { 'fulcrum.io/pool': name } } },
    },
  });
});

afterAll(async () => {
  await custom
    .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: RESOURCE_POOL_PLURAL, name })
    .catch(() => undefined);
});

test('the pool and failover controllers own their own status fields and never remove each other’s', async () => {
  const pool = new StatusWriter(custom);
  const failover = new FailoverStatusWriter(custom);
  await pool.apply(ref, poolControllerStatus, signal);
  expect(await failover.write(await read(), fragment(true), new Date(), signal)).toBe(true);

  let object = await read();
  expect(conditionTypes(object)).toEqual([
    'CapacityPressure',
    'FailoverActive',
    'PartitionSuspected',
    'Ready',
  ]);
  expect(object.status?.nodes).toEqual({ total: 3, ready: 3, unhealthy: 1, fenced: 1 });
  expect(object.status?.failover).toEqual({ failedNodes: [{ name: 'n1', since: T, phase: 'Fenced' }] });

  // The pool controller applies its status again (as it does on every reconcile): the failover fields stay,
  // and since nothing changed, the object is not even rewritten.
  const before = object.metadata?.resourceVersion;
  await pool.apply(ref, poolControllerStatus, signal);
  object = await read();
  expect(object.metadata?.resourceVersion).toBe(before);
  expect(conditionTypes(object)).toEqual([
    'CapacityPressure',
    'FailoverActive',
    'PartitionSuspected',
    'Ready',
  ]);

  // The failover controller's next write changes only its own fields.
  expect(await failover.write(object, fragment(false), new Date(), signal)).toBe(true);
  object = await read();
  const status = object.status as { conditions: Array<{ type: string; status: string }>; nodes: unknown };
  expect(status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
  expect(status.conditions.find((c) => c.type === 'FailoverActive')?.status).toBe('False');
  expect(status.nodes).toEqual({ total: 3, ready: 3, unhealthy: 0, fenced: 0 });
  // …and an unchanged fragment is not written at all.
  expect(await failover.write(object, fragment(false), new Date(), signal)).toBe(false);
});

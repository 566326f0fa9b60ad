/**
 * Failover in DryRun on the real control plane: a node dies, Fulcrum detects it and says what it would do
 * (the pool's FailoverActive condition, "would ..." Events on the node and its pods), and changes nothing:
 * the node is not cordoned, tainted or marked, and no pod is deleted.
 */
import * as k8s from '@kubernetes/client-node';
import { FENCED_BY_ANNOTATION } from '../../../src/failover/index.js';
import { eventually, testKubeConfig } from '../support/cluster.js';
import { startFailoverSuite, type RunningFailoverOperator } from './operator.js';
import { condition, FailoverScenario, probePort } from './scenario.js';

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const scenario = new FailoverScenario({
  kc,
  prefix: `fodry-${Math.random().toString(36).slice(2, 6)}`,
  nodes: 6,
  pods: 40,
  ipBlock: 170,
  port: probePort(),
  failoverMode: 'DryRun',
});
let operator: RunningFailoverOperator | undefined;

beforeAll(async () => {
  operator = await startFailoverSuite(
    kc,
    scenario,
    'pool reports no failed node',
    (status) => condition(status, 'FailoverActive')?.reason === 'NoFailedNodes',
  );
}, 300_000);

afterAll(async () => {
  await operator?.stop();
  await scenario.cleanup();
}, 120_000);

async function eventsOn(name: string, reason: string): Promise<k8s.CoreV1Event[]> {
  const namespaces = [scenario.namespace, 'default'];
  const found: k8s.CoreV1Event[] = [];
  for (const namespace of namespaces) {
    const list = await core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.name=${name},reason=${reason}`,
    });
    found.push(...list.items);
  }
  return found;
}

test('DryRun reports the fence and the deletions it would make, and does neither', async () => {
  const victim = await scenario.victim();
  const before = await scenario.pods();
  const onVictim = before.filter((p) => p.node === victim);
  await scenario.kill(victim);
  try {
    const status = await eventually(
      'FailoverActive says what it would do',
      async () => {
        const s = await scenario.poolStatus();
        return condition(s, 'FailoverActive')?.reason === 'DryRun' ? s : undefined;
      },
      // Failed needs two channels: the probe and the Lease, which is seen missed 13 s after its last renewal,
      // or only once a renewal has been seen since the operator started (else Ready=Unknown, after ~50 s).
      90_000,
    );
    expect(condition(status, 'FailoverActive')?.message).toContain(victim);
    const fenceEvents = await eventually(
      'a FenceDryRun Event on the node',
      async () => {
        const events = await eventsOn(victim, 'FenceDryRun');
        return events.length > 0 ? events : undefined;
      },
      20_000,
    );
    expect(fenceEvents[0]?.message).toMatch(/^would /);
    // A Replaceable (Deployment) pod of the node is told it would be deleted on the fast path.
    const movable = onVictim.find((p) => p.app === 'web');
    expect(movable).toBeDefined();
    await eventually(
      `a DeletePodDryRun Event on ${movable!.name}`,
      async () => ((await eventsOn(movable!.name, 'DeletePodDryRun')).length > 0 ? true : undefined),
      20_000,
    );

    // Three detection times later, still nothing has been done.
    await new Promise((r) => setTimeout(r, 4_500));
    const node = await scenario.node(victim);
    expect(node.spec?.unschedulable).toBeFalsy();
    expect(node.spec?.taints ?? []).not.toContainEqual(
      expect.objectContaining({ key: 'node.kubernetes.io/out-of-service' }),
    );
    expect(node.metadata?.annotations?.[FENCED_BY_ANNOTATION]).toBeUndefined();
    const after = await scenario.pods();
    for (const pod of onVictim) {
      expect(after.find((p) => p.uid === pod.uid)).toMatchObject({ node: victim, deleting: false });
    }
  } finally {
    await scenario.revive(victim);
  }
}, 180_000);

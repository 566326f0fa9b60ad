/**
 * The real operator in the test process with failover on (probes to loopback only, the library default) and
 * leader election off. The shared startOperator leaves failover off so other suites are not probed.
 */
import type * as k8s from '@kubernetes/client-node';
import { installCrds } from '../api/fulcrum-api.js';
import { eventually } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import type { FailoverScenario, PoolStatusView } from './scenario.js';

export type RunningFailoverOperator = RunningOperator;

export function startFailoverOperator(kc: k8s.KubeConfig): Promise<RunningFailoverOperator> {
  return startOperator(kc, { failover: {} });
}

/**
 * A failover suite's set-up: the CRDs, the operator first (its scheduler places the scenario's pods), the
 * scenario, then a wait until the pool's status says the suite may start (`ready`, described by `what`).
 */
export async function startFailoverSuite(
  kc: k8s.KubeConfig,
  scenario: FailoverScenario,
  what: string,
  ready: (status: PoolStatusView) => boolean,
  timeoutMs = 30_000,
): Promise<RunningFailoverOperator> {
  await installCrds(kc);
  const operator = await startFailoverOperator(kc);
  await scenario.setUp();
  await eventually(what, async () => (ready(await scenario.poolStatus()) ? true : undefined), timeoutMs);
  return operator;
}

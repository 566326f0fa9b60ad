/**
 * The real operator in the test process with failover on (probes to loopback only, the library default) and
 * leader election off. The shared startOperator leaves failover off so other suites are not probed.
 */
import type * as k8s from '@kubernetes/client-node';
import { startOperator, type RunningOperator } from '../support/operator.js';

export type RunningFailoverOperator = RunningOperator;

export function startFailoverOperator(kc: k8s.KubeConfig): Promise<RunningFailoverOperator> {
  return startOperator(kc, { failover: {} });
}

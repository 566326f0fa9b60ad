/**
 * The real operator in the test process with failover on (probes to loopback only, the library default) and
 * leader election off. The shared startOperator leaves failover off so other suites are not probed.
 */
import type * as k8s from '@kubernetes/client-node';
import { createLogger } from '../../../src/logging/logger.js';
import { createOperator, type Operator } from '../../../src/runtime/operator.js';
import { eventually } from '../support/cluster.js';

export interface RunningFailoverOperator {
  operator: Operator;
  stop(): Promise<void>;
}

export async function startFailoverOperator(kc: k8s.KubeConfig): Promise<RunningFailoverOperator> {
  const logger = createLogger({ level: process.env.FULCRUM_TEST_LOG_LEVEL ?? 'silent' });
  const operator = createOperator({
    kubeConfig: kc,
    logger,
    health: { host: '127.0.0.1', port: 0 },
    failover: {},
  });
  const controller = new AbortController();
  const done = operator.start(controller.signal);
  await eventually('operator caches synced', () =>
    operator.informers.all().every((i) => i.hasSynced()) ? true : undefined,
  );
  return {
    operator,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

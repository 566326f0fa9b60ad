// Integration tests run only against the real control plane of test/cluster. Fail loudly when it is not
// there, rather than skipping: a suite that silently tests nothing is worse than a red one.
import { existsSync } from 'node:fs';

export default function globalSetup() {
  const kubeconfig = process.env.FULCRUM_TEST_KUBECONFIG;
  if (!kubeconfig || !existsSync(kubeconfig)) {
    throw new Error(
      'FULCRUM_TEST_KUBECONFIG does not point at a kubeconfig: start the real control plane with `make cluster-up` ' +
        '(or run everything with `make test`).',
    );
  }
}

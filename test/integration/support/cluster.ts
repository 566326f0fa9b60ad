/**
 * How integration tests reach the real control plane that `test/cluster/up.sh` started.
 *
 * Everything here talks only to the loopback API server named by FULCRUM_TEST_KUBECONFIG.
 */
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');

/** A KubeConfig for the test cluster. */
export function testKubeConfig(): k8s.KubeConfig {
  const path = process.env.FULCRUM_TEST_KUBECONFIG;
  if (!path) throw new Error('FULCRUM_TEST_KUBECONFIG is not set: run `make cluster-up`');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Runs a script of test/cluster (for example `restart-apiserver.sh`) and returns its stdout. */
export async function clusterScript(script: string, args: string[] = []): Promise<string> {
  const { stdout } = await run('bash', [resolve(repoRoot, 'test/cluster', script), ...args], {
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Runs the kubectl that test/cluster built, against the test cluster. */
export async function kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const kubeconfig = process.env.FULCRUM_TEST_KUBECONFIG ?? '';
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolvePromise({ stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A fresh namespace for one test file, deleted by the returned function. */
export async function createTestNamespace(
  kc: k8s.KubeConfig,
  prefix: string,
): Promise<{ name: string; remove: () => Promise<void> }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await core.createNamespace({ body: { metadata: { name } } });
  // Pods are refused until the namespace's `default` service account exists. The controller manager
  // creates it asynchronously, and after an API server restart its informers may back off for a while:
  // create it here (a 409 means the controller was first).
  await core
    .createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } })
    .catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
  return {
    name,
    remove: async () => {
      await core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

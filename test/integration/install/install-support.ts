/**
 * What the install tests share: the rendered manifests of deploy/operator (kustomize, through the built
 * kubectl) and of the Helm chart (through the helm that test/cluster/build-helm.sh caches, when built).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubectl, repoRoot } from '../support/cluster.js';

export const OPERATOR_NAMESPACE = 'fulcrum-system';
export const CHART = resolve(repoRoot, 'charts/fulcrum');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** Creates the operator's namespace as deploy/operator ships it (a server-side dry run needs it too). */
export async function applyOperatorNamespace(): Promise<void> {
  await kubectl([
    'apply',
    '--server-side',
    '--field-manager=fulcrum-install-tests',
    '-f',
    resolve(repoRoot, 'deploy/operator/namespace.yaml'),
  ]);
}

export async function kustomizeOperator(): Promise<Manifest[]> {
  return parseManifests((await kubectl(['kustomize', resolve(repoRoot, 'deploy/operator')])).stdout);
}

/**
 * The cached helm binary, or undefined when it has not been built: helm is not part of the cluster build (its
 * cold build adds minutes), so chart tests run once `test/cluster/build-helm.sh` has been run.
 */
export function helmBinary(): string | undefined {
  const path = execFileSync(resolve(repoRoot, 'test/cluster/build-helm.sh'), ['--print-path'], {
    encoding: 'utf8',
  }).trim();
  return existsSync(path) ? path : undefined;
}

export async function helm(binary: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(binary, args, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolvePromise({ stdout, stderr });
    });
  });
}

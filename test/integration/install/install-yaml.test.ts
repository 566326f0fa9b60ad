/**
 * deploy/install.yaml is the chart rendered with its defaults (byte for byte what `make install-yaml` writes),
 * and deploy/operator (kustomize, hand-written with a comment per rule) installs the same objects: the same
 * RBAC rules, the same Deployment, the same PodDisruptionBudget. So the three install paths cannot drift.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../support/cluster.js';
import { helmBinary, kustomizeOperator, parseManifests, type Manifest } from './install-support.js';

const HELM = helmBinary();
if (!HELM && process.env.FULCRUM_REQUIRE_HELM)
  throw new Error('helm is not built: run test/cluster/build-helm.sh');
const helmTest = HELM ? test : test.skip;

async function renderInstallYaml(): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      resolve(repoRoot, 'deploy/render-install.sh'),
      { env: { ...process.env, HELM }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolvePromise(stdout),
    );
  });
}

/**
 * What an object does, without what only names or tracks it: labels, annotations and label selectors differ
 * on purpose (Helm adds release and chart labels), everything else must be equal.
 */
function behaviour(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => behaviour(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (['labels', 'annotations', 'matchLabels'].includes(k)) continue;
    // A Service's selector is a plain label map.
    if (k === 'selector' && Object.values(v as object).every((x) => typeof x === 'string')) continue;
    if (key === '' && k === 'metadata') {
      const { name, namespace } = v as Manifest['metadata'];
      out.metadata = { name, namespace };
      continue;
    }
    out[k] = behaviour(v, k);
  }
  return out;
}

const id = (m: Manifest) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;

helmTest('deploy/install.yaml is the chart rendered with its defaults (`make install-yaml`)', async () => {
  const committed = readFileSync(resolve(repoRoot, 'deploy/install.yaml'), 'utf8');
  const upToDate = committed === (await renderInstallYaml());
  expect(upToDate ? 'up to date' : 'stale: run `make install-yaml`').toBe('up to date');
});

helmTest('deploy/operator (kustomize) installs what deploy/install.yaml does, CRDs aside', async () => {
  const rendered = parseManifests(readFileSync(resolve(repoRoot, 'deploy/install.yaml'), 'utf8')).filter(
    (m) => m.kind !== 'CustomResourceDefinition',
  );
  const kustomized = await kustomizeOperator();
  expect(kustomized.map(id).sort()).toEqual(rendered.map(id).sort());
  const byId = new Map(rendered.map((m) => [id(m), m]));
  for (const object of kustomized) {
    expect({ id: id(object), object: behaviour(object) }).toEqual({
      id: id(object),
      object: behaviour(byId.get(id(object))),
    });
  }
});

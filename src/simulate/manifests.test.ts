import { clusterSnapshotFromObjects } from './cluster-snapshot.js';
import { readManifests } from './manifests.js';
import { pendingPodsFromObjects } from './pending-pods.js';

describe('readManifests', () => {
  test('expands Lists, typed lists whose items carry no kind, and multi-document streams', () => {
    const text = [
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n1}}',
      'apiVersion: v1\nkind: PodList\nitems:\n- {metadata: {name: p1, namespace: shop}}',
      '', // an empty document is skipped
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p2}',
    ].join('\n---\n');
    const objects = readManifests(text, 'cluster.yaml');
    expect(objects.map((o) => o.origin)).toEqual([
      { source: 'cluster.yaml', document: 1, kind: 'Node', name: 'n1' },
      { source: 'cluster.yaml', document: 2, kind: 'Pod', name: 'p1', namespace: 'shop' },
      { source: 'cluster.yaml', document: 4, kind: 'Pod', name: 'p2' },
    ]);
  });

  test.each([
    {
      scenario: 'malformed YAML',
      text: 'kind: Pod\n  metadata: [',
      want: /^bad\.yaml: document 1: invalid YAML: /,
    },
    {
      scenario: 'a scalar document',
      text: 'just text',
      want: 'bad.yaml: document 1: expected a Kubernetes object, got a string',
    },
    { scenario: 'no kind', text: 'metadata: {name: x}', want: 'bad.yaml: document 1: object has no kind' },
    {
      scenario: 'no name, inside a List',
      text: '---\nkind: Node\nmetadata: {name: a}\n---\nkind: List\nitems: [{kind: Pod, metadata: {}}]',
      want: 'bad.yaml: document 2, item 1: Pod has no metadata.name',
    },
  ])('names the file and document for $scenario', ({ text, want }) => {
    expect(() => readManifests(text, 'bad.yaml')).toThrow(want);
  });
});

describe('clusterSnapshotFromObjects', () => {
  const snapshot = (text: string) => clusterSnapshotFromObjects(readManifests(text, 'cluster.yaml'));

  test('sorts objects by kind, puts namespaced objects without a namespace in default, parses pools with defaults', () => {
    const result = snapshot(
      [
        'kind: ResourcePool\napiVersion: fulcrum.io/v1alpha1\nmetadata: {name: general}\nspec: {nodeSelector: {matchLabels: {a: b}}}',
        'kind: WorkloadPolicy\napiVersion: fulcrum.io/v1alpha1\nmetadata: {name: web}\nspec: {selector: {matchLabels: {app: web}}, pool: general}',
        'kind: Node\nmetadata: {name: n1}',
      ].join('\n---\n'),
    );
    expect(result.pools[0]?.value.spec.ceilings.cpu).toBe(80);
    expect(result.policies[0]?.value.metadata.namespace).toBe('default');
    expect(result.nodes.map((n) => n.origin.name)).toEqual(['n1']);
  });

  test.each([
    {
      scenario: 'an invalid ResourcePool, with the field',
      text: 'kind: ResourcePool\napiVersion: fulcrum.io/v1alpha1\nmetadata: {name: general}\nspec: {nodeSelector: {matchLabels: {a: b}}, ceilings: {cpu: 180}}',
      want: 'cluster.yaml: ResourcePool general (document 1): invalid: spec.ceilings.cpu: must be at most 100',
    },
    {
      scenario: 'a kind that is no part of a snapshot',
      text: 'kind: ConfigMap\nmetadata: {name: settings, namespace: shop}',
      want: 'cluster.yaml: ConfigMap shop/settings (document 1): kind ConfigMap is not part of a cluster snapshot',
    },
    {
      scenario: 'a duplicate',
      text: 'kind: Node\nmetadata: {name: n1}\n---\nkind: Node\nmetadata: {name: n1}',
      want: 'cluster.yaml: Node n1 (document 2): duplicate of cluster.yaml: Node n1 (document 1)',
    },
    {
      scenario: 'a malformed request',
      text: 'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, resources: {requests: {cpu: lots}}}]}',
      want: 'cluster.yaml: Pod default/p (document 1): bad resource request: invalid quantity "lots"',
    },
  ])('rejects $scenario, naming the file and object', ({ text, want }) => {
    expect(() => snapshot(text)).toThrow(want);
  });
});

describe('pendingPodsFromObjects', () => {
  const pending = (text: string) => pendingPodsFromObjects(readManifests(text, 'pending.yaml'));
  const template = 'template: {metadata: {labels: {app: web}}, spec: {containers: [{name: a, image: a}]}}';

  test('one pod per replica, named by ordinal, with the template labels', () => {
    const pods = pending(
      `kind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 3, ${template}}\n---\n` +
        `kind: StatefulSet\nmetadata: {name: db}\nspec: {replicas: 0, ${template}}\n---\n` +
        `kind: ReplicaSet\nmetadata: {name: rs}\nspec: {${template}}`,
    );
    expect(pods.map((p) => `${p.pod.metadata?.namespace}/${p.pod.metadata?.name} ${p.origin.kind}`)).toEqual([
      'shop/web-0 Deployment',
      'shop/web-1 Deployment',
      'shop/web-2 Deployment',
      'default/rs-0 ReplicaSet',
    ]);
    expect(pods[0]?.pod.metadata?.labels).toEqual({ app: 'web' });
  });

  test.each([
    {
      scenario: 'a pod already bound',
      text: 'kind: Pod\nmetadata: {name: p}\nspec: {nodeName: n1, containers: [{name: a}]}',
      want: 'pending.yaml: Pod default/p (document 1): is already bound to node n1; remove spec.nodeName to simulate it',
    },
    {
      scenario: 'a kind that cannot be simulated',
      text: 'kind: Job\nmetadata: {name: j}',
      want: 'pending.yaml: Job j (document 1): kind Job cannot be simulated (expected Pod, Deployment, ReplicaSet, StatefulSet)',
    },
    {
      scenario: 'a negative replica count',
      text: `kind: Deployment\nmetadata: {name: web}\nspec: {replicas: -1, ${template}}`,
      want: 'pending.yaml: Deployment default/web (document 1): spec.replicas must be a non-negative integer, got -1',
    },
    {
      scenario: 'a workload without a template',
      text: 'kind: StatefulSet\nmetadata: {name: db}\nspec: {replicas: 1}',
      want: 'pending.yaml: StatefulSet default/db (document 1): has no spec.template.spec',
    },
    {
      scenario: 'two pods with one name',
      text: `kind: Pod\nmetadata: {name: web-0}\nspec: {containers: [{name: a}]}\n---\nkind: Deployment\nmetadata: {name: web}\nspec: {${template}}`,
      want: 'pending.yaml: Pod default/web-0 (document 2): duplicate of pending.yaml: Pod default/web-0 (document 1)',
    },
  ])('rejects $scenario, naming the file and object', ({ text, want }) => {
    expect(() => pending(text)).toThrow(want);
  });
});

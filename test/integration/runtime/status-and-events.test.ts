/**
 * StatusWriter (server-side apply of status, cluster-scoped and namespaced) and EventRecorder (aggregated
 * Events) against the real API server, on a throwaway CRD of this suite's own.
 */
import * as k8s from '@kubernetes/client-node';
import { EventRecorder } from '../../../src/kube/event-recorder.js';
import { StatusWriter, type CustomResourceRef } from '../../../src/kube/status-writer.js';
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';

const kc = testKubeConfig();
const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const core = kc.makeApiClient(k8s.CoreV1Api);
const suffix = Math.random().toString(36).slice(2, 7);
const group = `rt${suffix}.fulcrum.test`;
const version = 'v1';
let ns: { name: string; remove: () => Promise<void> };

function crd(plural: string, kind: string, scope: 'Cluster' | 'Namespaced'): k8s.V1CustomResourceDefinition {
  return {
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { plural, kind, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
        },
      ],
    },
  };
}

const KINDS = [
  { plural: 'gadgets', kind: 'Gadget', scope: 'Cluster' as const },
  { plural: 'widgets', kind: 'Widget', scope: 'Namespaced' as const },
];

beforeAll(async () => {
  ns = await createTestNamespace(kc, 'rt-status');
  for (const k of KINDS) await ext.createCustomResourceDefinition({ body: crd(k.plural, k.kind, k.scope) });
  for (const k of KINDS) {
    await eventually(`CRD ${k.plural} established`, async () => {
      const got = await ext.readCustomResourceDefinition({ name: `${k.plural}.${group}` });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? true
        : undefined;
    });
  }
});

afterAll(async () => {
  for (const k of KINDS)
    await ext.deleteCustomResourceDefinition({ name: `${k.plural}.${group}` }).catch(() => undefined);
  await ns.remove();
});

describe('StatusWriter', () => {
  test.each(KINDS)(
    'applies $scope status with field manager fulcrum, leaving spec alone',
    async ({ plural, kind, scope }) => {
      const namespace = scope === 'Namespaced' ? ns.name : undefined;
      const name = `obj-${suffix}`;
      const body = {
        apiVersion: `${group}/${version}`,
        kind,
        metadata: { name, namespace },
        spec: { size: 3 },
      };
      if (namespace) await custom.createNamespacedCustomObject({ group, version, namespace, plural, body });
      else await custom.createClusterCustomObject({ group, version, plural, body });
      const ref: CustomResourceRef = { group, version, plural, kind, name, namespace };
      const writer = new StatusWriter(custom);
      const read = async () =>
        (namespace
          ? await custom.getNamespacedCustomObject({ group, version, namespace, plural, name })
          : await custom.getClusterCustomObject({ group, version, plural, name })) as {
          spec: unknown;
          status?: Record<string, unknown>;
          metadata: { managedFields?: Array<{ manager?: string; subresource?: string }> };
        };
      try {
        await writer.apply(ref, { phase: 'Ready', nodes: 3, note: 'first' });
        let stored = await read();
        expect(stored.status).toEqual({ phase: 'Ready', nodes: 3, note: 'first' });
        expect(stored.spec).toEqual({ size: 3 });
        expect(stored.metadata.managedFields).toEqual(
          expect.arrayContaining([expect.objectContaining({ manager: 'fulcrum', subresource: 'status' })]),
        );
        // A field no longer sent is removed: the manager owns exactly what it applies.
        await writer.apply(ref, { phase: 'Degraded', nodes: 2 });
        stored = await read();
        expect(stored.status).toEqual({ phase: 'Degraded', nodes: 2 });
        expect(await writer.applyIfChanged(ref, { phase: 'Degraded', nodes: 2 }, stored.status)).toBe(false);
        expect(await writer.applyIfChanged(ref, { phase: 'Ready', nodes: 2 }, stored.status)).toBe(true);
      } finally {
        if (namespace) await custom.deleteNamespacedCustomObject({ group, version, namespace, plural, name });
        else await custom.deleteClusterCustomObject({ group, version, plural, name });
      }
    },
  );

  test('a missing object is a 404 error, not a silent success', async () => {
    const writer = new StatusWriter(custom);
    await expect(
      writer.apply(
        { group, version, plural: 'gadgets', kind: 'Gadget', name: 'does-not-exist' },
        { phase: 'x' },
      ),
    ).rejects.toMatchObject({ code: 404 });
  });
});

describe('EventRecorder', () => {
  test('a hot loop of one event becomes one Event with the full count', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'subject' } },
    });
    const subject = { ...cm, apiVersion: 'v1', kind: 'ConfigMap' };
    const recorder = new EventRecorder(core, { minWriteIntervalMs: 200 });
    for (let i = 0; i < 200; i++) {
      recorder.record(subject, 'Warning', 'HotLoop', 'the same thing again');
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 50));
    }
    recorder.record(subject, 'Normal', 'Other', 'a different event');
    await recorder.close();
    const events = await core.listNamespacedEvent({
      namespace: ns.name,
      fieldSelector: `involvedObject.name=subject`,
    });
    const hot = events.items.filter((e) => e.reason === 'HotLoop');
    expect(hot).toHaveLength(1);
    expect(hot[0]).toMatchObject({ count: 200, type: 'Warning', reportingComponent: 'fulcrum' });
    expect(hot[0]!.involvedObject).toMatchObject({
      kind: 'ConfigMap',
      name: 'subject',
      uid: cm.metadata?.uid,
    });
    expect(events.items.filter((e) => e.reason === 'Other')).toHaveLength(1);
  });

  test('events about cluster-scoped objects go to the default namespace', async () => {
    const recorder = new EventRecorder(core);
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `rt-node-${suffix}`, uid: `uid-${suffix}` },
    };
    recorder.record(node, 'Normal', 'Probe', 'cluster-scoped subject');
    await recorder.close();
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.name=rt-node-${suffix}`,
    });
    expect(events.items).toHaveLength(1);
    for (const e of events.items)
      await core.deleteNamespacedEvent({ name: e.metadata!.name!, namespace: 'default' });
  });
});

/**
 * The informer against the real API server: events, watch expiry (410), and an API server restart.
 */
import * as k8s from '@kubernetes/client-node';
import { Informer } from '../../../src/kube/informer.js';
import type { ListWatchSource } from '../../../src/kube/list-watch-source.js';
import { clusterScript, createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { configMap, configMapSource, serverState, startConfigMapInformer, stateOf } from './helpers.js';

const kc = testKubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
let ns: { name: string; remove: () => Promise<void> };

beforeAll(async () => {
  ns = await createTestNamespace(kc, 'rt-informer');
});
afterAll(async () => {
  await ns.remove();
});

/**
 * Retries a write while the API server is unreachable (pooled connections to a restarted server fail once);
 * a retried create or delete that had in fact succeeded shows up as 409 or 404, which count as done.
 */
async function robust(what: string, write: () => Promise<unknown>): Promise<void> {
  await eventually(
    what,
    async () => {
      try {
        await write();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== 404 && code !== 409) throw error;
      }
      return true;
    },
    30_000,
    250,
  );
}

const create = (name: string, v: string) =>
  robust(`create ${name}`, () =>
    core.createNamespacedConfigMap({ namespace: ns.name, body: configMap(name, v) }),
  );
const update = (name: string, v: string) =>
  robust(`update ${name}`, () =>
    core.replaceNamespacedConfigMap({ name, namespace: ns.name, body: configMap(name, v) }),
  );
const remove = (name: string) =>
  robust(`delete ${name}`, () => core.deleteNamespacedConfigMap({ name, namespace: ns.name }));

/**
 * Makes resourceVersion 1 expire for certain, then resolves once a watch from it is refused with 410. On a
 * young cluster the API server's watch cache still reaches back to resourceVersion 1 (it has never had to
 * drop an event), so expiry is forced: etcd is compacted to its current revision and the API server
 * restarted, so its new watch cache starts there, and watches that fall through to etcd meanwhile find the
 * history compacted.
 */
async function expiredWatchesRefused(): Promise<void> {
  await clusterScript('compact-etcd.sh');
  await clusterScript('restart-apiserver.sh');
  const source = configMapSource(kc, ns.name);
  await eventually(
    'a watch from resourceVersion 1 to be refused with 410',
    async () => {
      const controller = new AbortController();
      try {
        await source.watch('1', 1, () => undefined, controller.signal);
        return undefined;
      } catch (error) {
        return (error as { code?: unknown }).code === 410 ? true : undefined;
      } finally {
        controller.abort();
      }
    },
    60_000,
    500,
  );
}

/** Waits until the informer's cache equals the server's state. */
async function converged(informer: Informer<k8s.V1ConfigMap>, timeoutMs = 60_000) {
  return eventually(
    'informer cache to match the server',
    async () => {
      const want = await serverState(kc, ns.name);
      const got = stateOf(informer.list());
      return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
    },
    timeoutMs,
  );
}

describe('Informer on the real API server', () => {
  test('lists (paged), then sees add, update and delete', async () => {
    for (let i = 0; i < 5; i++) await create(`pre-${i}`, 'x');
    const h = startConfigMapInformer(kc, ns.name);
    try {
      await eventually('synced', () => (h.informer.hasSynced() ? true : undefined));
      expect(Object.keys(stateOf(h.informer.list()))).toHaveLength(5);
      h.events.length = 0;
      await create('live', '1');
      await update('live', '2');
      await remove('live');
      await eventually('delete seen', () => (h.events.includes('delete:live') ? true : undefined));
      expect(h.events).toEqual(['add:live', 'update:live', 'delete:live']);
      // Built-in kinds are decoded the same way from list and watch: timestamps are Dates.
      await create('typed', '1');
      const typed = await eventually('typed object', () => h.informer.get(`${ns.name}/typed`));
      expect(typed.metadata?.creationTimestamp).toBeInstanceOf(Date);
      expect(h.informer.get(`${ns.name}/pre-0`)?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    } finally {
      await h.stop();
      for (let i = 0; i < 5; i++) await remove(`pre-${i}`).catch(() => undefined);
      await remove('typed').catch(() => undefined);
    }
  });

  test('a watch from a very old resourceVersion gets 410 Gone', async () => {
    await expiredWatchesRefused();
  });

  test('after 410 the informer relists and converges, including deletes it never saw', async () => {
    await expiredWatchesRefused();
    await create('old-a', '1');
    await create('old-b', '1');
    const real = configMapSource(kc, ns.name);
    let first = true;
    // The first watch starts from an expired resourceVersion, as after a long disconnection.
    const source: ListWatchSource<k8s.V1ConfigMap> = {
      list: (signal) => real.list(signal),
      watch: (rv, timeout, onEvent, signal) => {
        if (!first) return real.watch(rv, timeout, onEvent, signal);
        first = false;
        return (async () => {
          await remove('old-b');
          await update('old-a', '2');
          await create('old-c', '1');
          return real.watch('1', timeout, onEvent, signal);
        })();
      },
    };
    const h = startConfigMapInformer(kc, ns.name, { source });
    try {
      await converged(h.informer);
      expect(h.informer.stats().lists.expired).toBe(1);
      expect(h.events).toEqual(expect.arrayContaining(['delete:old-b', 'update:old-a', 'add:old-c']));
    } finally {
      await h.stop();
      for (const n of ['old-a', 'old-c']) await remove(n).catch(() => undefined);
    }
  });

  test('survives an API server restart and misses nothing made after it', async () => {
    for (let i = 0; i < 3; i++) await create(`r-${i}`, '1');
    const h = startConfigMapInformer(kc, ns.name);
    try {
      await converged(h.informer);
      h.events.length = 0;
      await clusterScript('restart-apiserver.sh', ['--down-for', '2']);
      // Change things at once, most likely before the informer has reconnected.
      await remove('r-0');
      await update('r-1', '2');
      await create('r-new', '1');
      await converged(h.informer);
      // Keep changing after reconnection: the watch must be live, not just the relist.
      for (let i = 0; i < 5; i++) await create(`after-${i}`, String(i));
      await update('r-2', 'changed');
      await converged(h.informer, 30_000);
      expect(h.events).toEqual(
        expect.arrayContaining(['delete:r-0', 'update:r-1', 'add:r-new', 'update:r-2']),
      );
      expect(h.informer.stats().restarts).toBeGreaterThan(0);
      expect(h.informer.health().wedged).toBe(false);
    } finally {
      await h.stop();
    }
  });

  test('survives an API server crash (SIGKILL) too', async () => {
    const h = startConfigMapInformer(kc, ns.name);
    try {
      await converged(h.informer);
      await clusterScript('restart-apiserver.sh', ['--kill']);
      await create('after-crash', '1');
      await converged(h.informer);
      expect(h.informer.get(`${ns.name}/after-crash`)).toBeDefined();
    } finally {
      await h.stop();
    }
  });
});

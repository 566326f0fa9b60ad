/**
 * The assumption behind the informer's watchdog: a quiet watch still receives periodic bookmarks (the API
 * server sends one about every minute when asked with allowWatchBookmarks), so silence means a broken
 * connection, not a quiet collection. Takes about a minute.
 *
 * Watches roll over every 15-30 s here: a watch opened while the API server's watch cache is still warming
 * (right after the cluster starts) is served from etcd and gets no bookmarks for its whole life; the next
 * one is served from the cache.
 */
import { createTestNamespace, eventually, testKubeConfig } from '../support/cluster.js';
import { startConfigMapInformer } from './helpers.js';

const kc = testKubeConfig();

test('a quiet watch receives bookmarks, and the watchdog stays quiet', async () => {
  const ns = await createTestNamespace(kc, 'rt-bookmarks');
  const h = startConfigMapInformer(kc, ns.name, { silencePeriodMs: 150_000, watchTimeoutSeconds: 15 });
  try {
    await eventually(
      'a bookmark',
      () => (h.informer.stats().events.bookmark > 0 ? true : undefined),
      140_000,
      1000,
    );
    expect(h.informer.stats().lists.watchdog).toBe(0);
    expect(h.informer.health().silentForMs).toBeLessThan(5000);
  } finally {
    await h.stop();
    await ns.remove();
  }
}, 200_000);

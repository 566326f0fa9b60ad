import type { KubernetesObject } from '@kubernetes/client-node';
import { FakeClock } from '../clock/fake-clock.js';
import { FakeListWatchSource } from './fake-list-watch-source.js';
import { Informer, waitForCacheSync, type InformerOptions } from './informer.js';

interface Thing extends KubernetesObject {
  data?: string;
}

const thing = (name: string, data = 'v1', namespace = 'ns'): Thing => ({
  metadata: { name, namespace },
  data,
});

interface Harness {
  clock: FakeClock;
  source: FakeListWatchSource<Thing>;
  informer: Informer<Thing>;
  seen: string[];
  stop: () => Promise<void>;
}

/** Starts an informer on a fake source; `seen` records handler calls as `add:ns/a`, `update:ns/a`, ... */
async function startInformer(
  options: Partial<InformerOptions<Thing>> = {},
  seed: Thing[] = [],
): Promise<Harness> {
  const clock = new FakeClock();
  const source = new FakeListWatchSource<Thing>();
  for (const t of seed) source.apply(t);
  const informer = new Informer<Thing>({
    name: 'things',
    source,
    clock,
    random: () => 0,
    backoff: { initialMs: 1000, maxMs: 30_000 },
    resyncPeriodMs: 0,
    ...options,
  });
  const seen: string[] = [];
  const key = (t: Thing) => `${t.metadata?.namespace}/${t.metadata?.name}`;
  informer.addHandler({
    onAdd: (t) => seen.push(`add:${key(t)}`),
    onUpdate: (o, t) => seen.push(`${o === t ? 'resync' : 'update'}:${key(t)}`),
    onDelete: (t) => seen.push(`delete:${key(t)}`),
  });
  const controller = new AbortController();
  const done = informer.start(controller.signal);
  await clock.advance(0);
  return {
    clock,
    source,
    informer,
    seen,
    stop: async () => {
      controller.abort();
      await clock.advance(0);
      await done;
    },
  };
}

describe('Informer', () => {
  test('initial list fills the cache, emits adds, and marks synced', async () => {
    const h = await startInformer({}, [thing('a'), thing('b')]);
    expect(h.informer.hasSynced()).toBe(true);
    expect(h.seen).toEqual(['add:ns/a', 'add:ns/b']);
    expect(h.informer.get('ns/a')?.data).toBe('v1');
    expect(h.informer.list()).toHaveLength(2);
    await h.stop();
  });

  test.each([
    { scenario: 'create', act: (s: FakeListWatchSource<Thing>) => s.apply(thing('c')), want: ['add:ns/c'] },
    {
      scenario: 'update',
      act: (s: FakeListWatchSource<Thing>) => s.apply(thing('a', 'v2')),
      want: ['update:ns/a'],
    },
    { scenario: 'delete', act: (s: FakeListWatchSource<Thing>) => s.delete('ns/a'), want: ['delete:ns/a'] },
  ])('a watched $scenario reaches the cache and the handlers', async ({ act, want }) => {
    const h = await startInformer({}, [thing('a')]);
    h.seen.length = 0;
    act(h.source);
    await h.clock.advance(0);
    expect(h.seen).toEqual(want);
    await h.stop();
  });

  test('relist after 410 emits deletes for objects that vanished while disconnected', async () => {
    const h = await startInformer({}, [thing('keep'), thing('gone'), thing('changed')]);
    h.seen.length = 0;
    h.source.down = true;
    h.source.breakWatches();
    h.source.delete('ns/gone');
    h.source.apply(thing('changed', 'v2'));
    h.source.apply(thing('new'));
    h.source.compact();
    await h.clock.advance(1000);
    h.source.down = false;
    await h.clock.advance(60_000);
    expect(h.seen.sort()).toEqual(['add:ns/new', 'delete:ns/gone', 'update:ns/changed']);
    expect(
      h.informer
        .list()
        .map((t) => t.metadata?.name)
        .sort(),
    ).toEqual(['changed', 'keep', 'new']);
    const stats = h.informer.stats();
    expect(stats.lists.initial).toBe(1);
    expect(stats.lists.expired + stats.lists.error).toBe(1);
    await h.stop();
  });

  test('a watch from a compacted resourceVersion (410) relists and then watches again', async () => {
    const h = await startInformer({}, [thing('a')]);
    await h.clock.advance(2000);
    h.source.silent = true;
    h.source.apply(thing('b'));
    h.source.compact();
    h.source.silent = false;
    h.source.closeWatches();
    await h.clock.advance(0);
    expect(h.informer.get('ns/b')).toBeDefined();
    expect(h.informer.stats().lists.expired).toBe(1);
    expect(h.source.openWatches).toBe(1);
    await h.stop();
  });

  test('an unreachable API server is retried with exponential backoff capped at 30 s, forever', async () => {
    const h = await startInformer({ silencePeriodMs: 0 }, [thing('a')]);
    h.source.down = true;
    h.source.breakWatches();
    const calls: number[] = [];
    for (let second = 0; second < 300; second++) {
      const before = h.source.listCalls + h.source.watchCalls;
      await h.clock.advance(1000);
      if (h.source.listCalls + h.source.watchCalls > before) calls.push(second + 1);
    }
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(gaps.slice(0, 5)).toEqual([2, 4, 8, 16, 30]);
    expect(gaps.slice(5).every((g) => g === 30)).toBe(true);
    h.source.down = false;
    h.source.apply(thing('late'));
    await h.clock.advance(31_000);
    expect(h.informer.get('ns/late')).toBeDefined();
    await h.stop();
  });

  test('one broken watch re-watches from its resourceVersion without relisting', async () => {
    const h = await startInformer({}, [thing('a')]);
    h.source.breakWatches();
    h.source.apply(thing('b'));
    await h.clock.advance(1000);
    expect(h.informer.get('ns/b')).toBeDefined();
    expect(h.source.listCalls).toBe(1);
    await h.stop();
  });

  test('a watch ended normally by the server is resumed at once, without relisting', async () => {
    const h = await startInformer({}, [thing('a')]);
    h.source.apply(thing('b'));
    await h.clock.advance(2000);
    h.source.closeWatches();
    await h.clock.advance(0);
    expect(h.source.openWatches).toBe(1);
    expect(h.source.listCalls).toBe(1);
    expect(h.informer.stats().restarts).toBe(0);
    await h.stop();
  });

  test('a watch that keeps closing at once is backed off, not hot-looped', async () => {
    const h = await startInformer({}, [thing('a')]);
    for (let i = 0; i < 20; i++) {
      h.source.closeWatches();
      await h.clock.advance(0);
    }
    expect(h.source.watchCalls).toBeLessThanOrEqual(3);
    await h.stop();
  });

  test('the watchdog relists when a watch goes silent, and the cache converges', async () => {
    const h = await startInformer({ silencePeriodMs: 60_000 }, [thing('a')]);
    h.source.silent = true;
    h.source.apply(thing('missed'));
    h.source.delete('ns/a');
    await h.clock.advance(59_000);
    expect(h.informer.get('ns/missed')).toBeUndefined();
    await h.clock.advance(11_000);
    expect(h.informer.stats().lists.watchdog).toBe(1);
    expect(h.informer.get('ns/missed')).toBeDefined();
    expect(h.informer.get('ns/a')).toBeUndefined();
    await h.stop();
  });

  test('bookmarks keep the watchdog quiet', async () => {
    const h = await startInformer({ silencePeriodMs: 60_000 }, [thing('a')]);
    for (let i = 0; i < 10; i++) {
      await h.clock.advance(30_000);
      h.source.bookmark();
    }
    expect(h.informer.stats().lists.watchdog).toBe(0);
    expect(h.informer.stats().events.bookmark).toBe(10);
    await h.stop();
  });

  test('resync re-delivers every cached object to onUpdate with old === new', async () => {
    const h = await startInformer({ resyncPeriodMs: 10_000 }, [thing('a'), thing('b')]);
    h.seen.length = 0;
    await h.clock.advance(10_000);
    expect(h.seen.sort()).toEqual(['resync:ns/a', 'resync:ns/b']);
    await h.stop();
  });

  test('a throwing handler is isolated: other handlers and the informer carry on', async () => {
    const h = await startInformer({}, []);
    h.informer.addHandler({
      onAdd: () => {
        throw new Error('boom');
      },
    });
    h.source.apply(thing('a'));
    h.source.apply(thing('b'));
    await h.clock.advance(0);
    expect(h.seen).toEqual(['add:ns/a', 'add:ns/b']);
    await h.stop();
  });

  test('a handler added after sync first receives the current objects as adds', async () => {
    const h = await startInformer({}, [thing('a')]);
    const late: string[] = [];
    const remove = h.informer.addHandler({ onAdd: (t) => late.push(t.metadata!.name!) });
    expect(late).toEqual(['a']);
    remove();
    h.source.apply(thing('b'));
    await h.clock.advance(0);
    expect(late).toEqual(['a']);
    await h.stop();
  });

  test('abort stops the loop, closes the watch and leaves no timers behind', async () => {
    const h = await startInformer({ resyncPeriodMs: 1000, silencePeriodMs: 5000 }, [thing('a')]);
    await h.stop();
    expect(h.source.openWatches).toBe(0);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.informer.health().running).toBe(false);
  });

  test('health: synced and not wedged while watching', async () => {
    const h = await startInformer({}, [thing('a')]);
    await h.clock.advance(1000);
    expect(h.informer.health()).toMatchObject({
      synced: true,
      running: true,
      wedged: false,
      silentForMs: 1000,
    });
    await h.stop();
  });

  test('waitForCacheSync resolves once every informer synced, false on abort', async () => {
    const clock = new FakeClock();
    let synced = false;
    const controller = new AbortController();
    const waiting = waitForCacheSync([{ hasSynced: () => synced }], controller.signal, clock);
    await clock.advance(500);
    synced = true;
    await clock.advance(100);
    await expect(waiting).resolves.toBe(true);
    const aborted = new AbortController();
    const never = waitForCacheSync([{ hasSynced: () => false }], aborted.signal, clock);
    aborted.abort();
    await expect(never).resolves.toBe(false);
  });
});

import type { CachedObject } from './object-key.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { realClock, sleep, timeoutSignal, type Clock } from '../clock/clock.js';
import { describeError, isGone } from './errors.js';
import type { ListWatchSource, WatchEvent } from './list-watch-source.js';
import { ObjectStore, type StoreDelta } from './store.js';

/**
 * Callbacks for changes to an informer's cache. They run synchronously, in event order, on the informer's
 * loop: keep them short (enqueue a key, update a model). A throwing handler is logged and skipped; it
 * never stops the informer.
 */
export interface InformerHandlers<T> {
  onAdd?(object: T): void;
  /** A changed object; also called with `old === object` for every object on each periodic resync. */
  onUpdate?(old: T, object: T): void;
  /**
   * A deleted object: the final state the server reported, or, for objects found gone by a relist after a
   * disconnection, the last state this informer saw.
   */
  onDelete?(object: T): void;
}

export interface InformerOptions<T extends CachedObject> {
  /** The resource, for logs and metrics (`pods`, `resourcepools`). */
  name: string;
  source: ListWatchSource<T>;
  clock?: Clock;
  logger?: Logger;
  /** Applied to every object before it is cached (drop fields nobody reads to save memory). */
  transform?: (object: T) => T;
  /** Re-delivers every cached object to `onUpdate` this often (default 5 min; 0 disables). */
  resyncPeriodMs?: number;
  /** Forces a relist when a watch delivered nothing, not even a bookmark, for this long (default 5 min). */
  silencePeriodMs?: number;
  /** Server-side watch timeout; each watch asks for a random value in [t, 2t) so watches roll over (default 300). */
  watchTimeoutSeconds?: number;
  /** Bound on one full (paged) list (default 2 min). */
  listTimeoutMs?: number;
  /** Delay between failed attempts (default 1 s doubling to 30 s, 20 % jitter). */
  backoff?: BackoffOptions;
  /** A watch that ends within this time without any event counts as a failure (default 1 s). */
  minWatchMs?: number;
  random?: () => number;
}

export type RelistReason = 'initial' | 'expired' | 'watchdog' | 'error';

/** Counters since the informer was created, read by the metrics collector and by tests. */
export interface InformerStats {
  lists: Record<RelistReason, number>;
  /** Failed list or watch attempts that were retried after a backoff. */
  restarts: number;
  events: { added: number; modified: number; deleted: number; bookmark: number };
  resyncs: number;
  objects: number;
  synced: boolean;
}

export interface InformerHealth {
  synced: boolean;
  running: boolean;
  /** The loop made no progress at all (no list, event, retry or watch end) for too long, or it died. */
  wedged: boolean;
  /** Milliseconds since the last list or watch event, undefined before the first list. */
  silentForMs: number | undefined;
}

const WATCHDOG = Symbol('watchdog');

/**
 * A reflector and cache for one collection: lists, then watches from the list's resourceVersion, keeping
 * `ObjectStore` in step and telling handlers what changed.
 *
 * Guarantees, unlike client-node's ListWatch:
 * - it never stops on its own: every failure is retried with capped exponential backoff until `start`'s
 *   signal aborts; a 410 Gone (or watch ERROR event) relists; repeated failures relist;
 * - a relist emits deletes for objects that vanished while disconnected, and updates for those that changed;
 * - watches request bookmarks and roll over every few minutes; a watchdog relists when a watch has been
 *   silent (not even a bookmark) for `silencePeriodMs`, so a half-open connection cannot freeze the cache;
 * - a periodic resync re-delivers every object, so level-triggered consumers repair anything they missed.
 */
export class Informer<T extends CachedObject> {
  readonly name: string;
  /** Informers run on every replica, so a standby has a warm cache when it takes over. */
  readonly needsLeader = false;
  private readonly store = new ObjectStore<T>();
  private readonly handlers = new Set<InformerHandlers<T>>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly backoff: Backoff;
  private readonly random: () => number;
  private readonly counters: Omit<InformerStats, 'objects' | 'synced'> = {
    lists: { initial: 0, expired: 0, watchdog: 0, error: 0 },
    restarts: 0,
    events: { added: 0, modified: 0, deleted: 0, bookmark: 0 },
    resyncs: 0,
  };
  private resourceVersion = '';
  private synced = false;
  private running = false;
  private died = false;
  private watching = false;
  private lastActivityAt: number | undefined;
  private lastProgressAt: number;
  private cycle: AbortController | undefined;
  private cycleEvents = 0;

  constructor(private readonly options: InformerOptions<T>) {
    this.name = options.name;
    this.clock = options.clock ?? realClock;
    this.logger = (options.logger ?? silentLogger()).child({ informer: options.name });
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff(
      options.backoff ?? { initialMs: 1000, maxMs: 30_000, jitter: 0.2 },
      this.random,
    );
    this.lastProgressAt = this.clock.now();
  }

  /**
   * Registers handlers and returns a function that removes them. Handlers added after the first list
   * receive an `onAdd` for every cached object first, so they never miss the initial state.
   */
  addHandler(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.synced) for (const object of this.store.values()) this.call(handlers, { type: 'add', object });
    return () => this.handlers.delete(handlers);
  }

  /** True once the first list has been applied (and forever after, as in client-go). */
  hasSynced(): boolean {
    return this.synced;
  }

  /** The cached object for `objectKey` (`namespace/name`, or `name` when cluster-scoped). */
  get(key: string): T | undefined {
    return this.store.get(key);
  }

  /** A snapshot array of the cache. */
  list(): T[] {
    return this.store.list();
  }

  /** Iterates the cache without copying it. */
  values(): IterableIterator<T> {
    return this.store.values();
  }

  get size(): number {
    return this.store.size;
  }

  /** The resourceVersion the cache is current to. */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  stats(): InformerStats {
    const c = this.counters;
    return {
      lists: { ...c.lists },
      restarts: c.restarts,
      events: { ...c.events },
      resyncs: c.resyncs,
      objects: this.store.size,
      synced: this.synced,
    };
  }

  /** For /healthz and /readyz. `wedgedAfterMs` defaults to twice the longest legitimate quiet step. */
  health(wedgedAfterMs?: number): InformerHealth {
    const now = this.clock.now();
    const limit = wedgedAfterMs ?? 2 * Math.max(this.silencePeriodMs(), this.listTimeoutMs(), 60_000);
    return {
      synced: this.synced,
      running: this.running,
      wedged: this.died || (this.running && now - this.lastProgressAt > limit),
      silentForMs: this.lastActivityAt === undefined ? undefined : now - this.lastActivityAt,
    };
  }

  /**
   * Runs the informer until `signal` aborts, then resolves (it never rejects). Call once per instance.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`informer ${this.name} is already running`);
    this.running = true;
    const stopTimers = this.startTimers(signal);
    try {
      await this.loop(signal);
    } catch (error) {
      this.died = true;
      this.logger.error({ err: describeError(error) }, 'informer loop died');
      throw error;
    } finally {
      stopTimers();
      this.running = false;
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let relist: RelistReason | undefined = 'initial';
    while (!signal.aborted) {
      const cycle = this.newCycle(signal);
      const startedAt = this.clock.now();
      this.cycleEvents = 0;
      try {
        if (relist) await this.relist(relist, cycle.signal);
        relist = undefined;
        await this.watchOnce(cycle.signal);
        if (cycle.signal.reason === WATCHDOG) throw WATCHDOG;
        if (this.cycleEvents === 0 && this.clock.now() - startedAt < this.minWatchMs()) {
          throw new Error('watch ended immediately without events');
        }
        this.backoff.reset();
        this.progress();
      } catch (error) {
        if (signal.aborted) break;
        const cause = cycle.signal.reason === WATCHDOG ? WATCHDOG : error;
        relist = (await this.recover(cause, this.cycleEvents > 0, signal)) ?? relist;
      } finally {
        this.watching = false;
        this.cycle = undefined;
        cycle.abort('cycle ended');
      }
    }
  }

  /** Decides, after a failed cycle, whether to relist, and waits the backoff. Returns the relist reason. */
  private async recover(
    error: unknown,
    productive: boolean,
    signal: AbortSignal,
  ): Promise<RelistReason | undefined> {
    this.progress();
    if (productive) this.backoff.reset();
    if (error === WATCHDOG) {
      this.logger.warn({ silencePeriodMs: this.silencePeriodMs() }, 'watch silent for too long: relisting');
      return 'watchdog';
    }
    if (isGone(error)) {
      this.logger.info({ resourceVersion: this.resourceVersion }, 'resource version expired: relisting');
      // The first expiry relists at once; repeated ones (a server that keeps expiring us) back off.
      const delayMs = productive ? 0 : this.backoff.next();
      if (this.backoff.attempts > 1) await sleep(this.clock, delayMs, signal);
      return 'expired';
    }
    this.counters.restarts++;
    const delayMs = this.backoff.next();
    this.logger.warn(
      { err: describeError(error), delayMs, attempt: this.backoff.attempts },
      'list/watch failed',
    );
    await sleep(this.clock, delayMs, signal);
    this.progress();
    // One failure re-watches from the last resourceVersion; a second one in a row relists.
    if (!this.synced) return 'initial';
    return this.backoff.attempts >= 2 ? 'error' : undefined;
  }

  private async relist(reason: RelistReason, signal: AbortSignal): Promise<void> {
    const bounded = timeoutSignal(this.clock, this.listTimeoutMs(), signal);
    try {
      const result = await this.options.source.list(bounded.signal);
      if (signal.aborted) throw signal.reason;
      const objects = result.items.map((o) => this.transform(o));
      const deltas = this.store.replace(objects);
      this.resourceVersion = result.resourceVersion;
      this.counters.lists[reason]++;
      this.activity();
      this.logger.debug({ reason, objects: objects.length, changes: deltas.length }, 'listed');
      for (const delta of deltas) this.notify(delta);
      this.synced = true;
    } finally {
      bounded.dispose();
    }
  }

  /** Runs one watch to its end, counting its events in `cycleEvents`. */
  private async watchOnce(signal: AbortSignal): Promise<void> {
    const base = this.options.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(base * (1 + this.random()));
    this.watching = true;
    const onEvent = (event: WatchEvent<T>): void => {
      if (signal.aborted) return;
      this.cycleEvents++;
      this.handleEvent(event);
    };
    await this.options.source.watch(this.resourceVersion, timeoutSeconds, onEvent, signal);
  }

  private handleEvent(event: WatchEvent<T>): void {
    this.activity();
    this.progress();
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      this.counters.events.bookmark++;
    } else if (event.type === 'DELETED') {
      this.counters.events.deleted++;
      const delta = this.store.remove(this.transform(event.object));
      if (delta) this.notify(delta);
    } else {
      this.counters.events[event.type === 'ADDED' ? 'added' : 'modified']++;
      const delta = this.store.upsert(this.transform(event.object));
      if (delta) this.notify(delta);
    }
    if (rv) this.resourceVersion = rv;
  }

  private startTimers(signal: AbortSignal): () => void {
    const stops: Array<() => void> = [];
    const resync = this.options.resyncPeriodMs ?? 300_000;
    if (resync > 0) stops.push(every(this.clock, resync, () => this.resync()));
    const silence = this.silencePeriodMs();
    if (silence > 0)
      stops.push(every(this.clock, Math.max(10, Math.min(silence / 4, 10_000)), () => this.watchdog()));
    const stopAll = (): void => stops.forEach((stop) => stop());
    signal.addEventListener('abort', stopAll, { once: true });
    return stopAll;
  }

  private watchdog(): void {
    if (!this.watching || this.lastActivityAt === undefined) return;
    if (this.clock.now() - this.lastActivityAt < this.silencePeriodMs()) return;
    this.cycle?.abort(WATCHDOG);
  }

  private resync(): void {
    if (!this.synced) return;
    this.counters.resyncs++;
    for (const object of this.store.values()) this.notify({ type: 'update', old: object, object });
  }

  private notify(delta: StoreDelta<T>): void {
    for (const handlers of this.handlers) this.call(handlers, delta);
  }

  private call(handlers: InformerHandlers<T>, delta: StoreDelta<T>): void {
    try {
      if (delta.type === 'add') handlers.onAdd?.(delta.object);
      else if (delta.type === 'update') handlers.onUpdate?.(delta.old, delta.object);
      else handlers.onDelete?.(delta.object);
    } catch (error) {
      this.logger.error({ err: describeError(error), change: delta.type }, 'informer handler threw');
    }
  }

  private newCycle(signal: AbortSignal): AbortController {
    const cycle = new AbortController();
    signal.addEventListener('abort', () => cycle.abort(signal.reason), { once: true, signal: cycle.signal });
    this.cycle = cycle;
    return cycle;
  }

  private transform(object: T): T {
    return this.options.transform ? this.options.transform(object) : object;
  }

  private activity(): void {
    this.lastActivityAt = this.clock.now();
  }

  private progress(): void {
    this.lastProgressAt = this.clock.now();
  }

  private silencePeriodMs(): number {
    return this.options.silencePeriodMs ?? 300_000;
  }

  private listTimeoutMs(): number {
    return this.options.listTimeoutMs ?? 120_000;
  }

  private minWatchMs(): number {
    return this.options.minWatchMs ?? 1000;
  }
}

/** Calls `fn` every `ms` on `clock` until the returned stop function is called. */
function every(clock: Clock, ms: number, fn: () => void): () => void {
  let stopped = false;
  let handle = clock.setTimeout(tick, ms);
  function tick(): void {
    if (stopped) return;
    fn();
    handle = clock.setTimeout(tick, ms);
  }
  return () => {
    stopped = true;
    clock.clearTimeout(handle);
  };
}

/**
 * Resolves true once every informer has synced, or false if `signal` aborts first. Start controllers'
 * workers only after this, so they never act on a partial cache.
 */
export async function waitForCacheSync(
  informers: ReadonlyArray<{ hasSynced(): boolean }>,
  signal: AbortSignal,
  clock: Clock = realClock,
  pollMs = 100,
): Promise<boolean> {
  while (!signal.aborted) {
    if (informers.every((i) => i.hasSynced())) return true;
    await sleep(clock, pollMs, signal);
  }
  return false;
}

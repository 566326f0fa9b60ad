import type { CachedObject } from './object-key.js';
import { ApiStatusError } from './errors.js';
import type { ListResult, ListWatchSource, WatchEvent } from './list-watch-source.js';
import { objectKey } from './object-key.js';

interface ActiveWatch<T> {
  onEvent: (event: WatchEvent<T>) => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An in-memory API server for one collection, for unit tests of informers and of the controllers fed by
 * them. It keeps an event history like etcd (so a watch from an old resourceVersion replays what it
 * missed, or fails with 410 after `compact()`), and can fail, go down, or go silent on demand.
 */
export class FakeListWatchSource<T extends CachedObject> implements ListWatchSource<T> {
  private readonly objects = new Map<string, T>();
  private history: Array<{ rv: number; event: WatchEvent<T> }> = [];
  private oldestRv = 0;
  private rv = 0;
  private readonly watches = new Set<ActiveWatch<T>>();
  /** When true, list and watch calls fail as if the API server were unreachable. */
  down = false;
  /** When true, changes are stored but not sent to open watches (a half-open connection). */
  silent = false;
  /** Number of list and watch calls so far. */
  listCalls = 0;
  watchCalls = 0;

  /** Creates or replaces an object, assigning it the next resourceVersion. */
  apply(object: T): T {
    const key = objectKey(object);
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = this.stamp(object);
    this.objects.set(key, stored);
    this.emit({ type, object: stored });
    return stored;
  }

  /** Deletes an object by key (no-op if absent). */
  delete(key: string): void {
    const existing = this.objects.get(key);
    if (!existing) return;
    this.objects.delete(key);
    this.emit({ type: 'DELETED', object: this.stamp(existing) });
  }

  /** Sends a bookmark at the current resourceVersion to open watches. */
  bookmark(): void {
    const object = { metadata: { resourceVersion: String(this.rv) } } as T;
    for (const watch of this.watches) watch.onEvent({ type: 'BOOKMARK', object });
  }

  /** Forgets the event history: watches from any older resourceVersion now fail with 410. */
  compact(): void {
    this.history = [];
    this.oldestRv = this.rv;
  }

  /** Ends every open watch normally (as the server does at its timeout). */
  closeWatches(): void {
    for (const watch of [...this.watches]) watch.resolve();
    this.watches.clear();
  }

  /** Fails every open watch with `error`. */
  breakWatches(error: unknown = connectionError()): void {
    for (const watch of [...this.watches]) watch.reject(error);
    this.watches.clear();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  async list(signal: AbortSignal): Promise<ListResult<T>> {
    this.listCalls++;
    if (signal.aborted) throw new Error('aborted');
    if (this.down) throw connectionError();
    return { items: [...this.objects.values()], resourceVersion: String(this.rv) };
  }

  watch(
    resourceVersion: string,
    _timeoutSeconds: number,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void> {
    this.watchCalls++;
    if (this.down) return Promise.reject(connectionError());
    const from = Number(resourceVersion);
    if (from < this.oldestRv)
      return Promise.reject(new ApiStatusError(410, 'too old resource version', 'Expired'));
    return new Promise<void>((resolve, reject) => {
      const watch: ActiveWatch<T> = { onEvent, resolve, reject };
      const end = (): void => {
        this.watches.delete(watch);
        resolve();
      };
      signal.addEventListener('abort', end, { once: true });
      this.watches.add(watch);
      for (const entry of this.history) if (entry.rv > from) onEvent(entry.event);
    });
  }

  private stamp(object: T): T {
    this.rv++;
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } };
  }

  private emit(event: WatchEvent<T>): void {
    this.history.push({ rv: this.rv, event });
    if (this.silent) return;
    for (const watch of this.watches) watch.onEvent(event);
  }
}

function connectionError(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
}

import {
  Watch,
  type ConfigurationOptions,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { raceAbort } from '../clock/clock.js';
import { ApiStatusError } from './errors.js';
import type { CachedObject } from './object-key.js';
import { requestOptions } from './request-options.js';

/** A consistent snapshot of a collection, and the resourceVersion to watch from. */
export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

/** One watch event, its object already decoded (a `Status` for `ERROR`, metadata only for `BOOKMARK`). */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

/**
 * Where an informer gets its data: a list and a watch of one collection. The informer's tests use a fake;
 * `kubeListWatchSource` is the real one.
 */
export interface ListWatchSource<T extends CachedObject> {
  /** Lists the whole collection (paged internally); rejects on any failure, including abort. */
  list(signal: AbortSignal): Promise<ListResult<T>>;
  /**
   * Watches from `resourceVersion`, calling `onEvent` for each event in order. Resolves when the server
   * ends the stream normally (or when `signal` aborts); rejects on a failure, with an error whose `code` is
   * 410 when the resource version is too old. `ERROR` events are turned into rejections.
   */
  watch(
    resourceVersion: string,
    timeoutSeconds: number,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

/** One page of a list call, with request options that carry the abort signal (and the signal itself). */
export type ListPageFn<T extends KubernetesObject> = (
  page: { limit?: number; _continue?: string },
  options: ConfigurationOptions,
  signal?: AbortSignal,
) => Promise<KubernetesListObject<T>>;

export interface KubeListWatchOptions<Wire extends KubernetesObject, T extends CachedObject = Wire> {
  /** The collection's URL path, e.g. `/api/v1/pods` or `/apis/fulcrum.io/v1alpha1/resourcepools`. */
  path: string;
  /** Lists one page: forward `page` and `options` to the generated client's list call. */
  list: ListPageFn<Wire>;
  /**
   * Turns a raw watch object into the same shape the list call returns (the generated clients decode
   * timestamps into Dates; a watch delivers plain JSON). Identity for custom resources.
   */
  decode?: (raw: unknown) => Wire;
  /**
   * Turns each decoded object into what the cache keeps (a lean record), page by page as it arrives, so a
   * list of 150,000 full pods is never held in memory at once. Identity when absent.
   */
  transform?: (object: Wire) => T;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per list page (default 500, like client-go's pager); 0 lists everything in one response. */
  pageSize?: number;
  /** The watch is abandoned when no byte arrives for this long (default 130 s: two bookmark periods). */
  watchInactivityTimeoutMs?: number;
}

/** The real `ListWatchSource`, over the generated list call and client-node's `Watch`. */
export function kubeListWatchSource<Wire extends KubernetesObject, T extends CachedObject = Wire>(
  kubeConfig: KubeConfig,
  options: KubeListWatchOptions<Wire, T>,
): ListWatchSource<T> {
  const transform = options.transform ?? ((object: Wire) => object as unknown as T);
  const decodeWire = options.decode ?? ((raw: unknown) => raw as Wire);
  const decode = (raw: unknown): T => transform(decodeWire(raw));
  return {
    list: (signal) => listAllPages(options, transform, signal),
    watch: (resourceVersion, timeoutSeconds, onEvent, signal) =>
      watchOnce(kubeConfig, options, decode, { resourceVersion, timeoutSeconds }, onEvent, signal),
  };
}

async function listAllPages<Wire extends KubernetesObject, T extends CachedObject>(
  options: KubeListWatchOptions<Wire, T>,
  transform: (object: Wire) => T,
  signal: AbortSignal,
): Promise<ListResult<T>> {
  const limit = options.pageSize ?? 500;
  const items: T[] = [];
  let token: string | undefined;
  let resourceVersion = '';
  do {
    const page = await raceAbort(
      options.list(
        { ...(limit > 0 ? { limit } : {}), ...(token ? { _continue: token } : {}) },
        requestOptions(signal),
        signal,
      ),
      signal,
    );
    for (const item of page.items) items.push(transform(item));
    resourceVersion = page.metadata?.resourceVersion ?? '';
    token = page.metadata?._continue || undefined;
  } while (token);
  return { items, resourceVersion };
}

function watchOnce<Wire extends KubernetesObject, T extends CachedObject>(
  kubeConfig: KubeConfig,
  options: KubeListWatchOptions<Wire, T>,
  decode: (raw: unknown) => T,
  params: { resourceVersion: string; timeoutSeconds: number },
  onEvent: (event: WatchEvent<T>) => void,
  signal: AbortSignal,
): Promise<void> {
  const watch = new Watch(kubeConfig);
  // `requestTimeoutMs` is the Watch's inactivity timeout (default 30 s); it is not public, so set it here.
  (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
    options.watchInactivityTimeoutMs ?? 130_000;
  return new Promise<void>((resolve, reject) => {
    let controller: AbortController | undefined;
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      controller?.abort();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => finish();
    signal.addEventListener('abort', onAbort, { once: true });
    const onLine = (type: string, raw: unknown): void => {
      if (settled) return;
      try {
        if (type === 'ERROR') return finish(statusError(raw));
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK') {
          onEvent({ type, object: type === 'BOOKMARK' ? (raw as T) : decode(raw) });
        }
      } catch (error) {
        finish(error);
      }
    };
    const query = {
      resourceVersion: params.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: params.timeoutSeconds,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    };
    watch
      .watch(options.path, query, onLine, (error: unknown) => finish(isTimeout(error) ? undefined : error))
      .then(
        (c) => {
          controller = c;
          if (settled) c.abort();
        },
        (error: unknown) => finish(error),
      );
  });
}

/** A `Status` from a watch `ERROR` event as an error (code 410 means: relist). */
function statusError(raw: unknown): ApiStatusError {
  const status = (raw ?? {}) as { code?: number; message?: string; reason?: string };
  return new ApiStatusError(status.code ?? 500, status.message ?? 'watch error event', status.reason);
}

/**
 * The Watch's own inactivity timeout: the stream was idle, not broken. Reported as a normal end so the
 * informer re-watches from its resourceVersion (its watchdog covers longer silences).
 */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/**
 * What triggers a reconcile, declared in one line per informer (controller-runtime's `Watches`, kube-rs'
 * `Controller::watches`): `watches(informer, toKeys)` maps every add, update and delete of the informer's
 * objects to the keys they touch, and `bind` hands those keys to a queue. A periodic resync (an update
 * with the same object) triggers nothing unless `resyncs` is set: it changed nothing.
 */
import type { InformerHandlers } from './informer.js';

/**
 * The keys a change of `object` asks to reconcile: one, several, or none (undefined). `old` is the state
 * before an update; undefined on an add or a delete.
 */
export type ToKeys<T> = (object: T, old: T | undefined) => Iterable<string> | string | undefined;

export interface WatchOptions {
  /** Also map periodic resyncs (the controller re-reads each object that often). Default false. */
  resyncs?: boolean;
}

/** One trigger of a controller. `bind` starts sending keys to `enqueue` and returns how to stop. */
export interface Watch {
  bind(enqueue: (key: string) => void): () => void;
}

export function watches<T>(
  informer: { addHandler(handlers: InformerHandlers<T>): () => void },
  toKeys: ToKeys<T>,
  options: WatchOptions = {},
): Watch {
  return {
    bind(enqueue) {
      const send = (object: T, old: T | undefined): void => {
        const keys = toKeys(object, old);
        if (keys === undefined) return;
        if (typeof keys === 'string') enqueue(keys);
        else for (const key of keys) enqueue(key);
      };
      return informer.addHandler({
        onAdd: (object) => send(object, undefined),
        onUpdate: (old, object) => {
          if (old !== object || options.resyncs) send(object, old);
        },
        onDelete: (object) => send(object, undefined),
      });
    },
  };
}

import { hostname } from 'node:os';
import { PatchStrategy, setHeaderOptions, type CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { realClock, timeoutSignal, type Clock, type TimerHandle } from '../clock/clock.js';
import { describeError, isNotFound } from './errors.js';
import type { CachedObject } from './object-key.js';
import { requestOptions } from './request-options.js';
import { Slots } from './slots.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** `source.component` and `reportingComponent` (default `fulcrum`). */
  component?: string;
  /** `reportingInstance` (default the hostname). */
  instance?: string;
  /** Repeats of one event within this window update its count instead of creating a new one (10 min). */
  aggregateWindowMs?: number;
  /** At most one API write per distinct event in this interval; repeats in between are batched (10 s). */
  minWriteIntervalMs?: number;
  /** Distinct events per object: a burst of this many (25)… */
  burst?: number;
  /** …then one more per this interval (5 min), as client-go's spam filter. */
  refillIntervalMs?: number;
  /** Bound on remembered events and objects (4096). */
  maxEntries?: number;
  /**
   * Event writes in flight at once (8); the rest wait their turn. Events are best effort: a burst of them
   * (one per pod bound after a scheduler pause) must not crowd out the bindings they report.
   */
  maxConcurrentWrites?: number;
  clock?: Clock;
  logger?: Logger;
}

interface Entry {
  namespace: string;
  name: string;
  body: CoreV1Event;
  count: number;
  writtenCount: number;
  firstAt: number;
  lastAt: number;
  lastWriteAt: number;
  created: boolean;
  timer: TimerHandle | undefined;
  writing: Promise<void> | undefined;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Records core/v1 Events about objects, with aggregation so that a hot loop cannot flood the API server:
 * - the same (object, type, reason, message) within `aggregateWindowMs` increments one Event's `count`;
 * - each distinct Event is written at most once per `minWriteIntervalMs` (repeats are batched);
 * - each object gets `burst` distinct Events, then one per `refillIntervalMs`; the rest are dropped.
 * Recording never throws and never waits: writes happen in the background (`flush` waits for them).
 */
export class EventRecorder {
  private readonly entries = new Map<string, Entry>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly component: string;
  private readonly instance: string;
  private sequence = 0;
  private closed = false;
  private readonly writeSlots: Slots;
  /** Events refused by the spam filter. */
  dropped = 0;

  constructor(
    private readonly api: CoreV1Api,
    private readonly options: EventRecorderOptions = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.logger = (options.logger ?? silentLogger()).child({ component: 'event-recorder' });
    this.component = options.component ?? 'fulcrum';
    this.instance = (options.instance ?? hostname()).slice(0, 128);
    this.writeSlots = new Slots(options.maxConcurrentWrites ?? 8);
  }

  /** Records an Event about `object` (which needs at least kind, name, and namespace if namespaced). */
  record(object: CachedObject, type: EventType, reason: string, message: string): void {
    if (this.closed) return;
    const now = this.clock.now();
    const text = message.length > 1024 ? `${message.slice(0, 1021)}...` : message;
    const objectId = objectIdentity(object);
    const key = `${objectId}\u0000${type}\u0000${reason}\u0000${text}`;
    const existing = this.entries.get(key);
    if (existing && now - existing.lastAt <= this.window()) {
      existing.count++;
      existing.lastAt = now;
      this.schedule(existing);
      return;
    }
    if (!this.takeToken(objectId, now)) {
      this.dropped++;
      return;
    }
    this.prune(now);
    const entry = this.newEntry(object, type, reason, text, now);
    this.entries.set(key, entry);
    this.schedule(entry);
  }

  /**
   * Writes every batched repeat now and waits until nothing is left unwritten. Loops because a write that
   * was already in flight may finish with newer repeats still to write (it then schedules another).
   */
  async flush(): Promise<void> {
    for (;;) {
      const inFlight: Promise<void>[] = [];
      for (const entry of this.entries.values()) {
        if (entry.timer) {
          this.clock.clearTimeout(entry.timer);
          entry.timer = undefined;
        }
        this.startWrite(entry);
        if (entry.writing) inFlight.push(entry.writing);
      }
      if (inFlight.length === 0) return;
      await Promise.all(inFlight);
    }
  }

  /** Ignores further `record` calls, then flushes (so the flush loop has an end even if callers keep recording). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private newEntry(
    object: CachedObject,
    type: EventType,
    reason: string,
    message: string,
    now: number,
  ): Entry {
    const meta = object.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const name = `${meta.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)}`;
    const body: CoreV1Event = {
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
      },
      type,
      reason,
      message,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.instance,
    };
    return {
      namespace,
      name,
      body,
      count: 1,
      writtenCount: 0,
      firstAt: now,
      lastAt: now,
      lastWriteAt: 0,
      created: false,
      timer: undefined,
      writing: undefined,
    };
  }

  /** Arranges one write for `entry`, no sooner than `minWriteIntervalMs` after its previous write. */
  private schedule(entry: Entry): void {
    if (entry.timer || entry.writing) return;
    const delay = entry.lastWriteAt + (this.options.minWriteIntervalMs ?? 10_000) - this.clock.now();
    if (delay <= 0) return this.startWrite(entry);
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = undefined;
      this.startWrite(entry);
    }, delay);
  }

  private startWrite(entry: Entry): void {
    if (entry.writing || entry.count === entry.writtenCount) return;
    entry.writing = this.writeSlots
      .run(() => this.write(entry))
      .finally(() => {
        entry.writing = undefined;
        if (entry.count !== entry.writtenCount) this.schedule(entry);
      });
  }

  private async write(entry: Entry): Promise<void> {
    const count = entry.count;
    const bounded = timeoutSignal(this.clock, 10_000);
    entry.lastWriteAt = this.clock.now();
    const times = { count, firstTimestamp: new Date(entry.firstAt), lastTimestamp: new Date(entry.lastAt) };
    try {
      if (entry.created) {
        try {
          await this.api.patchNamespacedEvent(
            {
              name: entry.name,
              namespace: entry.namespace,
              body: { count, lastTimestamp: times.lastTimestamp },
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch, requestOptions(bounded.signal)),
          );
        } catch (error) {
          if (!isNotFound(error)) throw error;
          entry.created = false; // expired by the server's event TTL: create it again
        }
      }
      if (!entry.created) {
        await this.api.createNamespacedEvent(
          { namespace: entry.namespace, body: { ...entry.body, ...times } },
          requestOptions(bounded.signal),
        );
        entry.created = true;
      }
      entry.writtenCount = count;
    } catch (error) {
      entry.writtenCount = count; // best effort: do not retry a failed write in a loop
      this.logger.warn({ err: describeError(error), reason: entry.body.reason }, 'could not write event');
    } finally {
      bounded.dispose();
    }
  }

  private takeToken(objectId: string, now: number): boolean {
    const burst = this.options.burst ?? 25;
    const refill = this.options.refillIntervalMs ?? 300_000;
    const bucket = this.buckets.get(objectId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / refill);
    bucket.at = now;
    this.buckets.set(objectId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets events older than the window (and, past `maxEntries`, the oldest ones). */
  private prune(now: number): void {
    const max = this.options.maxEntries ?? 4096;
    if (this.entries.size < max && this.buckets.size < max) return;
    for (const [key, entry] of this.entries) {
      if (now - entry.lastAt > this.window() && !entry.timer && !entry.writing) this.entries.delete(key);
    }
    for (const [key, entry] of this.entries) {
      if (this.entries.size < max) break;
      if (!entry.timer && !entry.writing) this.entries.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < max) break;
      this.buckets.delete(key);
    }
  }

  private window(): number {
    return this.options.aggregateWindowMs ?? 600_000;
  }
}

function objectIdentity(object: CachedObject): string {
  const m = object.metadata ?? {};
  return `${object.kind ?? ''}/${m.namespace ?? ''}/${m.name ?? ''}/${m.uid ?? ''}`;
}

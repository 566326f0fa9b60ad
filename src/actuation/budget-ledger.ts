/**
 * The budget ledger, pure: it decides whether a disruptive action may happen now, given what was admitted
 * before. No I/O and no clock: the caller passes the time in.
 *
 * A rule says "at most `limit` actions of these kinds, from these sources, per <scope>, in any window of
 * `windowMs`" (a sliding window, so a burst cannot straddle two fixed windows to get twice the limit).
 * Scopes: `cluster` (one budget for everything the rule matches), `source`, `pool`, `node` (per node named by
 * the action; actions without a node are not counted by node rules).
 *
 * Guarantees (property-tested in budget-ledger.test.ts):
 * - for every rule and scope value, the admitted and not released actions within any window of `windowMs`
 *   never exceed `limit`;
 * - a batch is admitted whole or not at all (a fence is one write of several changes);
 * - DryRun actions are counted apart from Enforce ones, so rehearsing never eats the real budget, and a
 *   DryRun report says what Enforce would have been allowed;
 * - `release` hands back the room an admitted batch took (the action turned out not to happen: blocked by a
 *   PDB, pod already gone, request failed), like Kueue forgetting an assumed workload.
 *
 * Memory: one timestamp per admitted action still inside its rule's window.
 */
import type { ActionKind, ActionSource, ActuationMode } from './action-requests.js';

export type BudgetScope = 'cluster' | 'source' | 'pool' | 'node';

export interface BudgetRule {
  /** Names the rule in denials, logs and Events ("failover-deletions-per-pool"). */
  name: string;
  scope: BudgetScope;
  /** Sources the rule counts; undefined for all. */
  sources?: readonly ActionSource[];
  /** Action kinds the rule counts; undefined for all. */
  actions?: readonly ActionKind[];
  /** At most this many actions (>= 0)… */
  limit: number;
  /** …in any window of this many milliseconds (> 0). */
  windowMs: number;
}

/** One action to be counted. */
export interface LedgerEntry {
  source: ActionSource;
  pool: string;
  node?: string;
  action: ActionKind;
  mode: ActuationMode;
}

/** Proof of admission, to give back with `release`. */
export interface Ticket {
  id: number;
}

export type Admission =
  | { admitted: true; ticket: Ticket }
  | {
      admitted: false;
      rule: BudgetRule;
      /** The scope value that is exhausted: the pool, node or source name ('' for cluster). */
      scopeValue: string;
      used: number;
      /** Time until the oldest counted action leaves the window (a whole window for a rule of limit 0). */
      retryAfterMs: number;
      message: string;
    };

interface Stamp {
  at: number;
  ticket: number;
}

export class BudgetLedger {
  private readonly buckets = new Map<string, Stamp[]>();
  private nextTicket = 1;

  constructor(readonly rules: readonly BudgetRule[]) {
    for (const rule of rules) {
      if (!(Number.isInteger(rule.limit) && rule.limit >= 0)) {
        throw new Error(`budget rule ${rule.name}: limit must be a non-negative integer, got ${rule.limit}`);
      }
      if (!(rule.windowMs > 0)) {
        throw new Error(`budget rule ${rule.name}: windowMs must be positive, got ${rule.windowMs}`);
      }
    }
  }

  /**
   * Admits `entries` together at time `now` if every rule has room for all of them (entries of one batch
   * count against each other), and records them; otherwise records nothing and names the first rule that
   * refused. An empty batch is always admitted.
   */
  tryAdmit(entries: readonly LedgerEntry[], now: number): Admission {
    const wanted = new Map<string, { rule: BudgetRule; scopeValue: string; count: number }>();
    for (const entry of entries) {
      for (const rule of this.rules) {
        const scopeValue = scopeValueOf(rule, entry);
        if (scopeValue === undefined) continue;
        const key = bucketKey(rule, entry.mode, scopeValue);
        const slot = wanted.get(key) ?? { rule, scopeValue, count: 0 };
        slot.count++;
        wanted.set(key, slot);
      }
    }
    for (const [key, { rule, scopeValue, count }] of wanted) {
      const stamps = this.live(key, rule, now);
      if (stamps.length + count > rule.limit) {
        const oldest = stamps.reduce((min, s) => Math.min(min, s.at), Number.POSITIVE_INFINITY);
        const retryAfterMs = stamps.length > 0 ? Math.max(0, oldest + rule.windowMs - now) : rule.windowMs;
        const where = rule.scope === 'cluster' ? 'in the cluster' : `for ${rule.scope} ${scopeValue}`;
        return {
          admitted: false,
          rule,
          scopeValue,
          used: stamps.length,
          retryAfterMs,
          message:
            `budget ${rule.name} exhausted ${where}: ${stamps.length} of ${rule.limit} per ` +
            `${rule.windowMs / 1000}s used${count > 1 ? `, ${count} asked at once` : ''}`,
        };
      }
    }
    const ticket = this.nextTicket++;
    for (const [key, { count }] of wanted) {
      const stamps = this.buckets.get(key) ?? [];
      for (let i = 0; i < count; i++) stamps.push({ at: now, ticket });
      this.buckets.set(key, stamps);
    }
    return { admitted: true, ticket: { id: ticket } };
  }

  /** Gives back everything `ticket` took. Releasing twice, or a ticket of another ledger, does nothing. */
  release(ticket: Ticket): void {
    for (const [key, stamps] of this.buckets) {
      const kept = stamps.filter((s) => s.ticket !== ticket.id);
      if (kept.length === 0) this.buckets.delete(key);
      else if (kept.length !== stamps.length) this.buckets.set(key, kept);
    }
  }

  /** Actions a rule currently counts for one scope value (for status and tests). */
  used(rule: BudgetRule, mode: ActuationMode, scopeValue: string, now: number): number {
    return this.live(bucketKey(rule, mode, scopeValue), rule, now).length;
  }

  /** The stamps of `key` still inside the window ending at `now`; drops the rest. */
  private live(key: string, rule: BudgetRule, now: number): Stamp[] {
    const stamps = this.buckets.get(key);
    if (!stamps) return [];
    // Filter rather than trim the front: callers' clocks may step back, so stamps need not be in order.
    const from = now - rule.windowMs;
    const kept = stamps.filter((s) => s.at > from);
    if (kept.length === stamps.length) return stamps;
    if (kept.length === 0) this.buckets.delete(key);
    else this.buckets.set(key, kept);
    return kept;
  }
}

/** The value of the rule's scope for `entry`, or undefined when the rule does not count it. */
function scopeValueOf(rule: BudgetRule, entry: LedgerEntry): string | undefined {
  if (rule.sources && !rule.sources.includes(entry.source)) return undefined;
  if (rule.actions && !rule.actions.includes(entry.action)) return undefined;
  switch (rule.scope) {
    case 'cluster':
      return '';
    case 'source':
      return entry.source;
    case 'pool':
      return entry.pool;
    case 'node':
      return entry.node;
  }
}

function bucketKey(rule: BudgetRule, mode: ActuationMode, scopeValue: string): string {
  return `${rule.name}\u0000${mode}\u0000${scopeValue}`;
}

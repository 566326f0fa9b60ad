/**
 * The detector state of every probed node for one leadership term, fed with observations as they arrive.
 * No I/O: it applies the pure detector `step` and returns the transitions for the caller to act on.
 *
 * Every node starts the term Unknown, fence marker or not: a new leader trusts only what it observes.
 *
 * One rule on top of the detector, for safety: the probe of a node that has never answered one in this term
 * is not evidence. A probe that never succeeded is as likely misconfigured (wrong port, a firewall, the probe
 * address annotation missing) as the node is dead. Its failing probes count as inconclusive until it answers
 * once; until then the other two channels (Lease and Ready condition) must agree to fail it. The price: a
 * node that dies while the operator is down or changing leader is detected from its Ready condition (about
 * 50 s) instead of its probes.
 */
import {
  newNodeHealth,
  step,
  type DetectorConfig,
  type NodeHealthState,
  type Observation,
  type Transition,
} from './detector.js';
import type { ProbeCounts } from './probe-report.js';

export class HealthTracker {
  private readonly states = new Map<string, NodeHealthState>();
  private readonly answered = new Set<string>();
  /** Each node's last probe outcome, for the ProbesHealthy counts. */
  private readonly lastProbe = new Map<string, { outcome: 'ok' | 'failed' | 'refused'; reason?: string }>();

  /** The node's state now; a node not observed yet in this term is Unknown, fence marker or not. */
  state(node: string): NodeHealthState {
    let state = this.states.get(node);
    if (!state) {
      state = newNodeHealth(node);
      this.states.set(node, state);
    }
    return state;
  }

  /** Applies one observation; returns the transitions it caused (often none). */
  observe(observation: Observation, config: DetectorConfig): Transition[] {
    const node = observation.node;
    if (observation.kind === 'probe') {
      if (observation.ok) this.answered.add(node);
      const outcome = observation.inconclusive ? 'refused' : observation.ok ? 'ok' : 'failed';
      this.lastProbe.set(node, { outcome, ...(observation.reason ? { reason: observation.reason } : {}) });
    }
    const result = step(this.state(node), this.trusted(observation), config);
    this.states.set(node, result.state);
    return result.transitions;
  }

  /** States of `members` (created as needed), for planPool and the partition guard. */
  healthOf(members: readonly string[]): Map<string, NodeHealthState> {
    return new Map(members.map((m) => [m, this.state(m)]));
  }

  /** Members that have never answered a probe in this term (reported in status and Events). */
  neverAnswered(members: readonly string[]): string[] {
    return members.filter((m) => !this.answered.has(m));
  }

  /** How the members' last probes went (ProbesHealthy). */
  probeCounts(members: readonly string[]): ProbeCounts {
    const counts: ProbeCounts = { members: members.length, answering: 0, failing: 0, refused: 0, pending: 0 };
    for (const m of members) {
      const last = this.lastProbe.get(m);
      if (!last) counts.pending++;
      else if (last.outcome === 'ok') counts.answering++;
      else if (last.outcome === 'failed') counts.failing++;
      else {
        counts.refused++;
        counts.example ??= `${m}: ${last.reason ?? 'not probed'}`;
      }
    }
    return counts;
  }

  /** Drops nodes that are no longer probed. */
  retain(nodes: ReadonlySet<string>): void {
    for (const name of this.states.keys()) {
      if (!nodes.has(name)) {
        this.states.delete(name);
        this.answered.delete(name);
        this.lastProbe.delete(name);
      }
    }
  }

  /** A failing probe of a node that never answered in this term is not evidence (see the file comment). */
  private trusted(observation: Observation): Observation {
    if (observation.kind !== 'probe' || observation.ok || observation.inconclusive) return observation;
    if (this.answered.has(observation.node)) return observation;
    return {
      ...observation,
      inconclusive: true,
      reason: `never answered a probe since the operator started (${observation.reason ?? 'failed'}); waiting for its Ready condition`,
    };
  }
}

/**
 * How much node loads move between intervals: per node, an exponentially smoothed mean of the squared change
 * of its load from one interval to the next; the pool's volatility is the median over nodes of its square
 * root (percentage points per interval). One entry per node, whatever the uptime; nodes not seen in an
 * interval are forgotten. Pure: loads come in.
 */
export const VOLATILITY_ALPHA = 0.2;
/** Changes a node must have shown before it counts. */
export const MIN_CHANGES = 5;

interface NodeState {
  last: number;
  meanSquare: number;
  changes: number;
}

export interface Volatility {
  /** Median over counted nodes of the smoothed change per interval, percentage points. */
  points: number;
  /** Nodes counted (with at least MIN_CHANGES changes). */
  nodes: number;
}

export class LoadVolatility {
  private readonly nodes = new Map<string, NodeState>();

  /** One interval's load per node, percent. */
  observe(loads: ReadonlyMap<string, number>): void {
    for (const name of [...this.nodes.keys()]) if (!loads.has(name)) this.nodes.delete(name);
    for (const [name, load] of loads) {
      const state = this.nodes.get(name);
      if (!state) {
        this.nodes.set(name, { last: load, meanSquare: 0, changes: 0 });
        continue;
      }
      const d = load - state.last;
      state.meanSquare =
        state.changes === 0 ? d * d : (1 - VOLATILITY_ALPHA) * state.meanSquare + VOLATILITY_ALPHA * d * d;
      state.last = load;
      state.changes++;
    }
  }

  /** Undefined until some node has shown MIN_CHANGES changes. */
  current(): Volatility | undefined {
    const values = [...this.nodes.values()]
      .filter((s) => s.changes >= MIN_CHANGES)
      .map((s) => Math.sqrt(s.meanSquare))
      .sort((a, b) => a - b);
    if (values.length === 0) return undefined;
    const mid = values.length >> 1;
    const points = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    return { points, nodes: values.length };
  }
}

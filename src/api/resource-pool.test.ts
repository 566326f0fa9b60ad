import { parseResourcePool, type ResourcePool } from './resource-pool.js';

const minimal = {
  apiVersion: 'fulcrum.io/v1alpha1',
  kind: 'ResourcePool',
  metadata: { name: 'general' },
  spec: { nodeSelector: { matchLabels: { 'fulcrum.io/pool': 'general' } } },
};

function parsed(object: unknown): ResourcePool {
  const result = parseResourcePool(object);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('parseResourcePool', () => {
  it('applies every default of the design to a minimal pool', () => {
    const { spec } = parsed(minimal);
    expect(spec.ceilings).toEqual({ cpu: 80, memory: 85, ephemeralStorage: 75, network: 70 });
    expect(spec.weights).toEqual({ cpu: 1, memory: 1, ephemeralStorage: 0.5, network: 0.5 });
    expect(spec.allocation).toEqual({ strategy: 'LeastLoaded', basis: 'Usage' });
    expect(spec.rebalancing).toEqual({
      mode: 'Enforce',
      interval: '15s',
      tolerance: 10,
      recoveryTolerance: 5,
      consecutive: 3,
      maxEvictionsPerCycle: 5,
      maxEvictionsPerNode: 1,
      maxEvictionsPerNamespace: 2,
      maxUrgentEvictionsPerCycle: 20,
      minPodAge: '2m',
      cooldown: '5m',
      metricsWindow: '1m',
      tuning: { mode: 'Off', minTolerance: 10, maxTolerance: 25, minInterval: '15s', maxInterval: '1m' },
    });
    expect(spec.failover).toEqual({
      mode: 'Enforce',
      probe: {
        type: 'TCP',
        port: 10250,
        period: '500ms',
        timeout: '250ms',
        failureThreshold: 3,
        successThreshold: 2,
      },
      fencing: 'OutOfServiceTaint',
      safeTime: '5m',
      maxUnhealthy: '30%',
    });
    expect(spec.optimization).toMatchObject({
      forecast: 'None',
      horizon: '10m',
      scaleRecommendations: false,
    });
    expect(spec.optimization.consolidation).toEqual({
      mode: 'Off',
      maxDrainingNodes: 1,
      maxEvictionsPerCycle: 10,
      minNodes: 1,
      drainTimeout: '10m',
    });
    expect(spec.optimization.scaleTarget).toBeUndefined();
    expect(spec.priorityLimits).toEqual({ defaultMaxPriority: 0 });
    expect(spec.eviction).toEqual({
      evictSystemCriticalPods: false,
      evictLocalStoragePods: false,
      evictPvcPods: false,
    });
  });

  it('keeps explicit values and fills the rest of a partly written section', () => {
    const { spec } = parsed({
      ...minimal,
      spec: { ...minimal.spec, ceilings: { cpu: 60 }, failover: { mode: 'Off' } },
    });
    expect(spec.ceilings).toEqual({ cpu: 60, memory: 85, ephemeralStorage: 75, network: 70 });
    expect(spec.failover.mode).toBe('Off');
    expect(spec.failover.probe.period).toBe('500ms');
  });

  it('fills apiVersion and kind when a list item lacks them', () => {
    const { apiVersion, kind } = parsed({ metadata: minimal.metadata, spec: minimal.spec });
    expect({ apiVersion, kind }).toEqual({ apiVersion: 'fulcrum.io/v1alpha1', kind: 'ResourcePool' });
  });

  it('keeps metadata fields it does not know (metadata passes through)', () => {
    const pool = parsed({ ...minimal, metadata: { name: 'general', finalizers: ['x'] } });
    expect(pool.metadata).toEqual({ name: 'general', finalizers: ['x'] });
  });

  it('drops a malformed status instead of refusing a valid spec', () => {
    const result = parseResourcePool({ ...minimal, status: { observedGeneration: 'seven' } });
    expect(result.ok && result.value.status).toBeUndefined();
  });

  it('keeps a well-formed status', () => {
    const status = {
      observedGeneration: 2,
      nodes: { total: 3, ready: 2 },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Valid', lastTransitionTime: '2025-01-01T00:00:00Z' },
      ],
    };
    expect(parsed({ ...minimal, status }).status).toEqual(status);
  });

  const failures: Array<{ scenario: string; spec: unknown; wantMessage: string }> = [
    {
      scenario: 'a ceiling over 100 names the field and the limit',
      spec: { ...minimal.spec, ceilings: { cpu: 120 } },
      wantMessage: 'spec.ceilings.cpu: must be at most 100',
    },
    {
      scenario: 'a ceiling of the wrong type says what was expected',
      spec: { ...minimal.spec, ceilings: { cpu: '80' } },
      wantMessage: 'spec.ceilings.cpu: must be a number (got string)',
    },
    {
      scenario: 'an unknown strategy lists the allowed ones',
      spec: { ...minimal.spec, allocation: { strategy: 'Random' } },
      wantMessage:
        'spec.allocation.strategy: must be one of RoundRobin, LeastLoaded, Weighted, BinPack (got "Random")',
    },
    {
      scenario: 'a missing nodeSelector is required',
      spec: {},
      wantMessage: 'spec.nodeSelector: is required',
    },
    {
      scenario: 'a cross-field rule reports on its field',
      spec: { ...minimal.spec, failover: { probe: { period: '1s', timeout: '1s' } } },
      wantMessage: 'spec.failover.probe.timeout: timeout must be shorter than period',
    },
    {
      scenario: 'a bad duration gives an example',
      spec: { ...minimal.spec, rebalancing: { interval: '15' } },
      wantMessage: 'spec.rebalancing.interval: must be a duration such as 500ms, 15s, 2m or 1h30m',
    },
    {
      scenario: 'an int-or-percent names both forms',
      spec: { ...minimal.spec, failover: { maxUnhealthy: '150%' } },
      wantMessage:
        'spec.failover.maxUnhealthy: must be a non-negative integer or a percentage from 0% to 100%',
    },
  ];
  it.each(failures)('$scenario', ({ spec, wantMessage }) => {
    const result = parseResourcePool({ ...minimal, spec });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe('InvalidSpec');
      expect(result.message).toContain(wantMessage);
    }
  });

  it('reports every offending field, not just the first', () => {
    const result = parseResourcePool({
      ...minimal,
      spec: { ...minimal.spec, ceilings: { cpu: 0, memory: 101 } },
    });
    expect(result.ok ? [] : result.issues.map((issue) => issue.field)).toEqual([
      'spec.ceilings.cpu',
      'spec.ceilings.memory',
    ]);
  });

  it('refuses an object of another kind', () => {
    const result = parseResourcePool({ ...minimal, kind: 'WorkloadPolicy' });
    expect(result.ok ? '' : result.message).toMatch(/^kind: /);
  });
});

import { parseWorkloadPolicy } from './workload-policy.js';

const minimal = {
  apiVersion: 'fulcrum.io/v1alpha1',
  kind: 'WorkloadPolicy',
  metadata: { name: 'checkout', namespace: 'checkout' },
  spec: { selector: { matchLabels: { app: 'checkout' } }, pool: 'general' },
};

describe('parseWorkloadPolicy', () => {
  it('applies the defaults to a minimal policy', () => {
    const result = parseWorkloadPolicy(minimal);
    expect(result.ok && result.value.spec).toEqual({
      selector: { matchLabels: { app: 'checkout' } },
      pool: 'general',
      priority: 0,
      movable: true,
      failover: 'Reschedule',
      failoverClass: 'Auto',
    });
  });

  const valid: Array<{ scenario: string; spec: Record<string, unknown> }> = [
    { scenario: 'minAvailable as a count', spec: { minAvailable: 2 } },
    { scenario: 'minAvailable as a percentage', spec: { minAvailable: '50%' } },
    { scenario: 'network request with a decimal suffix', spec: { network: { request: '200M' } } },
    { scenario: 'network request with a binary suffix', spec: { network: { request: '1.5Gi' } } },
    { scenario: 'network request as an integer', spec: { network: { request: 200_000_000 } } },
    { scenario: 'negative priority for preemptible work', spec: { priority: -10 } },
    {
      scenario: 'selector by expression only',
      spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } },
    },
  ];
  it.each(valid)('accepts $scenario', ({ spec }) => {
    const result = parseWorkloadPolicy({ ...minimal, spec: { ...minimal.spec, ...spec } });
    expect(result.ok ? '' : result.message).toBe('');
  });

  it('requires a namespace', () => {
    const result = parseWorkloadPolicy({ ...minimal, metadata: { name: 'checkout' } });
    expect(result.ok ? '' : result.message).toBe('metadata.namespace: is required');
  });

  it('names the field of a bad pool name', () => {
    const result = parseWorkloadPolicy({ ...minimal, spec: { ...minimal.spec, pool: 'General_Pool' } });
    expect(result.ok ? '' : result.message).toMatch(/^spec\.pool: must be a DNS-1123 subdomain/);
  });
});

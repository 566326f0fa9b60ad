import { probesHealthyCondition, probesUsable, type ProbeReportInput } from './probe-report.js';

const counts = (c: Partial<ProbeReportInput['counts']>): ProbeReportInput['counts'] => ({
  members: 10,
  answering: 0,
  failing: 0,
  refused: 0,
  pending: 0,
  ...c,
});

describe('ProbesHealthy', () => {
  const cases: Array<{
    scenario: string;
    input: ProbeReportInput;
    wantStatus: string;
    wantReason: string;
    wantUsable: boolean;
  }> = [
    {
      scenario: 'all answering',
      input: { probeType: 'TCP', counts: counts({ answering: 10 }) },
      wantStatus: 'True',
      wantReason: 'ProbesAnswering',
      wantUsable: true,
    },
    {
      scenario: 'a dead node fails its probe: still a working probe channel',
      input: { probeType: 'TCP', counts: counts({ answering: 9, failing: 1 }) },
      wantStatus: 'True',
      wantReason: 'ProbesAnswering',
      wantUsable: true,
    },
    {
      scenario: 'one address refused by the guard',
      input: { probeType: 'TCP', counts: counts({ answering: 9, refused: 1, example: 'n1: refused' }) },
      wantStatus: 'False',
      wantReason: 'SomeProbesRefused',
      wantUsable: true,
    },
    {
      scenario: 'most probes refused: the pool fails over on nothing',
      input: { probeType: 'HTTP', counts: counts({ answering: 4, refused: 6 }) },
      wantStatus: 'False',
      wantReason: 'ProbesRefused',
      wantUsable: false,
    },
    {
      scenario: 'settings that cannot start a prober',
      input: { probeType: 'TCP', settingsError: 'timeout 0s', counts: counts({ pending: 10 }) },
      wantStatus: 'False',
      wantReason: 'ProbeSettingsInvalid',
      wantUsable: false,
    },
    {
      scenario: 'Lease pools send no probes',
      input: { probeType: 'Lease', counts: counts({ pending: 10 }) },
      wantStatus: 'True',
      wantReason: 'LeaseOnly',
      wantUsable: true,
    },
  ];
  test.each(cases)('$scenario → $wantReason', ({ input, wantStatus, wantReason, wantUsable }) => {
    const condition = probesHealthyCondition({ ...input, generation: 3 });
    expect(condition).toMatchObject({ type: 'ProbesHealthy', status: wantStatus, reason: wantReason });
    expect(condition.observedGeneration).toBe(3);
    expect(probesUsable(input)).toBe(wantUsable);
  });

  test('the message carries the counts and an example refusal', () => {
    const c = probesHealthyCondition({
      probeType: 'TCP',
      counts: counts({ answering: 3, refused: 7, example: 'n4: probe address 169.254.169.254 refused' }),
    });
    expect(c.message).toContain('3 answering, 0 failing, 7 refused');
    expect(c.message).toContain('169.254.169.254');
    expect(c.message).toContain('fails over no node');
  });
});

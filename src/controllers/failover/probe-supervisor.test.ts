import { ProbeSchema, type Probe } from '../../api/index.js';
import { realClock } from '../../clock/clock.js';
import { silentLogger } from '../../logging/logger.js';
import { ProbeSupervisor } from './probe-supervisor.js';

/** A probe as stored, bypassing the schema (as a pool written before the schema refused it would be). */
function storedProbe(overrides: Partial<Probe>): Probe {
  return { ...ProbeSchema.parse({}), ...overrides };
}

describe('ProbeSupervisor isolates a pool whose probe settings cannot run', () => {
  test('timeout 0s: that pool is not probed and says why; the other pool probes; sync never throws', async () => {
    const observed: string[] = [];
    const supervisor = new ProbeSupervisor({
      clock: realClock,
      logger: silentLogger(),
      members: () => [],
      node: () => undefined,
      lease: () => undefined,
      onObservation: (pool) => observed.push(pool),
    });
    const stop = new AbortController();
    expect(() =>
      supervisor.sync(
        [
          { name: 'broken', probe: storedProbe({ timeout: '0s' }) },
          { name: 'good', probe: storedProbe({}) },
        ],
        stop.signal,
      ),
    ).not.toThrow();
    expect(supervisor.problem('broken')).toMatch(/probe settings of pool broken cannot be used/);
    expect(supervisor.problem('good')).toBeUndefined();
    // Fixing the settings clears the problem.
    supervisor.sync([{ name: 'broken', probe: storedProbe({ timeout: '100ms' }) }], stop.signal);
    expect(supervisor.problem('broken')).toBeUndefined();
    stop.abort();
    await supervisor.stopAll();
  });
});

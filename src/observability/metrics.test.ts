import { Registry } from 'prom-client';
import { FakeClock } from '../clock/fake-clock.js';
import { FakeListWatchSource } from '../kube/fake-list-watch-source.js';
import { Informer } from '../kube/informer.js';
import { WorkQueue } from '../kube/work-queue.js';
import { OperatorMetrics } from './metrics.js';

describe('OperatorMetrics', () => {
  test('exposes build info, leader, workqueue and informer metrics in the injected registry only', async () => {
    const registry = new Registry();
    const metrics = new OperatorMetrics(registry, { version: '1.2.3', commit: 'abc' });
    const clock = new FakeClock();
    const queue = new WorkQueue({ name: 'pools', clock, metrics: metrics.workQueue('pools') });
    queue.add('a');
    queue.add('b');
    queue.addRateLimited('c');
    const key = await queue.get();
    await clock.advance(250);
    queue.done(key!);
    const source = new FakeListWatchSource();
    source.apply({ metadata: { name: 'n1' } });
    const informer = new Informer({ name: 'nodes', source, clock });
    metrics.registerInformers([informer]);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await clock.advance(0);
    metrics.leader.set(1);

    const text = await registry.metrics();
    const want = [
      'fulcrum_build_info{version="1.2.3",commit="abc",node_version="',
      'fulcrum_leader 1',
      'workqueue_depth{name="pools"} 2', // b, and c after its 5 ms backoff
      'workqueue_adds_total{name="pools"} 3',
      'workqueue_retries_total{name="pools"} 1',
      'workqueue_work_duration_seconds_count{name="pools"} 1',
      'workqueue_work_duration_seconds_sum{name="pools"} 0.25',
      'fulcrum_informer_lists_total{resource="nodes",reason="initial"} 1',
      'fulcrum_informer_objects{resource="nodes"} 1',
      'fulcrum_informer_synced{resource="nodes"} 1',
      'fulcrum_informer_restarts_total{resource="nodes"} 0',
    ];
    for (const line of want) expect(text).toContain(line);
    stop.abort();
    await clock.advance(0);
    await running;
  });

  test('two instances with separate registries do not collide', () => {
    expect(() => {
      new OperatorMetrics(new Registry(), { version: 'a' });
      new OperatorMetrics(new Registry(), { version: 'b' });
    }).not.toThrow();
  });
});

import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import { ApiStatusError } from './errors.js';
import { EventRecorder } from './event-recorder.js';
import { FakeClock } from '../clock/fake-clock.js';

function fakeApi() {
  const calls: Array<{ op: 'create' | 'patch'; name: string; count: number | undefined }> = [];
  const expired = new Set<string>();
  const api = {
    async createNamespacedEvent({ body }: { namespace: string; body: CoreV1Event }) {
      calls.push({ op: 'create', name: body.metadata!.name!, count: body.count });
      return body;
    },
    async patchNamespacedEvent({ name, body }: { name: string; body: { count: number } }) {
      if (expired.has(name)) throw new ApiStatusError(404, 'not found');
      calls.push({ op: 'patch', name, count: body.count });
      return body;
    },
  };
  return { api: api as unknown as CoreV1Api, calls, expired };
}

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u1' } };

describe('EventRecorder', () => {
  test('a hot loop of one event makes one Event whose count is batched, not thousands of writes', async () => {
    const clock = new FakeClock();
    const { api, calls } = fakeApi();
    const recorder = new EventRecorder(api, { clock, minWriteIntervalMs: 10_000 });
    for (let i = 0; i < 1000; i++) {
      recorder.record(pod, 'Warning', 'EvictionBlocked', 'PDB refuses');
      await clock.advance(30); // 30 s in total
    }
    await recorder.flush();
    expect(calls[0]).toMatchObject({ op: 'create', count: 1 });
    expect(calls.length).toBeLessThanOrEqual(5);
    expect(calls.at(-1)?.count).toBe(1000);
    expect(new Set(calls.map((c) => c.name)).size).toBe(1);
  });

  test.each([
    {
      scenario: 'distinct messages beyond the burst are dropped',
      messages: 40,
      wantCreates: 25,
      wantDropped: 15,
    },
    { scenario: 'within the burst all are written', messages: 10, wantCreates: 10, wantDropped: 0 },
  ])('spam filter: $scenario', async ({ messages, wantCreates, wantDropped }) => {
    const clock = new FakeClock();
    const { api, calls } = fakeApi();
    const recorder = new EventRecorder(api, { clock });
    for (let i = 0; i < messages; i++) recorder.record(pod, 'Normal', 'Moved', `moved ${i}`);
    await recorder.flush();
    expect(calls.filter((c) => c.op === 'create')).toHaveLength(wantCreates);
    expect(recorder.dropped).toBe(wantDropped);
  });

  test('the spam filter refills one token per interval', async () => {
    const clock = new FakeClock();
    const { api, calls } = fakeApi();
    const recorder = new EventRecorder(api, { clock, burst: 1, refillIntervalMs: 60_000 });
    recorder.record(pod, 'Normal', 'A', 'one');
    recorder.record(pod, 'Normal', 'A', 'two');
    await clock.advance(60_000);
    recorder.record(pod, 'Normal', 'A', 'three');
    await recorder.flush();
    expect(calls.map((c) => c.op)).toEqual(['create', 'create']);
    expect(recorder.dropped).toBe(1);
  });

  test('a repeat after the aggregation window starts a new Event', async () => {
    const clock = new FakeClock();
    const { api, calls } = fakeApi();
    const recorder = new EventRecorder(api, { clock, aggregateWindowMs: 60_000 });
    recorder.record(pod, 'Normal', 'A', 'x');
    await clock.advance(61_000);
    recorder.record(pod, 'Normal', 'A', 'x');
    await recorder.flush();
    expect(calls.map((c) => c.op)).toEqual(['create', 'create']);
    expect(calls[0]!.name).not.toBe(calls[1]!.name);
  });

  test('an Event expired by the server is created again', async () => {
    const clock = new FakeClock();
    const { api, calls, expired } = fakeApi();
    const recorder = new EventRecorder(api, { clock, minWriteIntervalMs: 0 });
    recorder.record(pod, 'Normal', 'A', 'x');
    await recorder.flush();
    expired.add(calls[0]!.name);
    recorder.record(pod, 'Normal', 'A', 'x');
    await recorder.flush();
    expect(calls.map((c) => `${c.op}:${c.count}`)).toEqual(['create:1', 'create:2']);
  });
  test('flush waits for repeats recorded while a write was in flight', async () => {
    const clock = new FakeClock();
    const { api, calls } = fakeApi();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const create = api.createNamespacedEvent.bind(api);
    api.createNamespacedEvent = (async (args: Parameters<typeof create>[0]) => {
      await gate;
      return create(args);
    }) as typeof api.createNamespacedEvent;
    const recorder = new EventRecorder(api, { clock, minWriteIntervalMs: 200 });
    recorder.record(pod, 'Warning', 'HotLoop', 'again'); // starts the create, which hangs on the gate
    for (let i = 0; i < 39; i++) recorder.record(pod, 'Warning', 'HotLoop', 'again');
    const flushed = recorder.flush();
    release();
    await flushed;
    expect(calls.at(-1)).toMatchObject({ op: 'patch', count: 40 });
  });
});

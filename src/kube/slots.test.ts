import { Slots } from './slots.js';

/** A task that runs until `finish()` is called, recording when it started. */
function gate(started: string[], name: string): { task: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots: at most `size` tasks at once, the rest in arrival order', () => {
  test('starts up to size tasks at once and the next ones as slots free up, in order', async () => {
    const slots = new Slots(2);
    const started: string[] = [];
    const gates = ['a', 'b', 'c', 'd'].map((name) => gate(started, name));
    const results = gates.map((g) => slots.run(g.task));
    expect(started).toEqual(['a', 'b']); // synchronously, while slots are free
    expect(slots.queued).toBe(2);
    gates[1]!.finish();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[0]!.finish();
    await tick();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates[2]!.finish();
    gates[3]!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(slots.queued).toBe(0);
  });

  test('a failing task frees its slot and its error reaches the caller', async () => {
    const slots = new Slots(1);
    const failed = slots.run(() => Promise.reject(new Error('boom')));
    const next = slots.run(() => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  test('rejects a size below 1', () => {
    expect(() => new Slots(0)).toThrow('at least 1');
  });
});

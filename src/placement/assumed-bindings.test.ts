import { podInfoFromPod } from '../model/pod-info.js';
import { pod } from '../testing/builders.js';
import { AssumedBindings } from './assumed-bindings.js';

describe('AssumedBindings', () => {
  const pending = () => ({ ...podInfoFromPod(pod('p').obj()), uid: 'u1' });
  let now = 0;
  const bindings = () => new AssumedBindings(() => now, 30_000);

  beforeEach(() => (now = 0));

  it('keeps an assumed pod on its node while the informer still shows it unbound', () => {
    const assumed = bindings();
    assumed.assume(pending(), 'a');
    expect(assumed.view(pending()).nodeName).toBe('a');
    expect(assumed.size).toBe(1);
  });

  it('lets go once the informer shows the pod bound, terminating, or replaced', () => {
    for (const seen of [
      { ...pending(), nodeName: 'b' },
      { ...pending(), deleting: true },
      { ...pending(), uid: 'u2' },
    ]) {
      const assumed = bindings();
      assumed.assume(pending(), 'a');
      expect(assumed.view(seen)).toBe(seen);
      expect(assumed.size).toBe(0);
    }
  });

  it('expires an assumption whose binding never shows up', () => {
    const assumed = bindings();
    assumed.assume(pending(), 'a');
    now = 30_001;
    expect(assumed.view(pending()).nodeName).toBeUndefined();
    expect(assumed.nodeOf('default/p')).toBeUndefined();
  });

  it('forget drops the assumption at once', () => {
    const assumed = bindings();
    assumed.assume(pending(), 'a');
    assumed.forget('default/p');
    expect(assumed.view(pending()).nodeName).toBeUndefined();
  });
});

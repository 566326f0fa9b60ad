import { metricsSourceFromFlags } from './metrics-source-flag.js';

describe('metricsSourceFromFlags', () => {
  it.each([
    { name: 'metrics.k8s.io', kind: 'metrics-api', url: undefined, want: { kind: 'metrics-api' } },
    { name: 'kubelet summary', kind: 'kubelet-summary', url: undefined, want: { kind: 'kubelet-summary' } },
    {
      name: 'prometheus with its URL',
      kind: 'prometheus',
      url: 'http://127.0.0.1:9090',
      want: { kind: 'prometheus', url: 'http://127.0.0.1:9090' },
    },
  ])('$name', ({ kind, url, want }) => {
    expect(metricsSourceFromFlags(kind, url)).toEqual(want);
  });

  it.each([
    {
      name: 'unknown source',
      kind: 'statsd',
      url: undefined,
      wantError: /--metrics-source: expected one of/,
    },
    {
      name: 'prometheus without a URL',
      kind: 'prometheus',
      url: undefined,
      wantError: /needs --prometheus-url/,
    },
    { name: 'a URL that is not one', kind: 'prometheus', url: 'not a url', wantError: /not a URL/ },
    {
      name: 'a non-HTTP URL',
      kind: 'prometheus',
      url: 'ftp://127.0.0.1/',
      wantError: /must be http or https/,
    },
    { name: 'a URL without prometheus', kind: 'metrics-api', url: 'http://x', wantError: /only used with/ },
  ])('rejects $name', ({ kind, url, wantError }) => {
    expect(() => metricsSourceFromFlags(kind, url)).toThrow(wantError);
  });
});

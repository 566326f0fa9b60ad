/** `fulcrum run --metrics-source KIND [--prometheus-url URL]` as a MetricsSourceConfig. */
import type { MetricsSourceConfig } from '../metrics/index.js';

export const METRICS_SOURCE_KINDS = ['metrics-api', 'kubelet-summary', 'prometheus'] as const;

/** The source named by the flags; throws a message naming the flag when they do not make one. */
export function metricsSourceFromFlags(kind: string, prometheusUrl: string | undefined): MetricsSourceConfig {
  switch (kind) {
    case 'metrics-api':
    case 'kubelet-summary':
      if (prometheusUrl) throw new Error(`--prometheus-url is only used with --metrics-source prometheus`);
      return { kind };
    case 'prometheus': {
      if (!prometheusUrl) throw new Error('--metrics-source prometheus needs --prometheus-url');
      let url: URL;
      try {
        url = new URL(prometheusUrl);
      } catch {
        throw new Error(`--prometheus-url: not a URL: ${prometheusUrl}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`--prometheus-url: must be http or https, got ${url.protocol}`);
      return { kind, url: prometheusUrl };
    }
    default:
      throw new Error(`--metrics-source: expected one of ${METRICS_SOURCE_KINDS.join(', ')}, got ${kind}`);
  }
}

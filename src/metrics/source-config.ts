/**
 * Which metrics source the operator uses, as configuration (flags or a config file map onto this), and the
 * factory that builds it. One source per operator: every pool is measured the same way.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { CeilingResource } from '../model/resources.js';
import { KubeletSummarySource } from './kubelet-summary-source.js';
import { MetricsApiSource } from './metrics-api-source.js';
import { PrometheusSource } from './prometheus-source.js';
import type { MetricsSource } from './metrics-source.js';

export type MetricsSourceConfig =
  | { kind: 'metrics-api'; pods?: boolean; timeoutMs?: number }
  | { kind: 'kubelet-summary'; concurrency?: number; timeoutMs?: number }
  | {
      kind: 'prometheus';
      url: string;
      queries?: Partial<Record<CeilingResource, string | null>>;
      nodeLabel?: string;
      timeoutMs?: number;
    };

export interface MetricsSourceDeps {
  kubeConfig: KubeConfig;
  /** Nodes to measure, for sources that ask node by node (kubelet summary). */
  nodes: () => Iterable<string>;
}

export function createMetricsSource(config: MetricsSourceConfig, deps: MetricsSourceDeps): MetricsSource {
  switch (config.kind) {
    case 'metrics-api':
      return new MetricsApiSource(deps.kubeConfig, config);
    case 'kubelet-summary':
      return new KubeletSummarySource(deps.kubeConfig, { ...config, nodes: deps.nodes });
    case 'prometheus':
      return new PrometheusSource(config);
  }
}

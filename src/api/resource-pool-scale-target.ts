/**
 * ResourcePool spec.optimization.scaleTarget: an object with a scale subresource (a Cluster API
 * MachineDeployment, a MachineSet, or anything else serving /scale) whose replicas are the pool's nodes.
 */
import { z } from 'zod';
import { dns1123Subdomain, duration, namespaceName } from './common.js';
import { EnforcementModeSchema } from './resource-pool-rebalancing.js';
import { withRules } from './validation-rule.js';

/** `group/version` or `version` (the core group), as in apiVersion. */
const API_VERSION_PATTERN =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;

export const ScaleTargetSchema = withRules(
  z.object({
    mode: EnforcementModeSchema.default('Off').describe(
      'Off (the default) changes nothing; DryRun reports the replica count it would set (Event, ' +
        'status.scaleTarget); Enforce writes it to the scale subresource.',
    ),
    apiVersion: z
      .string()
      .max(253)
      .regex(API_VERSION_PATTERN, 'must be an apiVersion such as cluster.x-k8s.io/v1beta1 or apps/v1')
      .describe('apiVersion of the target, for example cluster.x-k8s.io/v1beta1.'),
    kind: z
      .string()
      .max(63)
      .regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a kind such as MachineDeployment')
      .describe('Kind of the target, for example MachineDeployment; it must serve the scale subresource.'),
    namespace: namespaceName.describe('Namespace of the target.'),
    name: dns1123Subdomain.describe('Name of the target.'),
    minReplicas: z.int().min(0).max(10000).default(1).describe('Fewest replicas Fulcrum sets (default 1).'),
    maxReplicas: z.int().min(1).max(10000).describe('Most replicas Fulcrum sets; required.'),
    cooldown: duration
      .default('5m')
      .describe('Least time between two changes Fulcrum makes to the replicas (default 5m).'),
  }),
  [
    {
      rule: 'self.minReplicas <= self.maxReplicas',
      message: 'minReplicas must not exceed maxReplicas',
      fieldPath: '.minReplicas',
      holds: (t) => t.minReplicas <= t.maxReplicas,
    },
  ],
).describe(
  "An object whose replicas are this pool's nodes, resized through its scale subresource by the pool's " +
    'node-count recommendation (status.recommendation.nodes; needs scaleRecommendations), one replica per ' +
    'node, clamped to minReplicas..maxReplicas. Scaling down removes whichever machine the target picks: pair ' +
    'it with consolidation, which empties nodes first.',
);

export type ScaleTarget = z.output<typeof ScaleTargetSchema>;

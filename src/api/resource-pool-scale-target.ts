/**
 * ResourcePool spec.optimization.scaleTarget: an object with a scale subresource (a Cluster API
 * MachineDeployment, a MachineSet, or anything else serving /scale) whose replicas are the pool's nodes, and
 * status.scaleTarget, what was done with it (field manager `fulcrum-scaler`).
 */
import { z } from 'zod';
import { dns1123Subdomain, duration, namespaceName, timestamp } from './field-schemas.js';
import { EnforcementModeSchema } from './resource-pool-rebalancing.js';
import { withRules } from './validation-rule.js';

/** `group/version`, as in apiVersion; the core group (a bare version) serves no scalable kind. */
const API_VERSION_PATTERN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/v[0-9]+((alpha|beta)[0-9]+)?$/;

export const ScaleTargetSchema = withRules(
  z.object({
    mode: EnforcementModeSchema.default('Off').describe(
      'Off (the default) changes nothing; DryRun reports the replica count it would set (Event, ' +
        'status.scaleTarget) and writes nothing; Enforce sets it on the scale subresource, through the ' +
        "operator's budgeted actuator (at most 5 changes per pool per 10 minutes).",
    ),
    apiVersion: z
      .string()
      .max(253)
      .regex(API_VERSION_PATTERN, 'must be an apiVersion such as cluster.x-k8s.io/v1beta1 or apps/v1')
      .describe('apiVersion of the target, group/version, for example cluster.x-k8s.io/v1beta1 or apps/v1.'),
    kind: z
      .string()
      .max(63)
      .regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a kind such as MachineDeployment')
      .describe(
        'Kind of the target, for example MachineDeployment; it must serve the scale subresource, and the ' +
          'operator needs get and patch on <resource>/scale of it (not granted by the install: add a Role).',
      ),
    namespace: namespaceName.describe('Namespace of the target (namespaced kinds only).'),
    name: dns1123Subdomain.describe('Name of the target.'),
    minReplicas: z.int().min(0).max(10000).default(1).describe('Fewest replicas Fulcrum sets (default 1).'),
    maxReplicas: z.int().min(1).max(10000).describe('Most replicas Fulcrum sets; required.'),
    cooldown: duration
      .default('5m')
      .describe(
        'Least time between two changes Fulcrum makes to the replicas (default 5m), so nodes being added ' +
          'have time to join before the recommendation is read again.',
      ),
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
  "An object whose replicas are this pool's nodes, resized through its scale subresource to the pool's " +
    'node-count recommendation (status.recommendation.nodes; needs scaleRecommendations), one replica per ' +
    'node, clamped to minReplicas..maxReplicas. Nothing is set while the recommendation is withheld (stale ' +
    'metrics). Scaling down removes whichever machine the target picks: pair it with consolidation, which ' +
    'empties nodes first.',
);

export const ScaleTargetStatusSchema = z
  .object({
    target: z.string().max(512).optional().describe('The target, as Kind namespace/name.'),
    replicas: z.int().min(0).optional().describe('Replicas the target had when last read.'),
    desiredReplicas: z
      .int()
      .min(0)
      .optional()
      .describe('Replicas the recommendation asks for, within minReplicas..maxReplicas.'),
    lastScaleTime: timestamp
      .optional()
      .describe('When Fulcrum last changed (in DryRun: would have changed) the replicas.'),
    message: z.string().max(1024).optional().describe('What was done or why not, in words.'),
  })
  .describe('The scale target (spec.optimization.scaleTarget): what Fulcrum did with it last, and why.');

export type ScaleTarget = z.output<typeof ScaleTargetSchema>;
export type ScaleTargetStatus = z.output<typeof ScaleTargetStatusSchema>;

/**
 * Building blocks shared by the Fulcrum kinds: Kubernetes-shaped label selectors, quantities, int-or-percent
 * values, durations, names and conditions. Each carries the constraints the API server enforces.
 */
import { z } from 'zod';
import { celIsDuration, DURATION_PATTERN, parseDuration } from './duration.js';
import { withRules } from './validation-rule.js';

/** A DNS-1123 subdomain, the shape of most object names (ResourcePool names included). */
export const DNS1123_SUBDOMAIN_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A DNS-1123 label, the shape of namespace names. */
export const DNS1123_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A label value: empty, or up to 63 alphanumerics with `-_.` inside. */
export const LABEL_VALUE_PATTERN = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** A non-negative Kubernetes quantity ("200M", "1.5Gi", "100e6"): apimachinery's grammar without the sign. */
export const NON_NEGATIVE_QUANTITY_PATTERN =
  /^(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
/** "0%" to "100%". */
export const PERCENT_PATTERN = /^(100|[1-9]?[0-9])%$/;

export const dns1123Subdomain = z
  .string()
  .max(253)
  .regex(DNS1123_SUBDOMAIN_PATTERN, 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and "."');

export const namespaceName = z
  .string()
  .max(63)
  .regex(DNS1123_LABEL_PATTERN, 'must be a namespace name: lowercase letters, digits and "-"');

/** Qualified name of a label or annotation key ("fulcrum.io/weight"); length only, like the selector keys. */
export const labelKey = z.string().min(1).max(316);

/** A Go-style duration string such as "500ms", "15s" or "1h30m". */
export const duration = z
  .string()
  .max(32)
  .regex(DURATION_PATTERN, 'must be a duration such as 500ms, 15s, 2m or 1h30m');

/** A duration of at least `minimum` (a duration string), checked by the API server with CEL too. */
export function durationAtLeast(minimum: string) {
  return withRules(duration, [
    {
      rule: `!${celIsDuration('self')} || duration(self) >= duration('${minimum}')`,
      message: `must be at least ${minimum}`,
      holds: (value) => !DURATION_PATTERN.test(value) || parseDuration(value) >= parseDuration(minimum),
    },
  ]);
}

/** A duration between `minimum` and `maximum` (duration strings), checked by the API server with CEL too. */
export function durationBetween(minimum: string, maximum: string) {
  return withRules(duration, [
    {
      rule:
        `!${celIsDuration('self')} || ` +
        `(duration(self) >= duration('${minimum}') && duration(self) <= duration('${maximum}'))`,
      message: `must be between ${minimum} and ${maximum}`,
      holds: (value) =>
        !DURATION_PATTERN.test(value) ||
        (parseDuration(value) >= parseDuration(minimum) && parseDuration(value) <= parseDuration(maximum)),
    },
  ]);
}

const INT_OR_PERCENT_MESSAGE = 'must be a non-negative integer or a percentage from 0% to 100%';

/** A count or a percentage of a total, like a PodDisruptionBudget's minAvailable ("2" or "30%"). */
export const intOrPercent = z.union(
  [z.int().min(0, INT_OR_PERCENT_MESSAGE), z.string().regex(PERCENT_PATTERN, INT_OR_PERCENT_MESSAGE)],
  { error: INT_OR_PERCENT_MESSAGE },
);

const QUANTITY_MESSAGE = 'must be a non-negative quantity such as 200M, 1.5G or 200000000';

/** A non-negative quantity, as a string ("200M") or an integer (200000000). */
export const quantity = z.union(
  [
    z.int().min(0, QUANTITY_MESSAGE),
    z.string().max(64, QUANTITY_MESSAGE).regex(NON_NEGATIVE_QUANTITY_PATTERN, QUANTITY_MESSAGE),
  ],
  { error: QUANTITY_MESSAGE },
);

/** A percentage of allocatable capacity, 1 to 100. */
export function percentOfAllocatable(defaultValue: number) {
  return z.number().min(1).max(100).default(defaultValue);
}

export const labelSelectorRequirement = withRules(
  z.object({
    key: labelKey.describe('The label key that the requirement applies to.'),
    operator: z
      .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'])
      .describe("How the key's value is compared with values: In, NotIn, Exists or DoesNotExist."),
    values: z
      .array(z.string().max(63).regex(LABEL_VALUE_PATTERN, 'must be a label value'))
      .max(64)
      .optional()
      .describe('Label values; non-empty for In and NotIn, empty for Exists and DoesNotExist.'),
  }),
  [
    {
      rule:
        "self.operator in ['In', 'NotIn'] ? (has(self.values) && size(self.values) > 0) " +
        ': (!has(self.values) || size(self.values) == 0)',
      message: 'values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist',
      fieldPath: '.values',
      holds: (requirement) =>
        requirement.operator === 'In' || requirement.operator === 'NotIn'
          ? (requirement.values?.length ?? 0) > 0
          : (requirement.values?.length ?? 0) === 0,
    },
  ],
);

/**
 * A Kubernetes label selector (matchLabels and matchExpressions, ANDed) that must select something: an empty
 * selector matches everything, which is never what a pool or a policy means.
 */
export const nonEmptyLabelSelector = withRules(
  z.object({
    matchLabels: z
      .record(z.string(), z.string().max(63).regex(LABEL_VALUE_PATTERN, 'must be a label value'))
      .optional()
      .meta({ maxProperties: 64 })
      .describe('Labels that must all be present with exactly these values.'),
    matchExpressions: z
      .array(labelSelectorRequirement)
      .max(32)
      .optional()
      .describe('Requirements on labels that must all hold.'),
  }),
  [
    {
      rule:
        '(has(self.matchLabels) && size(self.matchLabels) > 0) || ' +
        '(has(self.matchExpressions) && size(self.matchExpressions) > 0)',
      message:
        'must select something: set matchLabels or matchExpressions (an empty selector matches everything)',
      holds: (selector) =>
        Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions?.length ?? 0) > 0,
    },
  ],
);

/** An RFC 3339 timestamp, as the operator writes it (`new Date().toISOString()`). */
export const timestamp = z.iso.datetime({ offset: true });

/** The shape of metav1.Condition, so kubectl, kstatus and GitOps tools read Fulcrum conditions as usual. */
export const condition = z.object({
  type: z.string().min(1).max(316).describe('Type of the condition, in CamelCase (for example Ready).'),
  status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition: True, False or Unknown.'),
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
    .describe('Machine-readable CamelCase reason for the last transition.'),
  message: z.string().max(32768).optional().describe('Human-readable details of the last transition.'),
  lastTransitionTime: timestamp.describe('When the status last changed.'),
  observedGeneration: z
    .int()
    .min(0)
    .optional()
    .describe('metadata.generation of the object that the condition was computed from.'),
});

/** A list of conditions keyed by type, so server-side apply merges them per type. */
export const conditions = z
  .array(condition)
  .max(16)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

/** Object metadata as far as Fulcrum reads it; everything else passes through untouched. */
export const objectMeta = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export type LabelSelector = z.output<typeof nonEmptyLabelSelector>;
export type LabelSelectorRequirement = z.output<typeof labelSelectorRequirement>;
export type Condition = z.output<typeof condition>;
export type IntOrPercent = z.output<typeof intOrPercent>;
export type Quantity = z.output<typeof quantity>;

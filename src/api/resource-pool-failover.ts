/**
 * ResourcePool spec.failover: active node probes, fencing, and the partition guard.
 */
import { z } from 'zod';
import { durationBetween, intOrPercent, labelKey } from './field-schemas.js';
import { celIsDuration, isDuration, parseDuration } from './duration.js';
import { EnforcementModeSchema } from './resource-pool-rebalancing.js';
import { withRules } from './validation-rule.js';

export const ProbeTypeSchema = z.enum(['TCP', 'HTTP', 'Lease']);

export const ProbeSchema = withRules(
  z.object({
    type: ProbeTypeSchema.default('TCP').describe(
      'TCP connects to port, HTTP expects a 2xx from GET path on port, Lease watches the renewals of the ' +
        "node's Lease in kube-node-lease (no traffic to the node). Default TCP.",
    ),
    port: z
      .int()
      .min(1)
      .max(65535)
      .default(10250)
      .describe('Port probed by TCP and HTTP probes (default 10250, the kubelet). Ignored for Lease.'),
    path: z
      .string()
      .max(1024)
      .regex(/^\//, 'must start with /')
      .optional()
      .describe('HTTP path requested by HTTP probes (default /). Only valid with type HTTP.'),
    addressAnnotation: labelKey
      .optional()
      .describe(
        'Node annotation holding the address to probe (an IP, optionally with :port), for nodes whose ' +
          'InternalIP is not reachable from the operator. When omitted, the annotation fulcrum.io/probe-address ' +
          'is read; a node without the annotation is probed at its InternalIP. An annotated address that is ' +
          "not one of the node's own is probed only inside the operator's --probe-allow-cidrs (none by " +
          'default); link-local and cloud metadata addresses never are.',
      ),
    period: durationBetween('100ms', '10m')
      .default('500ms')
      .describe('Time between probes (100ms to 10m, default 500ms).'),
    timeout: durationBetween('50ms', '1m')
      .default('250ms')
      .describe(
        'How long one probe may take before it fails (50ms to 1m, default 250ms). Must be shorter than ' +
          'period. Below 50ms a healthy node under load would look dead.',
      ),
    failureThreshold: z
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe(
        'Consecutive failed probes before a node counts as failed (>= 1, default 3): failure is detected ' +
          'within failureThreshold x period.',
      ),
    successThreshold: z
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe(
        'Consecutive successful probes before a failed node counts as healthy again (>= 1, default 2).',
      ),
  }),
  [
    {
      rule:
        `!${celIsDuration('self.timeout')} || !${celIsDuration('self.period')} || ` +
        'duration(self.timeout) < duration(self.period)',
      message: 'timeout must be shorter than period',
      fieldPath: '.timeout',
      holds: (p) =>
        !isDuration(p.timeout) || !isDuration(p.period) || parseDuration(p.timeout) < parseDuration(p.period),
    },
    {
      rule: "!has(self.path) || self.type == 'HTTP'",
      message: 'path is only valid for HTTP probes',
      fieldPath: '.path',
      holds: (p) => p.path === undefined || p.type === 'HTTP',
    },
  ],
).describe('Active health probe the operator sends to every node of the pool.');

export const FailoverSchema = z
  .object({
    mode: EnforcementModeSchema.default('Enforce').describe(
      'Enforce fences failed nodes and reschedules their pods (default), DryRun only reports what it would do, ' +
        'Off disables failover (Kubernetes then evicts after its own ~5 minutes).',
    ),
    probe: ProbeSchema.prefault({}),
    fencing: z
      .enum(['OutOfServiceTaint', 'CordonOnly'])
      .default('OutOfServiceTaint')
      .describe(
        'How a failed node is fenced: it is always cordoned and annotated fulcrum.io/fenced-by before any pod ' +
          'is deleted. With OutOfServiceTaint (default) it also gets node.kubernetes.io/out-of-service=' +
          'nodeshutdown:NoSchedule, but only once it is confirmed down (see safeTime), so that its volumes ' +
          'detach and terminating pods are released. CordonOnly never taints.',
      ),
    safeTime: durationBetween('10s', '24h')
      .default('5m')
      .describe(
        "How long a failed node's probe must fail and its kubelet Lease go unrenewed before the node counts " +
          'as confirmed down and its at-most-once pods (WorkloadPolicy failoverClass; by default StatefulSet ' +
          'pods, pods with a PersistentVolumeClaim and pods without a controller) are released with the ' +
          'out-of-service taint and a force delete (10s to 24h, default 5m, as long as Kubernetes waits ' +
          'before evicting). Set it to the time in which a node cut off from the control plane is sure to ' +
          'have stopped its containers (a watchdog or self-node-remediation reboot). A fence agent that sets ' +
          'the node annotation fulcrum.io/fence-confirmed (RFC 3339 time) releases them at once; so does the ' +
          "Node's deletion.",
      ),
    maxUnhealthy: intOrPercent
      .default('30%')
      .describe(
        'Nodes (count or percent of the pool) that may fail at once (default 30%). A percentage rounds down ' +
          'but a non-zero one allows at least 1 node; never the whole pool (a 1-node pool never fails over). ' +
          'Beyond it a network partition is suspected: nothing is fenced and the pool reports ' +
          'PartitionSuspected=True.',
      ),
  })
  .describe('Detecting failed nodes with active probes and moving their pods within seconds.');

export type ProbeType = z.output<typeof ProbeTypeSchema>;
export type Probe = z.output<typeof ProbeSchema>;
export type Failover = z.output<typeof FailoverSchema>;

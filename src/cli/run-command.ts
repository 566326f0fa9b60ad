import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { newKubeConfig, type RequestRateLimit } from '../kube/throttled-kubeconfig.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { metricsSourceFromFlags } from './metrics-source-flag.js';
import { allowCidrs } from '../probes/index.js';
import { selfSignedCertificate } from '../observability/self-signed-cert.js';
import { createOperator, type OperatorOptions } from '../runtime/operator.js';
import { runUntilSignalled } from '../runtime/signals.js';

const HELP = `Usage: fulcrum run [flags]

Flags:
  --kubeconfig PATH          kubeconfig to use (default: $KUBECONFIG, then in-cluster, then ~/.kube/config)
  --health-address H:P       serve /healthz, /readyz here (default 0.0.0.0:8080); also /metrics in plain
                             HTTP unless --metrics-address is given (local runs)
  --metrics-address H:P      serve /metrics on a port of its own (the installs use 0.0.0.0:8443)
  --metrics-secure BOOL      with --metrics-address: HTTPS, and only callers whose token passes a TokenReview
                             and a SubjectAccessReview for get /metrics (default true)
  --metrics-cert-dir DIR     tls.crt and tls.key for the secure metrics server (default: a self-signed
                             certificate made at start)
  --leader-elect BOOL        compete for a Lease; only the holder acts (default true)
  --lease-namespace NS       namespace of the leader Lease (default $POD_NAMESPACE or fulcrum-system)
  --lease-name NAME          name of the leader Lease (default fulcrum-leader)
  --identity ID              this replica's identity in the Lease (default <hostname>_<random>)
  --lease-duration DUR       seconds others wait before taking over (default 15)
  --renew-deadline DUR       seconds the leader keeps acting without renewing (default 10)
  --retry-period DUR         seconds between acquire/renew attempts (default 2)
  --failover BOOL            probe pool nodes, fence failed ones, reschedule their pods (default true)
  --probe-allow-cidrs LIST   comma-separated CIDRs a node annotation may redirect a failover probe to
                             (default none: nodes are probed at their own addresses, which needs no flag;
                             link-local and metadata addresses are refused whatever this says)
  --rebalance BOOL           move pods off hot nodes per each pool's spec.rebalancing (default true)
  --metrics-source KIND      usage for rebalancing: metrics-api (metrics.k8s.io, default), kubelet-summary
                             (node proxy /stats/summary) or prometheus (needs --prometheus-url)
  --prometheus-url URL       Prometheus HTTP API base URL, e.g. http://prometheus.monitoring:9090
  --kube-api-qps N           requests per second to the API server, shared by every client (default 0: no
                             client-side limit; the API server's priority and fairness still applies)
  --kube-api-burst N         requests allowed at once above --kube-api-qps (default 2 × qps)
  --log-level LEVEL          trace, debug, info, warn, error (default info)
  --log-format FORMAT        json or text (default json)`;

export async function runCommand(args: string[]): Promise<number> {
  // 1. Parse the flags; --help stops here.
  const values = parseRunFlags(args);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  // 2. The logger and the kubeconfig (the request rate limit is checked first, then the file is read).
  const logger = createLogger({ level: values['log-level'], pretty: values['log-format'] === 'text' });
  const kubeConfig = loadKubeConfig(
    values.kubeconfig,
    requestRateLimit(values['kube-api-qps'], values['kube-api-burst']),
  );
  // 3. The operator, from the remaining flags (checked in the order they are read), run until a signal.
  const operator = createOperator(operatorOptions(values, kubeConfig, logger));
  logger.info(
    {
      server: kubeConfig.getCurrentCluster()?.server,
      host: hostname(),
      identity: operator.elector?.identity,
    },
    'starting fulcrum',
  );
  await runUntilSignalled((signal) => operator.start(signal), logger);
  return 0;
}

type RunFlags = ReturnType<typeof parseRunFlags>;

function parseRunFlags(args: string[]) {
  return parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' },
      'health-address': { type: 'string', default: '0.0.0.0:8080' },
      'metrics-address': { type: 'string' },
      'metrics-secure': { type: 'string', default: 'true' },
      'metrics-cert-dir': { type: 'string' },
      'leader-elect': { type: 'string', default: 'true' },
      'lease-namespace': { type: 'string', default: process.env.POD_NAMESPACE ?? 'fulcrum-system' },
      'lease-name': { type: 'string', default: 'fulcrum-leader' },
      identity: { type: 'string' },
      'lease-duration': { type: 'string', default: '15' },
      'renew-deadline': { type: 'string', default: '10' },
      'retry-period': { type: 'string', default: '2' },
      failover: { type: 'string', default: 'true' },
      'probe-allow-cidrs': { type: 'string', default: '' },
      rebalance: { type: 'string', default: 'true' },
      'metrics-source': { type: 'string', default: 'metrics-api' },
      'prometheus-url': { type: 'string' },
      'kube-api-qps': { type: 'string', default: '0' },
      'kube-api-burst': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'log-format': { type: 'string', default: 'json' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

function operatorOptions(values: RunFlags, kubeConfig: KubeConfig, logger: Logger): OperatorOptions {
  const [host, port] = splitAddress(values['health-address'], '--health-address');
  const metrics = metricsServing(values);
  const failover = failoverOptions(values);
  const rebalancing = rebalancingOptions(values);
  return {
    kubeConfig,
    logger,
    health: { host, port },
    ...(metrics ? { metrics } : {}),
    ...(failover ? { failover } : {}),
    ...(rebalancing ? { rebalancing } : {}),
    // The operator's own pods are never evicted: they run in $POD_NAMESPACE (set by both installs). Out of
    // a cluster there is no such namespace; the Lease's may hold workloads and is not assumed to be ours.
    ...(process.env.POD_NAMESPACE ? { namespace: process.env.POD_NAMESPACE } : {}),
    leaderElection: leaderElectionOptions(values),
  };
}

/** The failover options, or undefined when --failover=false. */
function failoverOptions(values: RunFlags): OperatorOptions['failover'] {
  if (!parseBool(values.failover, '--failover')) return undefined;
  return {
    probeRedirects: allowCidrs(listFlag(values['probe-allow-cidrs'])),
    // Both installs set $NODE_NAME from spec.nodeName: the operator never fails over its own node.
    ...(process.env.NODE_NAME ? { ownNode: process.env.NODE_NAME } : {}),
  };
}

/** The rebalancing options, or undefined when --rebalance=false. */
function rebalancingOptions(values: RunFlags): OperatorOptions['rebalancing'] {
  if (!parseBool(values.rebalance, '--rebalance')) return undefined;
  return { metricsSource: metricsSourceFromFlags(values['metrics-source'], values['prometheus-url']) };
}

function leaderElectionOptions(values: RunFlags): NonNullable<OperatorOptions['leaderElection']> {
  return {
    enabled: parseBool(values['leader-elect'], '--leader-elect'),
    namespace: values['lease-namespace'],
    name: values['lease-name'],
    identity: values.identity ?? undefined,
    leaseDurationMs: seconds(values['lease-duration'], '--lease-duration'),
    renewDeadlineMs: seconds(values['renew-deadline'], '--renew-deadline'),
    retryPeriodMs: seconds(values['retry-period'], '--retry-period'),
  };
}

function loadKubeConfig(path: string | undefined, limit: RequestRateLimit): KubeConfig {
  const kc = newKubeConfig(limit);
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

function requestRateLimit(qpsText: string, burstText: string | undefined): RequestRateLimit {
  const qps = Number(qpsText);
  if (!Number.isFinite(qps) || qps < 0)
    throw new Error(`--kube-api-qps must be a number of at least 0, got "${qpsText}"`);
  const burst = burstText === undefined ? Math.max(1, Math.ceil(2 * qps)) : Number(burstText);
  if (!Number.isInteger(burst) || burst < 1)
    throw new Error(`--kube-api-burst must be a whole number of at least 1, got "${burstText}"`);
  return { qps, burst };
}

/** Where and how /metrics is served apart from the probes, or undefined to serve it on the health port. */
function metricsServing(values: {
  'metrics-address'?: string;
  'metrics-secure': string;
  'metrics-cert-dir'?: string;
}): OperatorOptions['metrics'] {
  const address = values['metrics-address'];
  if (address === undefined) return undefined;
  const [host, port] = splitAddress(address, '--metrics-address');
  if (!parseBool(values['metrics-secure'], '--metrics-secure')) return { host, port };
  const dir = values['metrics-cert-dir'];
  const certificate = dir
    ? { cert: readFileSync(join(dir, 'tls.crt'), 'utf8'), key: readFileSync(join(dir, 'tls.key'), 'utf8') }
    : selfSignedCertificate('fulcrum-metrics', [hostname(), 'localhost', '127.0.0.1']);
  return { host, port, certificate };
}

function splitAddress(address: string, flag: string): [string, number] {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${flag} must be HOST:PORT, got "${address}"`);
  }
  return [address.slice(0, at) || '0.0.0.0', port];
}

function parseBool(text: string, flag: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`${flag} must be true or false, got "${text}"`);
}

function seconds(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${flag} must be a positive number of seconds, got "${text}"`);
  return Math.round(value * 1000);
}

/** "a, b,,c" → ["a", "b", "c"]; an empty flag is an empty list. */
function listFlag(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

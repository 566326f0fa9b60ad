import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterSnapshotFromObjects, type ClusterSnapshot } from '../simulate/cluster-snapshot.js';
import { readClusterSnapshot } from '../simulate/cluster-reader.js';
import { SimulationInputError } from '../simulate/input-error.js';
import { readManifests, type SourcedObject } from '../simulate/manifests.js';
import { pendingPodsFromObjects } from '../simulate/pending-pods.js';
import { formatReport, OUTPUT_FORMATS, type OutputFormat } from '../simulate/report-format.js';
import { simulate } from '../simulate/simulate.js';
import { parseUsageTrace } from '../simulate/what-if/usage-trace.js';
import { formatWhatIf } from '../simulate/what-if/what-if-format.js';
import { whatIf } from '../simulate/what-if/what-if.js';
import { RESOURCE_POOL_KIND, type ResourcePool } from '../api/index.js';

const HELP = `Usage: fulcrum simulate (--kubeconfig FILE | --cluster FILE) [--pending FILE]... [flags]
       fulcrum simulate --what-if TRACE --pool FILE [-o FMT]

Places pending pods with Fulcrum's own placement engine, on a snapshot of a cluster, and prints in
placement order where each would go and why, or why it cannot, and the pods preemption would evict.
Nothing is written to any cluster.

Flags:
  --kubeconfig FILE   read the snapshot from this cluster (nodes, pods, ResourcePools, WorkloadPolicies,
                      PodDisruptionBudgets, PriorityClasses; one list each)
  --cluster FILE      read the snapshot from a YAML file of those objects, for example the output of
                      kubectl get nodes,pods,rpool,wpol,pdb,priorityclass -A -o yaml   ('-' reads stdin)
  --pending FILE      pods to place: Pods, or Deployments, ReplicaSets and StatefulSets (one pod per
                      replica); repeatable. The snapshot's own unbound pods with schedulerName fulcrum
                      are always placed too.
  --what-if TRACE     replay a usage trace (kind UsageTrace, YAML or JSON; see docs/simulate.md) against the
                      ResourcePool in --pool, reactive vs forecast-based rebalancing, with consolidation and
                      the recommended node counts: a summary, a table and a chart over time
  --pool FILE         the ResourcePool a --what-if replay runs (one ResourcePool document)
  -o, --output FMT    table (default), json or yaml

Exit status: 0 when the simulation ran (whatever it found), 1 on bad input, 2 on a usage error.`;

/** Thrown for flags that do not make sense together; exit status 2. */
class UsageError extends Error {}

export async function simulateCommand(args: string[]): Promise<number> {
  try {
    return await runSimulation(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`fulcrum simulate: ${error.message}\n\n${HELP}`);
      return 2;
    }
    if (error instanceof SimulationInputError) {
      console.error(`fulcrum simulate: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function runSimulation(args: string[]): Promise<number> {
  const values = parseFlags(args);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const output = values.output as OutputFormat;
  if (!OUTPUT_FORMATS.includes(output)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}, got "${output}"`);
  }
  if (values['what-if'] !== undefined || values.pool !== undefined) return runWhatIf(values, output);
  if ((values.kubeconfig === undefined) === (values.cluster === undefined)) {
    throw new UsageError('give exactly one of --kubeconfig and --cluster');
  }
  const pending = pendingPodsFromObjects((values.pending ?? []).flatMap(readManifestFile));
  const cluster = await readSnapshot(values.kubeconfig, values.cluster);
  const report = simulate({ cluster, pending, now: Date.now() });
  process.stdout.write(formatReport(report, output));
  return 0;
}

/** `--what-if TRACE --pool FILE`: the trace replayed against the pool (simulate/what-if/). */
function runWhatIf(values: ReturnType<typeof parseFlags>, output: OutputFormat): number {
  const tracePath = values['what-if'];
  const poolPath = values.pool;
  if (tracePath === undefined || poolPath === undefined)
    throw new UsageError('--what-if and --pool go together');
  if (values.kubeconfig !== undefined || values.cluster !== undefined || values.pending !== undefined)
    throw new UsageError('--what-if takes no --kubeconfig, --cluster or --pending');
  const trace = parseUsageTrace(readText(tracePath), tracePath === '-' ? 'stdin' : tracePath);
  const pool = poolOf(readManifestFile(poolPath), poolPath);
  process.stdout.write(formatWhatIf(whatIf(trace, pool), output));
  return 0;
}

/** The one ResourcePool of a --pool file, parsed with every default (what the API server would store). */
function poolOf(objects: SourcedObject[], path: string): ResourcePool {
  const pools = clusterSnapshotFromObjects(objects.filter((o) => o.origin.kind === RESOURCE_POOL_KIND)).pools;
  if (pools.length !== 1 || objects.length !== 1)
    throw new SimulationInputError(
      `${path}: expected exactly one ResourcePool, got ${objects.length} object(s)`,
    );
  return pools[0]!.value;
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        kubeconfig: { type: 'string' },
        cluster: { type: 'string' },
        pending: { type: 'string', multiple: true },
        'what-if': { type: 'string' },
        pool: { type: 'string' },
        output: { type: 'string', short: 'o', default: 'table' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function readSnapshot(
  kubeconfig: string | undefined,
  file: string | undefined,
): Promise<ClusterSnapshot> {
  if (file !== undefined) return clusterSnapshotFromObjects(readManifestFile(file));
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(kubeconfig as string);
  } catch (error) {
    throw new SimulationInputError(`${kubeconfig}: cannot load kubeconfig: ${messageOf(error)}`);
  }
  return readClusterSnapshot(kc);
}

/** The objects of a manifest file ('-' is standard input), each named by the file it came from. */
function readManifestFile(path: string): SourcedObject[] {
  return readManifests(readText(path), path === '-' ? 'stdin' : path);
}

function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new SimulationInputError(`${path}: cannot read: ${messageOf(error)}`);
  }
}

/** The error's message; read as a field, since errors from another realm (a test's VM) fail `instanceof`. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

import { CoreV1Api, type CoreV1Event, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { explainPod } from '../explain/explain-pod.js';
import { renderExplanation } from '../explain/explain-render.js';
import { readClusterSnapshot } from '../simulate/cluster-reader.js';
import { SimulationInputError } from '../simulate/input-error.js';
import { loadKubeConfig } from './cluster-access.js';
import { styleFor } from '../terminal/terminal-style.js';

const HELP = `Usage: fulcrum explain pod NAMESPACE/NAME [-o text|json|yaml] [--top N] [--kubeconfig FILE] [--context NAME]
       kubectl fulcrum explain pod NAMESPACE/NAME

Which pool and WorkloadPolicy apply to the pod, its effective priority, where Fulcrum's placement engine would
put it now (the top nodes and their scores) or why it fits nowhere (the reason for every node, as the
FailedScheduling Event says), and its history: Events on the pod (placements, evictions, failover deletions)
and the pool's recorded actions naming it. Read-only.

Flags:
  --top N              feasible nodes shown (default 5)
  -o, --output FMT     text (default), json or yaml
  --kubeconfig FILE    the cluster (default: KUBECONFIG or ~/.kube/config, as kubectl; else in-cluster)
  --context NAME       kubeconfig context to use`;

const FORMATS = ['text', 'json', 'yaml'] as const;

export async function explainCommand(args: string[]): Promise<number> {
  const parsed = parseExplainArgs(args);
  if (typeof parsed === 'number') return parsed;
  const { namespace, name, output, top } = parsed;
  const kc = loadKubeConfig(parsed.kubeconfig, parsed.context);
  const pod = await readPod(kc, namespace, name);
  if (pod === undefined) {
    console.error(`fulcrum explain: pod ${namespace}/${name} not found`);
    return 1;
  }
  try {
    const [snapshot, events] = await Promise.all([readClusterSnapshot(kc), readEvents(kc, pod)]);
    writeExplanation(explainPod({ snapshot, pod, events, now: Date.now(), top }), output);
    return 0;
  } catch (error) {
    if (error instanceof SimulationInputError) {
      console.error(`fulcrum explain: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

interface ExplainArgs {
  namespace: string;
  name: string;
  output: string;
  top: number;
  kubeconfig: string | undefined;
  context: string | undefined;
}

/** The command's arguments, or the exit code when it ends here (0 after --help, 2 on a usage error). */
function parseExplainArgs(args: string[]): ExplainArgs | number {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        output: { type: 'string', short: 'o', default: 'text' },
        top: { type: 'string', default: '5' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const [kind, target] = positionals;
    if (kind !== 'pod' && kind !== 'pods' && kind !== 'po')
      throw new Error('only "explain pod NAMESPACE/NAME" is supported');
    if (target === undefined || !/^[^/]+\/[^/]+$/.test(target))
      throw new Error('name the pod as NAMESPACE/NAME');
    if (!FORMATS.includes(values.output as (typeof FORMATS)[number]))
      throw new Error(`--output must be one of ${FORMATS.join(', ')}`);
    const [namespace, name] = target.split('/') as [string, string];
    const { output, kubeconfig, context } = values;
    return { namespace, name, output, top: Number(values.top) || 5, kubeconfig, context };
  } catch (error) {
    console.error(`fulcrum explain: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
}

function writeExplanation(explanation: ReturnType<typeof explainPod>, output: string): void {
  if (output === 'json') process.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
  else if (output === 'yaml') process.stdout.write(stringify(explanation));
  else
    process.stdout.write(
      `${renderExplanation(explanation, styleFor(process.stdout.isTTY, process.env)).join('\n')}\n`,
    );
}

async function readPod(kc: KubeConfig, namespace: string, name: string): Promise<V1Pod | undefined> {
  try {
    return await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace, name });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Events whose involved object is this pod (this incarnation: matched by uid). */
async function readEvents(kc: KubeConfig, pod: V1Pod): Promise<CoreV1Event[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({
    namespace: pod.metadata?.namespace as string,
    fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod.metadata?.name}`,
  });
  return list.items.filter(
    (e) => e.involvedObject.uid === undefined || e.involvedObject.uid === pod.metadata?.uid,
  );
}

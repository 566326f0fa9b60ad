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
  let parsed;
  try {
    parsed = parseArgs({
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
    if (parsed.values.help) {
      console.log(HELP);
      return 0;
    }
    const [kind, target] = parsed.positionals;
    if (kind !== 'pod' && kind !== 'pods' && kind !== 'po')
      throw new Error('only "explain pod NAMESPACE/NAME" is supported');
    if (target === undefined || !/^[^/]+\/[^/]+$/.test(target))
      throw new Error('name the pod as NAMESPACE/NAME');
    if (!FORMATS.includes(parsed.values.output as (typeof FORMATS)[number]))
      throw new Error(`--output must be one of ${FORMATS.join(', ')}`);
  } catch (error) {
    console.error(`fulcrum explain: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const [namespace, name] = (parsed.positionals[1] as string).split('/') as [string, string];
  const kc = loadKubeConfig(parsed.values.kubeconfig, parsed.values.context);
  const pod = await readPod(kc, namespace, name);
  if (pod === undefined) {
    console.error(`fulcrum explain: pod ${namespace}/${name} not found`);
    return 1;
  }
  try {
    const [snapshot, events] = await Promise.all([readClusterSnapshot(kc), readEvents(kc, pod)]);
    const explanation = explainPod({
      snapshot,
      pod,
      events,
      now: Date.now(),
      top: Number(parsed.values.top) || 5,
    });
    const output = parsed.values.output;
    if (output === 'json') process.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
    else if (output === 'yaml') process.stdout.write(stringify(explanation));
    else
      process.stdout.write(
        `${renderExplanation(explanation, styleFor(process.stdout.isTTY, process.env)).join('\n')}\n`,
      );
    return 0;
  } catch (error) {
    if (error instanceof SimulationInputError) {
      console.error(`fulcrum explain: ${error.message}`);
      return 1;
    }
    throw error;
  }
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

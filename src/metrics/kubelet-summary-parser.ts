/**
 * Reads the kubelet summary API document (`/stats/summary`, type stats/v1alpha1 Summary) into what the
 * usage store needs: per node cpu (millicores), memory working set (bytes), filesystem used (bytes), and the
 * cumulative network counters the caller turns into bits/s with CounterRates; per pod the same (ephemeral
 * storage from the pod's `ephemeral-storage` stats). Pure.
 */
import type { PartialUsage } from './metrics-source.js';

/** Cumulative bytes received and transmitted, summed over the node's (or pod's) interfaces. */
export interface NetworkCounters {
  time: number;
  rxBytes: number;
  txBytes: number;
}

export interface SummaryReading {
  key: string;
  /** Newest of the timestamps of the stats read (cpu, memory, network): when this reading was taken. */
  time: number;
  usage: PartialUsage;
  network?: NetworkCounters;
}

export interface ParsedSummary {
  node: SummaryReading;
  pods: SummaryReading[];
}

interface Stamped {
  time?: string;
}
interface CpuStats extends Stamped {
  usageNanoCores?: number;
}
interface MemoryStats extends Stamped {
  workingSetBytes?: number;
}
interface FsStats extends Stamped {
  usedBytes?: number;
}
interface InterfaceStats {
  name?: string;
  rxBytes?: number;
  txBytes?: number;
}
interface NetworkStats extends Stamped, InterfaceStats {
  interfaces?: InterfaceStats[];
}
interface StatsBlock {
  cpu?: CpuStats;
  memory?: MemoryStats;
  network?: NetworkStats;
}
interface SummaryDocument {
  node?: StatsBlock & { nodeName?: string; fs?: FsStats };
  pods?: Array<
    StatsBlock & { podRef?: { name?: string; namespace?: string }; 'ephemeral-storage'?: FsStats }
  >;
}

/** Parses one node's summary; throws when the document has no node section or no node name. */
export function parseKubeletSummary(document: unknown): ParsedSummary {
  const summary = document as SummaryDocument | null;
  const node = summary?.node;
  if (!node?.nodeName) throw new Error('not a kubelet summary: no node.nodeName');
  const pods: SummaryReading[] = [];
  for (const pod of summary?.pods ?? []) {
    const ref = pod.podRef;
    if (!ref?.name || !ref.namespace) continue;
    const reading = readBlock(`${ref.namespace}/${ref.name}`, pod, pod['ephemeral-storage']);
    if (reading) pods.push(reading);
  }
  const nodeReading = readBlock(node.nodeName, node, node.fs);
  if (!nodeReading) throw new Error(`kubelet summary of ${node.nodeName} has no timestamped stats`);
  return { node: nodeReading, pods };
}

function readBlock(key: string, block: StatsBlock, fs: FsStats | undefined): SummaryReading | undefined {
  const usage: PartialUsage = {};
  let time = -Infinity;
  const stamp = (stats: Stamped | undefined): void => {
    const t = Date.parse(stats?.time ?? '');
    if (Number.isFinite(t)) time = Math.max(time, t);
  };
  if (isCount(block.cpu?.usageNanoCores)) {
    usage.cpu = block.cpu.usageNanoCores / 1e6;
    stamp(block.cpu);
  }
  if (isCount(block.memory?.workingSetBytes)) {
    usage.memory = block.memory.workingSetBytes;
    stamp(block.memory);
  }
  if (isCount(fs?.usedBytes)) usage.ephemeralStorage = fs.usedBytes;
  const network = networkCounters(block.network);
  if (network) stamp(block.network);
  if (time === -Infinity) return undefined;
  return network ? { key, time, usage, network } : { key, time, usage };
}

/**
 * Bytes over every interface when the kubelet lists them (newer kubelets), else the default interface's
 * figures inlined in the network stats.
 */
function networkCounters(network: NetworkStats | undefined): NetworkCounters | undefined {
  const time = Date.parse(network?.time ?? '');
  if (!network || !Number.isFinite(time)) return undefined;
  const interfaces = network.interfaces && network.interfaces.length > 0 ? network.interfaces : [network];
  let rxBytes = 0;
  let txBytes = 0;
  let any = false;
  for (const i of interfaces) {
    if (isCount(i.rxBytes)) {
      rxBytes += i.rxBytes;
      any = true;
    }
    if (isCount(i.txBytes)) {
      txBytes += i.txBytes;
      any = true;
    }
  }
  return any ? { time, rxBytes, txBytes } : undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

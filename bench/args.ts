/** Command-line arguments shared by every benchmark suite. */

export interface BenchArgs {
  suite: string;
  /** Cluster sizes to run; empty means the suite's default sizes. */
  nodes: number[];
  podsPerNode: number;
  /** Fewer decisions and sizes, for CI smoke runs. */
  quick: boolean;
  /** Where to write the result object as JSON, besides the last line of stdout. */
  json: string | undefined;
  /** Decisions measured per case; undefined means the suite's default. */
  decisions: number | undefined;
  seed: number;
}

export const USAGE =
  'usage: bench <suite|all> [--nodes N[,N...]] [--pods-per-node N] [--decisions N] [--seed N] [--quick] [--json FILE]';

/** Parses `argv` (without node and the script); throws with USAGE on anything it does not understand. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    suite: '',
    nodes: [],
    podsPerNode: 30,
    quick: false,
    json: undefined,
    decisions: undefined,
    seed: 1,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  const positiveInt = (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${flag} must be a positive integer, got ${text}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    switch (arg) {
      case '--nodes':
        for (const part of value(i, arg).split(',')) args.nodes.push(positiveInt(part, arg));
        i++;
        break;
      case '--pods-per-node':
      case '--pods':
        args.podsPerNode = positiveInt(value(i, arg), arg);
        i++;
        break;
      case '--decisions':
        args.decisions = positiveInt(value(i, arg), arg);
        i++;
        break;
      case '--seed':
        args.seed = positiveInt(value(i, arg), arg);
        i++;
        break;
      case '--json':
        args.json = value(i, arg);
        i++;
        break;
      case '--quick':
        args.quick = true;
        break;
      default:
        if (arg.startsWith('--') || args.suite !== '')
          throw new Error(`unexpected argument ${arg}\n${USAGE}`);
        args.suite = arg;
    }
  }
  if (args.suite === '') throw new Error(USAGE);
  return args;
}

/**
 * Runs `fulcrum run` as a real child process (the built dist/), for tests of leader election, crashes and
 * API server restarts. Each process serves its metrics on its own loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { repoRoot } from './cluster.js';

export interface OperatorProcess {
  identity: string;
  port: number;
  child: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  alive(): boolean;
  /** One sample of a metric (`name{label="v"}`), or undefined if not exported. */
  metric(sample: string): Promise<number | undefined>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const CLI = resolve(repoRoot, 'dist/src/cli/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function startOperatorProcess(identity: string, extraArgs: string[]): Promise<OperatorProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  const port = await freePort();
  const args = [
    CLI,
    'run',
    '--kubeconfig',
    process.env.FULCRUM_TEST_KUBECONFIG ?? '',
    '--health-address',
    `127.0.0.1:${port}`,
    '--identity',
    identity,
    ...extraArgs,
  ];
  // process.execPath is the Node.js 24 running the tests, the runtime the project pins.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    identity,
    port,
    child,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    metric: async (sample) => {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      const text = await response.text();
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line === undefined ? undefined : Number(line.slice(sample.length + 1));
    },
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * A real Prometheus server (Debian's package, fetched by test/cluster/prometheus.sh) for one test file:
 * listens on a free loopback port, scrapes the given loopback targets every second, keeps its TSDB in a
 * temporary directory, and is stopped (SIGTERM, then SIGKILL) by `stop`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterScript, eventually } from './cluster.js';

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startPrometheus(targets: readonly string[]): Promise<RunningPrometheus> {
  for (const target of targets) {
    if (!target.startsWith('127.')) throw new Error(`refusing to scrape a non-loopback target ${target}`);
  }
  const binary = (await clusterScript('prometheus.sh')).trim();
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: {scrape_interval: 1s, evaluation_interval: 1s}',
      'scrape_configs:',
      '  - job_name: exporter',
      `    static_configs: [{targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]}]`,
      '',
    ].join('\n'),
  );
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      'prometheus ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
        const response = await fetch(`${url}/-/ready`).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      30_000,
      250,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

#!/usr/bin/env node
/**
 * `fulcrum run | status | explain | simulate | validate | version`: the operator's command line. Everything it starts is built by
 * `createOperator`; this file only turns flags into options.
 */
import { explainCommand } from './explain-command.js';
import { runCommand } from './run-command.js';
import { simulateCommand } from './simulate-command.js';
import { statusCommand } from './status-command.js';
import { validateCommand } from './validate-command.js';
import { versionCommand } from './version-command.js';

const USAGE = `Usage: fulcrum <command> [flags]

Commands:
  run       run the operator against a cluster (kubeconfig, or in-cluster config)
  status    pools at a glance: conditions, per-node utilization against the ceilings, markers, last actions
  explain   explain pod NS/NAME: its pool, policy, priority, where it would go now and why, its history
  simulate  dry-run placement of pending pods on a cluster snapshot (kubeconfig or YAML file)
  validate  check ResourcePool and WorkloadPolicy manifests offline (schemas and CEL rules), for CI
  version   print the version

Run 'fulcrum <command> --help' for its flags.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'status':
      return statusCommand(rest);
    case 'explain':
      return explainCommand(rest);
    case 'simulate':
      return simulateCommand(rest);
    case 'validate':
      return validateCommand(rest);
    case 'version':
      return versionCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`fulcrum: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`fulcrum: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);

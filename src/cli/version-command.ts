import { buildInfo } from '../version.js';

export function versionCommand(args: string[]): number {
  const info = buildInfo();
  if (args.includes('--json')) console.log(JSON.stringify(info));
  else console.log(`fulcrum ${info.version} (node ${info.node}, ${info.platform})`);
  return 0;
}

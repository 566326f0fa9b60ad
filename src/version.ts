import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  node: string;
  platform: string;
}

/** Version of this build, read from the package.json shipped beside the code (src/ or dist/src/). */
export function buildInfo(): BuildInfo {
  return {
    version: packageVersion(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'fulcrum' && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
    dir = resolve(dir, '..');
  }
  return '0.0.0-unknown';
}

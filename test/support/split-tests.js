// Splits the integration test files into N shards of about equal duration, so that `make test` can run
// them on N clusters at once. Durations come from test/integration/durations.json (seconds per file, as
// measured by test/support/duration-reporter.js in a full run); a file not listed there counts as the
// median of the known ones. Longest files first, each to the currently shortest shard (LPT scheduling).
//
//   node test/support/split-tests.js SHARDS INDEX < list-of-files   → the files of shard INDEX (1-based)
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Pure: assigns files to `shards` buckets by descending duration; stable for equal durations. */
export function splitByDuration(files, durations, shards) {
  const known = Object.values(durations).sort((a, b) => a - b);
  const fallback = known.length > 0 ? known[Math.floor(known.length / 2)] : 30;
  const weighted = files
    .map((file) => ({ file, seconds: durations[file] ?? fallback }))
    .sort((a, b) => b.seconds - a.seconds || a.file.localeCompare(b.file));
  const buckets = Array.from({ length: shards }, () => ({ seconds: 0, files: [] }));
  for (const { file, seconds } of weighted) {
    const shortest = buckets.reduce((min, b) => (b.seconds < min.seconds ? b : min));
    shortest.files.push(file);
    shortest.seconds += seconds;
  }
  return buckets;
}

function readDurations(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [shards, index] = process.argv.slice(2).map(Number);
  const files = readFileSync(0, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((file) => relative(process.cwd(), file));
  const durations = readDurations('test/integration/durations.json');
  const bucket = splitByDuration(files, durations, shards)[index - 1];
  process.stderr.write(
    `shard ${index}/${shards}: ${bucket.files.length} files, ~${Math.round(bucket.seconds)} s\n`,
  );
  process.stdout.write(bucket.files.join('\n') + '\n');
}

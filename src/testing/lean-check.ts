/**
 * The check behind the lean-record tests: for a full object and its lean record, every reader must give
 * the same answer, and every field a reader read on the full object must hold the same value on the lean
 * one. Returns what differs, in words (empty when nothing was lost).
 */
import { isDeepStrictEqual } from 'node:util';
import { LAST_APPLIED_ANNOTATION } from '../kube/lean-pod.js';
import type { Reader } from './lean-readers.js';
import { recordReads, showPath, valuesAt } from './read-recorder.js';

export function leanRecordProblems<T extends object>(
  full: T,
  lean: T,
  readers: ReadonlyArray<Reader<T>>,
): string[] {
  const problems: string[] = [];
  for (const reader of readers) {
    const recording = recordReads(full);
    const want = normalize(reader.read(recording.object, copy(full)));
    const got = normalize(reader.read(lean, copy(lean)));
    if (!isDeepStrictEqual(got, want))
      problems.push(`${reader.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    for (const path of recording.paths) {
      const wantValues = valuesAt(full, path).map(leaf);
      const gotValues = valuesAt(lean, path).map(leaf);
      if (!isDeepStrictEqual(gotValues, wantValues))
        problems.push(
          `${reader.name} reads ${showPath(path)}: lean ${JSON.stringify(gotValues)}, full ${JSON.stringify(wantValues)}`,
        );
    }
  }
  return problems;
}

/** Primitives and Dates compare by value; objects and arrays only by being there (their leaves are read). */
function leaf(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (value === null || typeof value !== 'object') return value;
  return Array.isArray(value) ? '[array]' : '{object}';
}

/** A JSON form: undefined members gone, Dates as strings, the one annotation dropped on purpose gone. */
function normalize(value: unknown): unknown {
  const json = JSON.stringify(value, (key, v: unknown) => (key === LAST_APPLIED_ANNOTATION ? undefined : v));
  return json === undefined ? undefined : JSON.parse(json);
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(v) : v,
  ) as T;
}

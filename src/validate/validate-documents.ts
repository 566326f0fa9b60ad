/**
 * `fulcrum validate` over YAML text: every document of a stream (and every item of a `List`) checked by the
 * ManifestValidator, each error with the line of the field it names. Pure: the caller reads the files.
 */
import { isNode, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { FieldError } from './field-error.js';
import type { ManifestValidator } from './manifest-validator.js';

export interface ReportedError {
  field: string;
  message: string;
  /** 1-based line of the field in the file, or of the object when the field is absent. */
  line?: number;
}

export interface ObjectResult {
  file: string;
  /** 1-based position of the YAML document in the file. */
  document: number;
  /** Position in a `List` document's items, when the object is one. */
  item?: number;
  kind: string;
  name: string;
  namespace?: string;
  result: 'valid' | 'invalid' | 'skipped';
  line?: number;
  errors: ReportedError[];
}

export interface ValidationReport {
  objects: ObjectResult[];
  totals: { files: number; objects: number; valid: number; invalid: number; skipped: number };
}

/** The results for one file's text. A document that is not YAML is one invalid result. */
export function validateText(text: string, file: string, validator: ManifestValidator): ObjectResult[] {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  if (!Array.isArray(documents)) return [];
  const results: ObjectResult[] = [];
  documents.forEach((document, index) => {
    const base = { file, document: index + 1 };
    const error = document.errors[0];
    if (error) {
      const line = lines.linePos(error.pos[0]).line;
      results.push({
        ...base,
        kind: '',
        name: '',
        result: 'invalid',
        line,
        errors: [{ field: '', message: `invalid YAML: ${error.message}`, line }],
      });
      return;
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const items = listItems(value);
    if (items === undefined) results.push(check(value, [], document, lines, validator, base));
    else
      items.forEach((item, i) =>
        results.push(check(item, ['items', i], document, lines, validator, { ...base, item: i })),
      );
  });
  return results;
}

/** Totals over every file's results. */
export function summarize(objects: ObjectResult[], files: number): ValidationReport {
  const count = (result: ObjectResult['result']) => objects.filter((o) => o.result === result).length;
  return {
    objects,
    totals: {
      files,
      objects: objects.length,
      valid: count('valid'),
      invalid: count('invalid'),
      skipped: count('skipped'),
    },
  };
}

function listItems(value: unknown): unknown[] | undefined {
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items) ? items : undefined;
}

function check(
  object: unknown,
  prefix: Array<string | number>,
  document: Document,
  lines: LineCounter,
  validator: ManifestValidator,
  base: { file: string; document: number; item?: number },
): ObjectResult {
  const meta =
    (object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null) ?? {};
  const identity = {
    ...base,
    kind: typeof meta.kind === 'string' ? meta.kind : '',
    name: typeof meta.metadata?.name === 'string' ? meta.metadata.name : '',
    ...(typeof meta.metadata?.namespace === 'string' ? { namespace: meta.metadata.namespace } : {}),
  };
  const lineOf = (path: Array<string | number>): number | undefined =>
    nodeLine(document, [...prefix, ...path], lines);
  const line = lineOf([]);
  const verdict = validator.validate(object);
  if (verdict.result !== 'invalid')
    return { ...identity, result: verdict.result, ...(line ? { line } : {}), errors: [] };
  const errors = verdict.errors.map((error) => reported(error, lineOf));
  return { ...identity, result: 'invalid', ...(line ? { line } : {}), errors };
}

function reported(
  error: FieldError,
  lineOf: (path: Array<string | number>) => number | undefined,
): ReportedError {
  const segments = fieldSegments(error.field);
  // The deepest part of the path that is in the file: a missing field is reported where its parent is.
  for (let n = segments.length; n >= 0; n--) {
    const line = lineOf(segments.slice(0, n));
    if (line !== undefined) return { field: error.field, message: error.message, line };
  }
  return { field: error.field, message: error.message };
}

/** "spec.a[0].b" → ["spec", "a", 0, "b"]; map keys in brackets stay strings. */
export function fieldSegments(field: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else segments.push(/^\d+$/.test(match[2] as string) ? Number(match[2]) : (match[2] as string));
  }
  return segments;
}

function nodeLine(document: Document, path: Array<string | number>, lines: LineCounter): number | undefined {
  const node = path.length === 0 ? document.contents : document.getIn(path, true);
  if (!isNode(node) || node.range === undefined || node.range === null) return undefined;
  return lines.linePos(node.range[0]).line;
}

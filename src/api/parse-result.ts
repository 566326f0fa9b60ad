/**
 * Turning a zod parse into the result the operator needs: a defaulted value, or a reason and a message that name
 * every offending field, ready for a Ready=False condition.
 */
import { z } from 'zod';

export interface FieldIssue {
  /** Field path in kubectl notation: "spec.failover.probe.timeout", "spec.selector.matchExpressions[0].values". */
  field: string;
  message: string;
}

export type ParseResult<T> =
  { ok: true; value: T } | { ok: false; reason: 'InvalidSpec'; message: string; issues: FieldIssue[] };

/** Parses `input` with `schema`; on failure, names each field and what is wrong with it. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input, { error: describeIssue });
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    message: issue.message,
  }));
  return {
    ok: false,
    reason: 'InvalidSpec',
    message: issues.map(({ field, message }) => (field === '' ? message : `${field}: ${message}`)).join('; '),
    issues,
  };
}

/** ["spec", "matchExpressions", 0, "values"] → "spec.matchExpressions[0].values". */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/**
 * Messages in the voice of the API server ("must be at most 100") rather than zod's defaults. Messages set on
 * the schema itself take precedence over these.
 */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${article(issue.expected)} (got ${kindOf(issue.input)})`;
    case 'too_small':
      return `must ${bound(issue.origin, issue.inclusive ? 'at least' : 'more than', issue.minimum)}`;
    case 'too_big':
      return `must ${bound(issue.origin, issue.inclusive ? 'at most' : 'less than', issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')} (got ${JSON.stringify(issue.input)})`;
    case 'invalid_format':
      return `must match ${issue.pattern ?? issue.format} (got ${JSON.stringify(issue.input)})`;
    default:
      return undefined;
  }
}

function bound(origin: string, relation: string, limit: number | bigint): string {
  if (origin === 'string') return `have ${relation} ${limit} characters`;
  if (origin === 'array') return `have ${relation} ${limit} items`;
  return `be ${relation} ${limit}`;
}

function article(type: string): string {
  const name = type === 'int' ? 'integer' : type;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The `x-kubernetes-validations` CEL rules of a CRD schema, evaluated offline as the API server evaluates them
 * (apiextensions-apiserver's CEL validator): at every node carrying rules, for every value present there, with
 * `self` bound to that value typed by the schema — integers as CEL int, numbers as double, objects and maps as
 * maps (so `has()` sees exactly the fields present), int-or-string as int or string. A rule that is false gives
 * its message at the rule's node plus its `fieldPath`; a rule that cannot be evaluated gives the evaluation
 * error. Transition rules (`oldSelf`) are skipped, as on create.
 *
 * The evaluator is @bufbuild/cel (conformance-tested against cel-spec, with an RE2 engine for `matches`, like the
 * API server's cel-go), with the strings extension that Kubernetes also enables.
 */
import { celEnv, isCelError, parse, plan, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { SchemaNode } from '../api/structural-schema.js';
import { childPath, itemPath, keyPath, type FieldError, type FieldErrorType } from './field-error.js';

interface CrdRule {
  rule: string;
  message?: string;
  fieldPath?: string;
  reason?: string;
}

type Program = (bindings: { self: unknown }) => CelResult;

const env = celEnv({ funcs: strings });
const programs = new Map<string, Program>();

/** The compiled rule, compiled once per process. Throws on a syntax error (the API server refuses the CRD). */
function program(rule: string): Program {
  let compiled = programs.get(rule);
  if (compiled === undefined) {
    compiled = plan(env, parse(rule)) as Program;
    programs.set(rule, compiled);
  }
  return compiled;
}

/** Every rule violation in `value` (defaulted, schema-valid), in document order. */
export function celErrors(value: unknown, schema: SchemaNode, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  const errors = rulesAt(value, schema, path);
  if (Array.isArray(value) && isNode(schema.items)) {
    value.forEach((item, i) =>
      errors.push(...celErrors(item, schema.items as SchemaNode, itemPath(path, i))),
    );
  } else if (isPlainObject(value)) {
    const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
    const extra = isNode(schema.additionalProperties) ? schema.additionalProperties : undefined;
    for (const [name, child] of Object.entries(value)) {
      if (props[name] !== undefined) errors.push(...celErrors(child, props[name], childPath(path, name)));
      else if (extra !== undefined) errors.push(...celErrors(child, extra, keyPath(path, name)));
    }
  }
  return errors;
}

function rulesAt(value: unknown, schema: SchemaNode, path: string): FieldError[] {
  const rules = (schema['x-kubernetes-validations'] ?? []) as CrdRule[];
  const errors: FieldError[] = [];
  if (rules.length === 0) return errors;
  const self = toCel(value, schema);
  for (const rule of rules) {
    if (/\boldSelf\b/.test(rule.rule)) continue;
    const result = program(rule.rule)({ self });
    if (result === true) continue;
    const field = appendFieldPath(path, rule.fieldPath);
    if (isCelError(result)) {
      errors.push({ field, type: 'Invalid', message: `${result.message} evaluating rule: ${rule.rule}` });
    } else if (result === false) {
      errors.push({
        field,
        type: reasonType(rule.reason),
        message: rule.message ?? `failed rule: ${rule.rule}`,
      });
    } else {
      errors.push({ field, type: 'Invalid', message: `rule did not evaluate to a bool: ${rule.rule}` });
    }
  }
  return errors;
}

/** ".probe.timeout" and "['a.b']" appended to `path`, in kubectl notation. */
function appendFieldPath(path: string, fieldPath: string | undefined): string {
  if (fieldPath === undefined || fieldPath === '') return path;
  const segments = fieldPath.match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  return segments.reduce(
    (out, segment) =>
      segment.startsWith('.') ? childPath(out, segment.slice(1)) : `${out}${segment.replace(/'/g, '')}`,
    path,
  );
}

function reasonType(reason: string | undefined): FieldErrorType {
  switch (reason) {
    case 'FieldValueRequired':
      return 'Required';
    case 'FieldValueDuplicate':
      return 'Duplicate';
    default:
      return 'Invalid'; // FieldValueInvalid, and FieldValueForbidden (not a blocking type either)
  }
}

/** `value` as the CEL value the API server binds for `schema`. */
export function toCel(value: unknown, schema: SchemaNode): unknown {
  if (Array.isArray(value)) {
    const items = isNode(schema.items) ? schema.items : {};
    return value.map((item) => toCel(item, items));
  }
  if (isPlainObject(value)) {
    const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
    const extra = isNode(schema.additionalProperties) ? schema.additionalProperties : {};
    return new Map(Object.entries(value).map(([name, child]) => [name, toCel(child, props[name] ?? extra)]));
  }
  if (typeof value === 'number') {
    const integer = schema.type === 'integer' || schema['x-kubernetes-int-or-string'] === true;
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  return value;
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isNode(value);
}

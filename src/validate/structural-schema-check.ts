/**
 * What the API server does with a custom resource before its CEL rules, written against the CRD's structural
 * schema (the one `make crds` generates from the zod schemas, so new fields are covered without a change here):
 *
 *  1. strict decoding: a field the schema does not declare is an error (kubectl apply's default, --validate=strict);
 *  2. pruning and defaulting: nulls are dropped, absent fields with a default get it, nested defaults included;
 *  3. OpenAPI validation: type, enum, bounds, lengths, patterns, sizes, required, list-type uniqueness.
 *
 * Pure. Only the keywords the CRD generator can emit (structural-schema.ts KEYWORD_ORDER) are understood; any
 * other keyword throws, so a generator change cannot be silently ignored here.
 */
import { ALLOWED_KEYWORDS, type SchemaNode } from '../api/structural-schema.js';
import { childPath, itemPath, keyPath, type FieldError } from './field-error.js';

const UNDERSTOOD = ALLOWED_KEYWORDS;

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function properties(schema: SchemaNode): Record<string, SchemaNode> | undefined {
  return schema.properties as Record<string, SchemaNode> | undefined;
}

function additional(schema: SchemaNode): SchemaNode | undefined {
  return isObject(schema.additionalProperties) ? (schema.additionalProperties as SchemaNode) : undefined;
}

/** Fields in `value` that `schema` does not declare, as strict decoding reports them. */
export function unknownFields(value: Json, schema: SchemaNode, path: string): FieldError[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value) && isObject(schema.items)) {
    return value.flatMap((item, i) => unknownFields(item, schema.items as SchemaNode, itemPath(path, i)));
  }
  if (!isObject(value) || schema.type !== 'object') return [];
  const props = properties(schema);
  const extra = additional(schema);
  const errors: FieldError[] = [];
  for (const [name, child] of Object.entries(value)) {
    const childSchema = props?.[name] ?? extra;
    if (childSchema !== undefined) {
      errors.push(
        ...unknownFields(child, childSchema, props?.[name] ? childPath(path, name) : keyPath(path, name)),
      );
    } else if (props !== undefined) {
      errors.push({
        field: childPath(path, name),
        type: 'UnknownField',
        message: 'field not declared in schema',
      });
    }
  }
  return errors;
}

/** `value` with nulls pruned and every default the schema declares filled in (a copy; the input is kept). */
export function withDefaults(value: Json, schema: SchemaNode): Json {
  if (Array.isArray(value)) {
    const items = schema.items as SchemaNode | undefined;
    return items === undefined ? value : value.map((item) => withDefaults(item, items));
  }
  if (!isObject(value)) return value;
  const props = properties(schema) ?? {};
  const extra = additional(schema);
  const out: Record<string, Json> = {};
  for (const [name, child] of Object.entries(value)) {
    const childSchema = props[name] ?? extra;
    if (child === null && childSchema !== undefined) continue; // pruned: no field here is nullable
    out[name] = childSchema === undefined ? child : withDefaults(child, childSchema);
  }
  for (const [name, childSchema] of Object.entries(props)) {
    if (out[name] === undefined && childSchema.default !== undefined) {
      out[name] = withDefaults(structuredClone(childSchema.default), childSchema);
    }
  }
  return out;
}

/** Every OpenAPI violation in `value` (already defaulted), in document order. */
export function schemaErrors(value: Json, schema: SchemaNode, path: string): FieldError[] {
  const typeError = checkType(value, schema, path);
  if (typeError !== undefined) return [typeError];
  const errors: FieldError[] = [...checkEnum(value, schema, path), ...checkValue(value, schema, path)];
  if (Array.isArray(value)) errors.push(...checkArray(value, schema, path));
  else if (isObject(value)) errors.push(...checkObject(value, schema, path));
  return errors;
}

function checkType(value: Json, schema: SchemaNode, path: string): FieldError | undefined {
  const expected = schema['x-kubernetes-int-or-string'] === true ? 'int-or-string' : (schema.type as string);
  if (expected === undefined || matchesType(value, expected)) return undefined;
  const got = typeName(value);
  const wanted = expected === 'int-or-string' ? 'integer or string' : expected;
  return { field: path, type: 'TypeInvalid', message: `Invalid value: "${got}": must be of type ${wanted}` };
}

function matchesType(value: Json, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'int-or-string':
      return typeof value === 'string' || Number.isInteger(value);
    default:
      throw new Error(`unsupported schema type ${type}`);
  }
}

/** The name of a JSON value's type, as the API server prints it in "Invalid value" messages. */
export function typeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function checkEnum(value: Json, schema: SchemaNode, path: string): FieldError[] {
  const allowed = schema.enum as Json[] | undefined;
  if (allowed === undefined || allowed.some((option) => option === value)) return [];
  const supported = allowed.map((option) => JSON.stringify(option)).join(', ');
  return [
    {
      field: path,
      type: 'NotSupported',
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported}`,
    },
  ];
}

function checkValue(value: Json, schema: SchemaNode, path: string): FieldError[] {
  const invalid = (message: string): FieldError => ({
    field: path,
    type: 'Invalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
  });
  const errors: FieldError[] = [];
  if (typeof value === 'number') {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema as Record<
      string,
      number
    >;
    if (minimum !== undefined) {
      if (exclusiveMinimum ? value <= minimum : value < minimum)
        errors.push(invalid(`should be greater than ${exclusiveMinimum ? '' : 'or equal to '}${minimum}`));
    }
    if (maximum !== undefined) {
      if (exclusiveMaximum ? value >= maximum : value > maximum)
        errors.push(invalid(`should be less than ${exclusiveMaximum ? '' : 'or equal to '}${maximum}`));
    }
    if (multipleOf !== undefined && !Number.isInteger(value / multipleOf))
      errors.push(invalid(`should be a multiple of ${multipleOf}`));
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.maxLength === 'number' && length > schema.maxLength)
      errors.push({
        field: path,
        type: 'TooLong',
        message: `Too long: may not be more than ${schema.maxLength} bytes`,
      });
    if (typeof schema.minLength === 'number' && length < schema.minLength)
      errors.push(invalid(`should be at least ${schema.minLength} chars long`));
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(invalid(`should match '${schema.pattern}'`));
    if (schema.format === 'date-time' && !isDateTime(value))
      errors.push(invalid('must be of format date-time'));
  }
  return errors;
}

function checkArray(value: Json[], schema: SchemaNode, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
    errors.push({
      field: path,
      type: 'TooMany',
      message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
    });
  if (typeof schema.minItems === 'number' && value.length < schema.minItems)
    errors.push({
      field: path,
      type: 'Invalid',
      message: `Invalid value: "array": should have at least ${schema.minItems} items`,
    });
  errors.push(...duplicateItems(value, schema, path));
  const items = schema.items as SchemaNode | undefined;
  if (items !== undefined)
    value.forEach((item, i) => errors.push(...schemaErrors(item, items, itemPath(path, i))));
  return errors;
}

/** x-kubernetes-list-type: set (no equal items) and map (no two items with the same keys). */
function duplicateItems(value: Json[], schema: SchemaNode, path: string): FieldError[] {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return [];
  const keys = (schema['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [];
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  value.forEach((item, i) => {
    const identity = JSON.stringify(
      listType === 'set' ? item : keys.map((k) => (item as Record<string, Json>)?.[k]),
    );
    if (seen.has(identity))
      errors.push({ field: itemPath(path, i), type: 'Duplicate', message: `Duplicate value: ${identity}` });
    seen.add(identity);
  });
  return errors;
}

function checkObject(value: Record<string, Json>, schema: SchemaNode, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const count = Object.keys(value).length;
  if (typeof schema.maxProperties === 'number' && count > schema.maxProperties)
    errors.push({
      field: path,
      type: 'TooMany',
      message: `Too many: ${count}: must have at most ${schema.maxProperties} items`,
    });
  if (typeof schema.minProperties === 'number' && count < schema.minProperties)
    errors.push({
      field: path,
      type: 'Invalid',
      message: `Invalid value: ${count}: should have at least ${schema.minProperties} properties`,
    });
  for (const name of (schema.required as string[] | undefined) ?? []) {
    if (value[name] === undefined)
      errors.push({ field: childPath(path, name), type: 'Required', message: 'Required value' });
  }
  const props = properties(schema) ?? {};
  const extra = additional(schema);
  for (const [name, child] of Object.entries(value)) {
    if (props[name] !== undefined) errors.push(...schemaErrors(child, props[name], childPath(path, name)));
    else if (extra !== undefined) errors.push(...schemaErrors(child, extra, keyPath(path, name)));
  }
  return errors;
}

/**
 * Throws when `schema` uses a keyword or format this checker does not implement, so that a change of the CRD
 * generator fails loudly here (and in the unit test over the generated CRDs) instead of being skipped.
 */
export function assertUnderstood(schema: SchemaNode, path = ''): void {
  for (const keyword of Object.keys(schema)) {
    if (!UNDERSTOOD.has(keyword))
      throw new Error(`${path || '<root>'}: schema keyword ${keyword} is not understood`);
  }
  if (schema.format !== undefined && schema.format !== 'date-time')
    throw new Error(`${path || '<root>'}: format ${String(schema.format)} is not understood`);
  for (const [name, child] of Object.entries(properties(schema) ?? {}))
    assertUnderstood(child, childPath(path, name));
  const extra = additional(schema);
  if (extra !== undefined) assertUnderstood(extra, `${path}[*]`);
  if (isObject(schema.items)) assertUnderstood(schema.items as SchemaNode, `${path}[*]`);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isDateTime(text: string): boolean {
  return RFC3339.test(text) && !Number.isNaN(Date.parse(text));
}

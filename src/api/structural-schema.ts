/**
 * Turns a zod schema into a Kubernetes *structural* OpenAPI schema, the only kind a CRD accepts:
 * every node has a type, no $ref, no `additionalProperties: false`, no nullable unions, no `uniqueItems`.
 *
 * zod's OpenAPI 3.0 output is close; the differences are fixed here rather than worked around in the schemas:
 * - $ref / allOf-of-one are inlined;
 * - an integer-or-string union becomes `x-kubernetes-int-or-string: true` (with the canonical
 *   `anyOf: [{type: integer}, {type: string}]`), each branch's validations hoisted to the node (the API
 *   server applies numeric checks to numbers and string checks to strings only);
 * - zod's safe-integer bounds on every `z.int()` are dropped (int64 fields need none);
 * - the regex zod adds next to `format: date-time` is dropped (the API server checks the format itself);
 * - defaults are written out in full, nested defaults included.
 * Anything else the API server would refuse (other unions, nullable) is an error here, naming the path.
 */
import { z } from 'zod';

/** A JSON schema node (a subset of apiextensions.k8s.io/v1 JSONSchemaProps). */
export type SchemaNode = { [keyword: string]: unknown };

/** Keywords of JSONSchemaProps that a structural schema may use, in the order they are written out. */
const KEYWORD_ORDER = [
  'description',
  'type',
  'format',
  'x-kubernetes-int-or-string',
  'anyOf',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'enum',
  'default',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'x-kubernetes-validations',
];
/** Every keyword a structural schema written by this generator may hold. */
export const ALLOWED_KEYWORDS: ReadonlySet<string> = new Set(KEYWORD_ORDER);
/** Keywords that carry no meaning for the API server and are dropped silently. */
const DROPPED_KEYWORDS = new Set(['$schema', '$defs', 'definitions', 'id', '$id', 'uniqueItems', 'title']);

/** Value validations of an int-or-string branch that may move up to the int-or-string node. */
const HOISTABLE_KEYWORDS = [
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'pattern',
  'minLength',
  'maxLength',
];

/** The structural schema of `schema` as the API server sees it on input (defaults optional). */
export function toStructuralSchema(schema: z.ZodType): SchemaNode {
  const root = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
    override: materializeDefault,
  }) as SchemaNode;
  const definitions = { ...asNode(root.definitions), ...asNode(root.$defs) };
  return structural(root, definitions, '', []);
}

/**
 * Writes a default out in full: `.prefault({})` would otherwise appear as `default: {}`, and the API server
 * checks a default against the CEL rules of its node *before* filling the nested defaults ("no such key").
 */
function materializeDefault(context: {
  zodSchema: z.core.$ZodTypes;
  jsonSchema: z.core.JSONSchema.BaseSchema;
}): void {
  const type = context.zodSchema._zod.def.type;
  if (type !== 'default' && type !== 'prefault') return;
  context.jsonSchema.default = z.parse(context.zodSchema, undefined) as z.core.util.JSONType;
}

function structural(
  input: SchemaNode,
  definitions: SchemaNode,
  path: string,
  resolving: string[],
): SchemaNode {
  const node = inlineReferences(input, definitions, path, resolving);
  const out: SchemaNode = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(keyword)) continue;
    if (keyword === 'additionalProperties' && value === false) continue;
    if (keyword === 'anyOf' || keyword === 'oneOf') continue; // handled below
    if (keyword === 'nullable')
      throw new Error(`${path || '<root>'}: nullable is not supported; use optional`);
    if (!ALLOWED_KEYWORDS.has(keyword))
      throw new Error(`${path || '<root>'}: unsupported keyword ${keyword}`);
    out[keyword] = value;
  }

  const union = (node.anyOf ?? node.oneOf) as SchemaNode[] | undefined;
  if (union !== undefined) Object.assign(out, intOrString(union, path));

  dropSafeIntegerBounds(out);
  if (out.format === 'date-time') delete out.pattern;

  if (out.properties !== undefined) {
    out.properties = Object.fromEntries(
      Object.entries(asNode(out.properties)).map(([name, child]) => [
        name,
        structural(asNode(child), definitions, `${path}.${name}`, resolving),
      ]),
    );
  }
  if (isNode(out.additionalProperties)) {
    out.additionalProperties = structural(out.additionalProperties, definitions, `${path}[*]`, resolving);
  }
  if (isNode(out.items)) out.items = structural(out.items, definitions, `${path}[]`, resolving);
  if (out.type === undefined && out['x-kubernetes-int-or-string'] !== true) {
    throw new Error(`${path || '<root>'}: every node of a structural schema needs a type`);
  }
  return ordered(out);
}

/** Replaces `$ref` (and an `allOf` of one schema) with the referenced schema; sibling keywords win. */
function inlineReferences(
  node: SchemaNode,
  definitions: SchemaNode,
  path: string,
  resolving: string[],
): SchemaNode {
  const allOf = node.allOf as SchemaNode[] | undefined;
  if (allOf !== undefined) {
    if (allOf.length !== 1)
      throw new Error(`${path || '<root>'}: allOf with ${allOf.length} schemas is not supported`);
    const { allOf: _allOf, ...siblings } = node;
    return inlineReferences({ ...asNode(allOf[0]), ...siblings }, definitions, path, resolving);
  }
  const reference = node.$ref;
  if (typeof reference !== 'string') return node;
  const name = reference.replace(/^#\/(definitions|\$defs)\//, '');
  if (resolving.includes(name)) throw new Error(`${path}: recursive schema ${name} cannot be inlined`);
  const target = definitions[name];
  if (!isNode(target)) throw new Error(`${path}: unresolved reference ${reference}`);
  const { $ref: _ref, ...siblings } = node;
  return inlineReferences({ ...target, ...siblings }, definitions, path, [...resolving, name]);
}

/** An integer-or-string union as Kubernetes spells it; every other union is refused. */
function intOrString(branches: SchemaNode[], path: string): SchemaNode {
  const types = branches.map((branch) => branch.type).sort();
  const isIntOrString = branches.length === 2 && types[0] === 'integer' && types[1] === 'string';
  if (!isIntOrString) {
    throw new Error(
      `${path || '<root>'}: only integer-or-string unions can be expressed in a CRD (got ${JSON.stringify(types)}); ` +
        'use one object with optional fields and a validation rule instead',
    );
  }
  // The anyOf is the one union a structural schema allows; with it `kubectl explain` says <IntOrString>.
  const hoisted: SchemaNode = {
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
  };
  for (const branch of branches) {
    for (const keyword of HOISTABLE_KEYWORDS) {
      if (branch[keyword] !== undefined) hoisted[keyword] = branch[keyword];
    }
  }
  return hoisted;
}

function dropSafeIntegerBounds(node: SchemaNode): void {
  if (node.minimum === -Number.MAX_SAFE_INTEGER) delete node.minimum;
  if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
}

function ordered(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  for (const keyword of KEYWORD_ORDER) if (node[keyword] !== undefined) out[keyword] = node[keyword];
  return out;
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): SchemaNode {
  return isNode(value) ? value : {};
}

import { z } from 'zod';
import { fulcrumCrds } from './fulcrum-crds.js';
import { toStructuralSchema, type SchemaNode } from './structural-schema.js';
import { withRules } from './validation-rule.js';

/** Every schema node of `node`, with its path. */
function* walk(node: SchemaNode, path = ''): Generator<[string, SchemaNode]> {
  yield [path, node];
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, SchemaNode>)) {
    yield* walk(child, `${path}.${name}`);
  }
  if (typeof node.items === 'object') yield* walk(node.items as SchemaNode, `${path}[]`);
  if (typeof node.additionalProperties === 'object')
    yield* walk(node.additionalProperties as SchemaNode, `${path}{}`);
}

describe('toStructuralSchema', () => {
  it('turns an integer-or-string union into x-kubernetes-int-or-string, hoisting each branch check', () => {
    const schema = z.union([z.int().min(0), z.string().regex(/^[0-9]+%$/)]).default('30%');
    expect(toStructuralSchema(schema)).toEqual({
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      default: '30%',
      minimum: 0,
      pattern: '^[0-9]+%$',
    });
  });

  it('inlines schemas that zod emits as $ref', () => {
    const shared = z.object({ a: z.string() }).meta({ id: 'Shared' });
    const out = toStructuralSchema(z.object({ one: shared, two: shared }));
    expect(out.properties).toEqual({
      one: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
      two: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
    });
  });

  it('keeps CEL rules attached with withRules', () => {
    const schema = withRules(z.object({ a: z.number(), b: z.number() }), [
      { rule: 'self.a < self.b', message: 'a below b', fieldPath: '.a', holds: (v) => v.a < v.b },
    ]);
    expect(toStructuralSchema(schema)['x-kubernetes-validations']).toEqual([
      { rule: 'self.a < self.b', message: 'a below b', fieldPath: '.a' },
    ]);
  });

  it('writes prefault defaults out in full, because the API server checks CEL rules on defaults unfilled', () => {
    const schema = z.object({
      section: z.object({ a: z.number().default(1), b: z.string().optional() }).prefault({}),
    });
    expect((toStructuralSchema(schema).properties as Record<string, SchemaNode>).section!.default).toEqual({
      a: 1,
    });
  });

  it('drops the safe-integer bounds zod puts on every int', () => {
    expect(toStructuralSchema(z.int())).toEqual({ type: 'integer' });
  });

  const refused: Array<{ scenario: string; schema: z.ZodType; wantError: RegExp }> = [
    {
      scenario: 'a union of objects',
      schema: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]),
      wantError: /only integer-or-string unions/,
    },
    {
      scenario: 'a nullable field',
      schema: z.object({ a: z.string().nullable() }),
      wantError: /\.a: nullable is not supported/,
    },
    {
      scenario: 'a bare unknown',
      schema: z.object({ a: z.unknown() }),
      wantError: /\.a: every node .* needs a type/,
    },
  ];
  it.each(refused)('refuses $scenario, naming the path', ({ schema, wantError }) => {
    expect(() => toStructuralSchema(schema)).toThrow(wantError);
  });
});

describe('generated CRDs are structural', () => {
  const schemas = fulcrumCrds().map(({ fileName, crd }) => ({
    fileName,
    schema: crd.spec.versions[0]!.schema.openAPIV3Schema,
  }));

  it.each(schemas)('$fileName: every node has a type and no forbidden keyword', ({ schema }) => {
    const problems: string[] = [];
    for (const [path, node] of walk(schema)) {
      if (node.type === undefined && node['x-kubernetes-int-or-string'] !== true)
        problems.push(`${path}: no type`);
      for (const keyword of ['$ref', 'oneOf', 'allOf', 'nullable', 'uniqueItems', '$schema']) {
        if (keyword in node) problems.push(`${path}: ${keyword}`);
      }
      const intOrStringUnion = [{ type: 'integer' }, { type: 'string' }];
      if ('anyOf' in node && JSON.stringify(node.anyOf) !== JSON.stringify(intOrStringUnion)) {
        problems.push(`${path}: anyOf other than int-or-string`);
      }
      if (node.additionalProperties === false) problems.push(`${path}: additionalProperties false`);
    }
    expect(problems).toEqual([]);
  });

  it.each(schemas)('$fileName: every spec field has a description (kubectl explain)', ({ schema }) => {
    const spec = (schema.properties as Record<string, SchemaNode>).spec!;
    const undescribed = [...walk(spec, '.spec')]
      .filter(
        ([path, node]) => !path.endsWith('[]') && !path.endsWith('{}') && node.description === undefined,
      )
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });
});

/**
 * Validates Fulcrum objects offline, in the API server's order (apiextensions-apiserver's create path):
 *
 *  1. the kind must be one of the CRDs' (fulcrum.io/v1alpha1 ResourcePool or WorkloadPolicy);
 *  2. strict decoding: unknown fields stop everything (the server answers 400 before validating);
 *  3. status is dropped (the status subresource ignores it on create), nulls pruned, defaults applied;
 *  4. object metadata (name, labels) and the OpenAPI schema;
 *  5. the CEL rules, unless step 4 found a blocking error, in which case one error says they were skipped.
 *
 * The schemas and rules come from `fulcrumCrds()`, generated in-process from the zod schemas in src/api, so a
 * field or rule added there is checked here with no change. Pure.
 */
import { fulcrumCrds, type CustomResourceDefinition } from '../api/index.js';
import type { SchemaNode } from '../api/structural-schema.js';
import { celErrors } from './cel-rules.js';
import { BLOCKING_TYPES, RULES_NOT_CHECKED, type FieldError } from './field-error.js';
import { metadataErrors, unknownMetadataFields } from './object-meta.js';
import { assertUnderstood, schemaErrors, unknownFields, withDefaults } from './structural-schema-check.js';

/** The outcome for one object: `skipped` when it is not a Fulcrum kind (a Namespace next to a pool). */
export type ObjectVerdict =
  { result: 'valid' } | { result: 'invalid'; errors: FieldError[] } | { result: 'skipped'; reason: string };

interface KindSchema {
  schema: SchemaNode;
  namespaced: boolean;
}

export class ManifestValidator {
  private readonly kinds = new Map<string, KindSchema>();
  private readonly groups = new Set<string>();

  /** `crds` defaults to the CRDs generated from the zod schemas, i.e. what `make crds` commits. */
  constructor(crds: readonly CustomResourceDefinition[] = fulcrumCrds().map((file) => file.crd)) {
    for (const crd of crds) {
      this.groups.add(crd.spec.group);
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const { status: _status, ...props } = version.schema.openAPIV3Schema.properties as Record<
          string,
          SchemaNode
        >;
        const schema = { ...version.schema.openAPIV3Schema, properties: props };
        assertUnderstood(schema);
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        this.kinds.set(key, { schema, namespaced: crd.spec.scope === 'Namespaced' });
      }
    }
  }

  validate(object: unknown): ObjectVerdict {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      return {
        result: 'invalid',
        errors: [{ field: '', type: 'Invalid', message: 'not a Kubernetes object (a YAML mapping)' }],
      };
    }
    const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
    const group = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const known = this.kinds.get(`${String(apiVersion)}/${String(kind)}`);
    if (known === undefined) {
      if (!this.groups.has(group as string))
        return { result: 'skipped', reason: `${String(kind)} is not a Fulcrum kind` };
      const message = `no matches for kind "${String(kind)}" in version "${String(apiVersion)}"`;
      return { result: 'invalid', errors: [{ field: 'kind', type: 'Invalid', message }] };
    }
    const errors = checkObject(object as Record<string, unknown>, known);
    return errors.length === 0 ? { result: 'valid' } : { result: 'invalid', errors };
  }
}

function checkObject(object: Record<string, unknown>, kind: KindSchema): FieldError[] {
  // 2. Strict decoding.
  const { status: _status, ...withoutStatus } = object;
  const unknown = [
    ...unknownMetadataFields(object.metadata),
    ...unknownFields(withoutStatus, kind.schema, ''),
  ];
  if (unknown.length > 0) return unknown;
  // 3–4. Defaults, metadata, schema.
  const defaulted = withDefaults(withoutStatus, kind.schema);
  const errors = [...metadataErrors(object.metadata), ...schemaErrors(defaulted, kind.schema, '')];
  // 5. CEL, unless the object's shape is wrong.
  if (errors.some((error) => BLOCKING_TYPES.has(error.type))) return [...errors, RULES_NOT_CHECKED];
  return [...errors, ...celErrors(defaulted, kind.schema, '')];
}

/**
 * Builds a CustomResourceDefinition from the zod schemas of a kind. Pure: no I/O, the same input gives the
 * same object, so a test can compare the result with the committed YAML.
 */
import type { z } from 'zod';
import { toStructuralSchema, type SchemaNode } from './structural-schema.js';

/** A column of `kubectl get`. */
export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  /** 0 shows in `kubectl get`, 1 only in `kubectl get -o wide`. */
  priority?: number;
}

/** Everything that describes one kind with one served version. */
export interface CrdSource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: 'Cluster' | 'Namespaced';
  /** What the kind is for; shown by `kubectl explain <kind>`. */
  description: string;
  spec: z.ZodType;
  status: z.ZodType;
  printerColumns: PrinterColumn[];
  /** Spec fields usable in field selectors (`kubectl get --field-selector spec.pool=general`). */
  selectableFields?: string[];
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Cluster' | 'Namespaced';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: SchemaNode };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      selectableFields?: Array<{ jsonPath: string }>;
    }>;
  };
}

/** The CRD for `source`: a structural schema, the status subresource, printer columns and selectable fields. */
export function generateCrd(source: CrdSource): CustomResourceDefinition {
  const openAPIV3Schema: SchemaNode = {
    description: source.description,
    type: 'object',
    properties: {
      apiVersion: {
        description: 'Versioned schema of this representation of an object; fulcrum.io/v1alpha1.',
        type: 'string',
      },
      kind: { description: `Kind of this object; ${source.kind}.`, type: 'string' },
      metadata: { type: 'object' },
      spec: toStructuralSchema(source.spec),
      status: toStructuralSchema(source.status),
    },
    required: ['spec'],
  };
  const version: CustomResourceDefinition['spec']['versions'][number] = {
    name: source.version,
    served: true,
    storage: true,
    schema: { openAPIV3Schema },
    subresources: { status: {} },
    additionalPrinterColumns: source.printerColumns,
  };
  if (source.selectableFields !== undefined && source.selectableFields.length > 0) {
    version.selectableFields = source.selectableFields.map((jsonPath) => ({ jsonPath }));
  }
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${source.plural}.${source.group}`,
      labels: { 'app.kubernetes.io/part-of': 'fulcrum' },
    },
    spec: {
      group: source.group,
      names: {
        kind: source.kind,
        listKind: `${source.kind}List`,
        plural: source.plural,
        singular: source.singular,
        shortNames: source.shortNames,
        categories: source.categories,
      },
      scope: source.scope,
      versions: [version],
    },
  };
}

/**
 * The part of apimachinery's ObjectMeta validation that a manifest can get wrong: unknown metadata fields, the
 * name (required, a DNS-1123 subdomain as for every custom resource), label keys and values.
 */
import { childPath, keyPath, type FieldError } from './field-error.js';

const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function unknownMetadataFields(metadata: unknown): FieldError[] {
  if (!isRecord(metadata)) return [];
  return Object.keys(metadata)
    .filter((name) => !OBJECT_META_FIELDS.has(name))
    .map((name) => ({
      field: childPath('metadata', name),
      type: 'UnknownField',
      message: 'field not declared in schema',
    }));
}

export function metadataErrors(metadata: unknown): FieldError[] {
  if (!isRecord(metadata)) {
    return [
      {
        field: 'metadata.name',
        type: 'Required',
        message: 'Required value: name or generateName is required',
      },
    ];
  }
  const errors: FieldError[] = [];
  const { name, generateName, labels } = metadata;
  if (typeof name !== 'string' || name === '') {
    if (typeof generateName !== 'string' || generateName === '')
      errors.push({
        field: 'metadata.name',
        type: 'Required',
        message: 'Required value: name or generateName is required',
      });
  } else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    errors.push({
      field: 'metadata.name',
      type: 'Invalid',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  if (isRecord(labels)) errors.push(...labelErrors(labels));
  return errors;
}

function labelErrors(labels: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) {
      errors.push({
        field: 'metadata.labels',
        type: 'Invalid',
        message: `Invalid value: ${JSON.stringify(key)}: not a valid label key`,
      });
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      errors.push({
        field: keyPath('metadata.labels', key),
        type: 'Invalid',
        message: `Invalid value: ${JSON.stringify(value)}: a valid label must be 63 characters or less, alphanumeric, '-', '_' or '.' inside`,
      });
    }
  }
  return errors;
}

/** "app", "fulcrum.io/pool": an optional DNS subdomain prefix and a name of up to 63 characters. */
function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1] as string;
  const prefix = parts.length === 2 ? (parts[0] as string) : undefined;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

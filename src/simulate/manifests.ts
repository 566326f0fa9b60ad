/**
 * Reading Kubernetes manifests for `fulcrum simulate`: multi-document YAML (or JSON, a subset), with `List`
 * objects — what `kubectl get ... -o yaml` prints — expanded into their items. Pure: the caller reads the file.
 */
import { parseAllDocuments } from 'yaml';
import { describeOrigin, SimulationInputError, type ObjectOrigin } from './input-error.js';

/** One Kubernetes object as plain JSON, with where it came from. */
export interface SourcedObject {
  object: KubeObject;
  origin: ObjectOrigin;
}

/** The little every object has; the rest is read by the kind's own converter. */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/**
 * Every object in `text`, in order. Empty documents are skipped. Throws a SimulationInputError naming the file
 * and document for malformed YAML, a document that is not an object, or an object without kind or name.
 */
export function readManifests(text: string, source: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  const documents = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(documents)) return out; // an empty stream
  documents.forEach((document, index) => {
    const number = index + 1;
    const error = document.errors[0];
    if (error)
      throw new SimulationInputError(`${source}: document ${number}: invalid YAML: ${error.message}`);
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    for (const object of expandList(value, source, number)) {
      out.push({ object, origin: originOf(object, source, number) });
    }
  });
  return out;
}

/** A `List` (or `NodeList`, `PodList`, ...) becomes its items; anything else is one object. */
function expandList(value: unknown, source: string, document: number): KubeObject[] {
  const object = checkObject(value, source, document, undefined);
  const items = (object as { items?: unknown }).items;
  if (!object.kind.endsWith('List') || !Array.isArray(items)) return [object];
  // Typed lists from the API server omit kind and apiVersion on their items.
  const itemKind = object.kind === 'List' ? undefined : object.kind.slice(0, -'List'.length);
  return items.map((item, i) => checkObject(item, source, document, itemKind, i));
}

function checkObject(
  value: unknown,
  source: string,
  document: number,
  defaultKind: string | undefined,
  item?: number,
): KubeObject {
  const where = `${source}: document ${document}${item === undefined ? '' : `, item ${item + 1}`}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SimulationInputError(`${where}: expected a Kubernetes object, got ${kindOfValue(value)}`);
  }
  const object = value as Record<string, unknown>;
  const kind = object.kind ?? defaultKind;
  if (typeof kind !== 'string' || kind === '') {
    throw new SimulationInputError(`${where}: object has no kind`);
  }
  const metadata = object.metadata as { name?: unknown } | undefined;
  const isList = kind.endsWith('List') && Array.isArray(object.items);
  if (!isList && (typeof metadata?.name !== 'string' || metadata.name === '')) {
    throw new SimulationInputError(`${where}: ${kind} has no metadata.name`);
  }
  return { ...object, kind, metadata: (metadata ?? {}) as KubeObject['metadata'] };
}

function originOf(object: KubeObject, source: string, document: number): ObjectOrigin {
  const namespace = object.metadata.namespace;
  return {
    source,
    document,
    kind: object.kind,
    name: object.metadata.name,
    ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
  };
}

function kindOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/** Throws a SimulationInputError for `object` with `problem`, naming the file and the object. */
export function rejectObject(origin: ObjectOrigin, problem: string): never {
  throw new SimulationInputError(`${describeOrigin(origin)}: ${problem}`);
}

/**
 * A pod's node selector and required node affinity against nodes, with the core API's semantics
 * (k8s.io/component-helpers/scheduling/corev1/nodeaffinity).
 *
 * Compiled once per decision against label columns: a column numbers the distinct values of one label across
 * the snapshot's nodes, so each requirement is evaluated once per distinct value (a handful of zones, not
 * 5,000 nodes), and checking a node is a few integer array reads.
 */
import type { NodeInfo } from '../model/node-info.js';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../model/pod-info.js';

/** One label (or the node name) across nodes, as value numbers. */
export interface LabelColumn {
  /** Per node: the index of its value in `values`, or -1 when the node lacks the label. */
  ids: Int32Array;
  /** The distinct values. */
  values: readonly string[];
  idOf: ReadonlyMap<string, number>;
}

/** The column of label `key` over the nodes being checked. */
export type LabelColumns = (key: string) => LabelColumn;

/** Numbers `valueOf(i)` for `0 <= i < count`: a column. */
export function buildColumn(count: number, valueOf: (i: number) => string | undefined): LabelColumn {
  const ids = new Int32Array(count);
  const values: string[] = [];
  const idOf = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const value = valueOf(i);
    if (value === undefined) {
      ids[i] = -1;
      continue;
    }
    let id = idOf.get(value);
    if (id === undefined) {
      id = values.length;
      values.push(value);
      idOf.set(value, id);
    }
    ids[i] = id;
  }
  return { ids, values, idOf };
}

/** A requirement as a lookup: `pass[id + 1]` is 1 when a node with value number `id` (-1: absent) meets it. */
interface CompiledRequirement {
  ids: Int32Array;
  pass: Uint8Array;
}

/** A pod's node constraints compiled against label columns (compileNodeConstraints). */
export interface CompiledConstraints {
  /** Every label of the selector: the node's value number must equal `id` (-2 when no node has the value). */
  selector: ReadonlyArray<{ ids: Int32Array; id: number }>;
  /**
   * Undefined: no required affinity. Otherwise a node must meet every requirement of at least one term; an
   * undefined term (empty, or on a field Kubernetes does not know) matches no node.
   */
  terms: ReadonlyArray<readonly CompiledRequirement[] | undefined> | undefined;
}

/**
 * Compiles `nodeSelector` (every label must match exactly) and `requiredTerms` (at least one term must hold;
 * within a term every requirement; undefined terms mean no required affinity, an empty list or an empty term
 * matches no node), for `constraintVerdict(s)`. `nameColumn` numbers the node names, for matchFields on
 * `metadata.name`, the only field Kubernetes supports.
 */
export function compileNodeConstraints(
  nodeSelector: Record<string, string> | undefined,
  requiredTerms: readonly NodeSelectorTerm[] | undefined,
  columns: LabelColumns,
  nameColumn: () => LabelColumn,
): CompiledConstraints {
  const selector = Object.entries(nodeSelector ?? {}).map(([key, value]) => {
    const column = columns(key);
    return { ids: column.ids, id: column.idOf.get(value) ?? -2 };
  });
  const terms = requiredTerms?.map((term): CompiledRequirement[] | undefined => {
    const expressions = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (expressions.length === 0 && fields.length === 0) return undefined;
    if (fields.some((req) => req.key !== 'metadata.name')) return undefined;
    return [
      ...expressions.map((req) => compileRequirement(req, columns(req.key))),
      ...fields.map((req) => compileRequirement(req, nameColumn())),
    ];
  });
  return { selector, terms };
}

function compileRequirement(req: NodeSelectorRequirement, column: LabelColumn): CompiledRequirement {
  const pass = new Uint8Array(column.values.length + 1);
  pass[0] = matchesRequirement(req, false, undefined) ? 1 : 0;
  column.values.forEach((value, id) => {
    pass[id + 1] = matchesRequirement(req, true, value) ? 1 : 0;
  });
  return { ids: column.ids, pass };
}

/** Verdict codes of `constraintVerdicts`. */
export const VERDICT_OK = 0;
export const VERDICT_SELECTOR = 1;
export const VERDICT_AFFINITY = 2;

/**
 * The verdict on every node `0 <= i < count` at once (VERDICT_OK, VERDICT_SELECTOR or VERDICT_AFFINITY):
 * one integer pass per selector label, the affinity terms only on nodes the selector kept.
 */
export function constraintVerdicts(constraints: CompiledConstraints, count: number): Uint8Array {
  const verdicts = new Uint8Array(count);
  for (const { ids, id } of constraints.selector) {
    for (let i = 0; i < count; i++) if (ids[i] !== id) verdicts[i] = VERDICT_SELECTOR;
  }
  if (constraints.terms === undefined) return verdicts;
  for (let i = 0; i < count; i++) {
    if (verdicts[i] === VERDICT_OK && !someTermHolds(constraints.terms, i)) verdicts[i] = VERDICT_AFFINITY;
  }
  return verdicts;
}

/** Whether node `i` meets compiled constraints: `ok`, or which part fails. */
export function constraintVerdict(
  constraints: CompiledConstraints,
  i: number,
): 'ok' | 'selector' | 'affinity' {
  for (const { ids, id } of constraints.selector) if (ids[i] !== id) return 'selector';
  if (constraints.terms === undefined || someTermHolds(constraints.terms, i)) return 'ok';
  return 'affinity';
}

function someTermHolds(terms: NonNullable<CompiledConstraints['terms']>, i: number): boolean {
  for (const term of terms) {
    if (term === undefined) continue;
    let holds = true;
    for (const { ids, pass } of term) {
      if (pass[(ids[i] as number) + 1] !== 1) {
        holds = false;
        break;
      }
    }
    if (holds) return true;
  }
  return false;
}

/** Columns of a single node, for checking one node outside a snapshot. */
function singleNode(node: NodeInfo): { columns: LabelColumns; names: () => LabelColumn } {
  return {
    columns: (key) => buildColumn(1, () => (Object.hasOwn(node.labels, key) ? node.labels[key] : undefined)),
    names: () => buildColumn(1, () => node.name),
  };
}

/** True when the node carries every label of `selector` with the same value. */
export function matchesNodeSelector(selector: Record<string, string> | undefined, node: NodeInfo): boolean {
  const { columns, names } = singleNode(node);
  return constraintVerdict(compileNodeConstraints(selector, undefined, columns, names), 0) === 'ok';
}

/** True when the node matches at least one term of required node affinity (see compileNodeConstraints). */
export function matchesRequiredAffinity(
  terms: readonly NodeSelectorTerm[] | undefined,
  node: NodeInfo,
): boolean {
  const { columns, names } = singleNode(node);
  return constraintVerdict(compileNodeConstraints(undefined, terms, columns, names), 0) === 'ok';
}

/** One requirement; Gt and Lt compare integers and fail when either side is not one. */
export function matchesRequirement(
  req: NodeSelectorRequirement,
  present: boolean,
  value: string | undefined,
): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return present && values.includes(value as string);
    case 'NotIn':
      return !present || !values.includes(value as string);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || values.length !== 1) return false;
      const have = parseInteger(value as string);
      const want = parseInteger(values[0] as string);
      if (have === undefined || want === undefined) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

function parseInteger(text: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(text) ? Number(text) : undefined;
}

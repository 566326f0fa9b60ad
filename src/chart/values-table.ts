/**
 * The chart README's table of values, generated from values.yaml (each value's comment is its description)
 * and values.schema.json (which objects are groups of values, and which are free-form values of their own),
 * so the table cannot drift from the values a user gets. Pure: text in, markdown out.
 */
import { isMap, isNode, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';

export interface ValueRow {
  /** Dotted path, e.g. `leaderElection.leaseName`. */
  path: string;
  /** The default, as JSON. */
  defaultValue: string;
  description: string;
}

/** The schema of an object whose keys are values documented one by one. */
export interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  [keyword: string]: unknown;
}

/**
 * One row per value of `valuesYaml`, in file order. An object whose schema lists `properties` is a group: its
 * keys get rows of their own; any other value (free-form objects such as `resources`) is one row. Throws when
 * a value has no comment, naming it, so every value of the chart is documented.
 */
export function valueRows(valuesYaml: string, schema: SchemaNode): ValueRow[] {
  const document = parseDocument(valuesYaml);
  if (!isMap(document.contents)) throw new Error('values.yaml is not a map');
  const rows: ValueRow[] = [];
  const missing: string[] = [];
  walk(document.contents, schema, '', rows, missing);
  if (missing.length > 0) throw new Error(`values without a comment in values.yaml: ${missing.join(', ')}`);
  return rows;
}

function walk(map: YAMLMap, schema: SchemaNode, prefix: string, rows: ValueRow[], missing: string[]): void {
  (map.items as Pair[]).forEach((pair, index) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const path = `${prefix}${key}`;
    const child = schema.properties?.[key];
    if (child?.properties && isMap(pair.value)) {
      walk(pair.value, child, `${path}.`, rows, missing);
      return;
    }
    // The yaml parser hands the comment above a map's first key to the map itself.
    const description = commentOf(pair) || (index === 0 ? oneLine(map.commentBefore) : '');
    if (!description) missing.push(path);
    const value: unknown = isNode(pair.value) ? pair.value.toJSON() : pair.value;
    rows.push({ path, defaultValue: JSON.stringify(value ?? null), description });
  });
}

/** The comment written above a key (or after its value on the same line), as one line of prose. */
function commentOf(pair: Pair): string {
  const key = pair.key as { commentBefore?: string | null } | null;
  const value = pair.value as { comment?: string | null } | null;
  return oneLine(key?.commentBefore ?? value?.comment);
}

function oneLine(text: string | null | undefined): string {
  return (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

/** The markdown table of `rows` (pipes in descriptions escaped). */
export function valuesTable(rows: readonly ValueRow[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = ['| value | default | description |', '| --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| \`${row.path}\` | \`${cell(row.defaultValue)}\` | ${cell(row.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}

export const TABLE_START = '<!-- values-table:start (generated from values.yaml by `make chart-docs`) -->';
export const TABLE_END = '<!-- values-table:end -->';

/** `readme` with the text between the table markers replaced by `table`; throws if the markers are missing. */
export function withValuesTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`the chart README lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${table}\n${readme.slice(end)}`;
}

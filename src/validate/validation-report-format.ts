/**
 * Printing a ValidationReport: one line per error for people and CI logs (`file:line: Kind/name: field: message`,
 * the shape editors and CI annotations link), JSON or YAML for tools.
 */
import { stringify } from 'yaml';
import type { ObjectResult, ValidationReport } from './validate-documents.js';

export const VALIDATE_OUTPUT_FORMATS = ['text', 'json', 'yaml'] as const;
export type ValidateOutputFormat = (typeof VALIDATE_OUTPUT_FORMATS)[number];

export function formatValidationReport(report: ValidationReport, format: ValidateOutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'yaml':
      return stringify(report);
    case 'text':
      return formatText(report);
  }
}

function formatText(report: ValidationReport): string {
  const lines = report.objects.flatMap(objectLines);
  const { files, objects, valid, invalid, skipped } = report.totals;
  lines.push(
    `${files} file(s), ${objects} object(s): ${valid} valid, ${invalid} invalid, ${skipped} skipped (not Fulcrum kinds)`,
  );
  return `${lines.join('\n')}\n`;
}

function objectLines(object: ObjectResult): string[] {
  const where = (line: number | undefined) => `${object.file}:${line ?? object.line ?? 1}`;
  const what = `${describeObject(object)} (document ${object.document}${object.item !== undefined ? `, item ${object.item}` : ''})`;
  if (object.result === 'valid') return [`${where(undefined)}: ${what}: valid`];
  if (object.result === 'skipped') return [];
  return object.errors.map(
    (error) =>
      `${where(error.line)}: ${what}: ${error.field === '' ? '' : `${error.field}: `}${error.message}`,
  );
}

function describeObject(object: ObjectResult): string {
  const name = object.namespace ? `${object.namespace}/${object.name}` : object.name;
  if (object.kind === '') return name === '' ? 'object' : name;
  return `${object.kind}/${name === '' ? '<no name>' : name}`;
}

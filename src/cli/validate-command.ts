import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManifestValidator } from '../validate/manifest-validator.js';
import { summarize, validateText, type ObjectResult } from '../validate/validate-documents.js';
import {
  formatValidationReport,
  VALIDATE_OUTPUT_FORMATS,
  type ValidateOutputFormat,
} from '../validate/validation-report-format.js';

const HELP = `Usage: fulcrum validate -f FILE|DIR|- [-f ...] [-o text|json|yaml]

Checks ResourcePool and WorkloadPolicy manifests offline, with the schemas and CEL rules the API server
enforces (the CRDs generated from this version of Fulcrum): unknown fields, types, enums, bounds, patterns,
defaults, and every x-kubernetes-validations rule. Other kinds are skipped. No cluster is contacted.

Flags:
  -f, --filename PATH   a YAML or JSON file, a directory (read recursively: *.yaml, *.yml, *.json), or '-'
                        for standard input; repeatable
  -o, --output FMT      text (default: one line per error, file:line: Kind/name: field: message), json or yaml

Exit status: 0 when every Fulcrum object is valid, 1 when one is not (or a file cannot be read or parsed),
2 on a usage error.`;

class UsageError extends Error {}

export function validateCommand(args: string[]): number {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        filename: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o', default: 'text' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!VALIDATE_OUTPUT_FORMATS.includes(values.output as ValidateOutputFormat))
      throw new UsageError(`--output must be one of ${VALIDATE_OUTPUT_FORMATS.join(', ')}`);
    if (!values.filename?.length) throw new UsageError('give at least one -f FILE|DIR|-');
  } catch (error) {
    console.error(`fulcrum validate: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  const validator = new ManifestValidator();
  const files = values.filename.flatMap(expandPath);
  const objects: ObjectResult[] = files.flatMap((file) => validateFile(file, validator));
  const report = summarize(objects, files.length);
  process.stdout.write(formatValidationReport(report, values.output as ValidateOutputFormat));
  return report.totals.invalid > 0 ? 1 : 0;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** A file as given; a directory as its manifest files, recursively, in name order. */
function expandPath(path: string): string[] {
  if (path === '-') return ['-'];
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    return [path]; // reported as unreadable by validateFile
  }
  if (!isDirectory) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return expandPath(child);
      return MANIFEST_FILE.test(entry.name) ? [child] : [];
    });
}

function validateFile(file: string, validator: ManifestValidator): ObjectResult[] {
  const name = file === '-' ? 'stdin' : file;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const message = `cannot read: ${(error as { message?: string }).message ?? String(error)}`;
    return [
      { file: name, document: 0, kind: '', name: '', result: 'invalid', errors: [{ field: '', message }] },
    ];
  }
  return validateText(text, name, validator);
}

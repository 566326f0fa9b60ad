/**
 * Cross-field rules written once and enforced twice: as CEL `x-kubernetes-validations` by the API server, and as
 * a zod refinement by `parse*()`, so the operator rejects exactly what `kubectl apply` would have rejected.
 */
import { z } from 'zod';

export interface ValidationRule<T> {
  /** CEL expression the API server evaluates with `self` bound to the value (after defaulting). */
  rule: string;
  /** Error text; the API server prefixes it with the field path. */
  message: string;
  /** Field the error is reported on, relative to the value, in CEL field-path syntax (".timeout"). */
  fieldPath?: string;
  /** The same rule in TypeScript, evaluated on the defaulted value. */
  holds: (value: T) => boolean;
}

/** How a rule appears in the CRD (`x-kubernetes-validations` entries). */
export interface CelValidation {
  rule: string;
  message: string;
  fieldPath?: string;
}

/**
 * Attaches `rules` to `schema`: as CEL metadata for the CRD generator, and as zod refinements for parsing.
 * Rules attached earlier to the same schema are kept.
 */
export function withRules<S extends z.ZodType>(schema: S, rules: ValidationRule<z.output<S>>[]): S {
  let refined: S = schema;
  for (const { holds, message, fieldPath } of rules) {
    refined = refined.refine(holds, { message, path: fieldPathSegments(fieldPath) }) as S;
  }
  const earlier = (schema.meta()?.['x-kubernetes-validations'] ?? []) as CelValidation[];
  const validations: CelValidation[] = rules.map(({ rule, message, fieldPath }) =>
    fieldPath === undefined ? { rule, message } : { rule, message, fieldPath },
  );
  return refined.meta({ 'x-kubernetes-validations': [...earlier, ...validations] }) as S;
}

/** ".probe.timeout" → ["probe", "timeout"]; only the simple dotted form is used in this API. */
function fieldPathSegments(fieldPath: string | undefined): string[] {
  return fieldPath === undefined ? [] : fieldPath.split('.').filter((segment) => segment !== '');
}

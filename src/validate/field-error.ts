/**
 * A validation error as the API server reports one (apimachinery's `field.Error`): the field path in kubectl
 * notation, the error type, and a message. The types are the API server's, because they decide whether the CEL
 * rules run at all (see BLOCKING_TYPES).
 */

export type FieldErrorType =
  | 'Invalid'
  | 'Required'
  | 'NotSupported'
  | 'TooLong'
  | 'TooMany'
  | 'TypeInvalid'
  | 'Duplicate'
  | 'UnknownField';

export interface FieldError {
  /** "spec.failover.probe.timeout", "spec.nodeSelector.matchExpressions[0].values"; "" for the object. */
  field: string;
  type: FieldErrorType;
  message: string;
}

/**
 * Schema errors after which the API server does not evaluate CEL rules (apiextensions-apiserver's
 * `hasBlockingErr`): the object does not have the shape the rules were written for.
 */
export const BLOCKING_TYPES: ReadonlySet<FieldErrorType> = new Set([
  'NotSupported',
  'Required',
  'TooLong',
  'TooMany',
  'TypeInvalid',
]);

/** The error the API server adds in place of the CEL rules it skipped. */
export const RULES_NOT_CHECKED: FieldError = {
  field: '',
  type: 'Invalid',
  message:
    'some validation rules were not checked because the object was invalid; correct the existing errors ' +
    'to complete validation',
};

/** `path` + `.name` in kubectl notation. */
export function childPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** `path` + `[index]`. */
export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** `path` + `[key]`, for map values, as the API server writes them. */
export function keyPath(path: string, key: string): string {
  return `${path}[${key}]`;
}

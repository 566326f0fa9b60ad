/**
 * Classifying errors from the Kubernetes API, whatever layer produced them: `ApiException` from the generated
 * clients (`.code`), `Watch` errors (`.statusCode`), `Status` objects from a watch stream (`.code`), or
 * network failures (no status at all).
 */

/** The HTTP status carried by an API error, or undefined for network-level failures. */
export function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

export const isNotFound = (error: unknown): boolean => statusCode(error) === 404;
export const isConflict = (error: unknown): boolean => statusCode(error) === 409;
/** 410 Gone: the resource version asked for is older than the server's history (watch or list continue). */
export const isGone = (error: unknown): boolean => statusCode(error) === 410;
/** 429 Too Many Requests: throttled, or an eviction refused by a PodDisruptionBudget. */
export const isTooManyRequests = (error: unknown): boolean => statusCode(error) === 429;

/** An error with an HTTP status, for failures reported inside a response (watch `ERROR` events). */
export class ApiStatusError extends Error {
  override readonly name = 'ApiStatusError';
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** A short, log-friendly description of any error (API errors carry their status and server message). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = statusCode(error);
  const body = (error as { body?: unknown }).body;
  const serverMessage =
    typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : undefined;
  const parts = [error.name !== 'Error' ? `${error.name}: ` : '', serverMessage ?? error.message];
  if (code !== undefined) parts.push(` (HTTP ${code})`);
  if (error.cause !== undefined) parts.push(`: ${describeError(error.cause)}`);
  return parts.join('');
}

import {
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/**
 * Per-call options for the generated clients that attach an AbortSignal to the request, so that every API
 * call made by the runtime can be cancelled or bounded by a timeout (the generated clients have none
 * otherwise). Compose with `setHeaderOptions(key, value, requestOptions(signal))`.
 */
export function requestOptions(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

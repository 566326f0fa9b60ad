import {
  HttpMethod,
  RequestContext,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { IsomorphicFetchHttpLibrary } from '@kubernetes/client-node/dist/gen/http/isomorphic-fetch.js';
import { ApiStatusError } from './errors.js';
import type { ListPageFn } from './list-watch-source.js';
import { stripManagedFieldsText } from './strip-managed-fields.js';

const http = new IsomorphicFetchHttpLibrary();

/**
 * One list page of `path` as the API server's JSON, parsed and nothing more: the items stay wire JSON
 * (timestamps as text), for an informer whose transform reads wire JSON (pods: `leanPod`). The generated
 * client would also run its decoder over every field of every item, most of which the transform then
 * drops; at 150,000 pods that decoder was most of the sync time and of its garbage.
 *
 * Same request as the generated list call: the KubeConfig's authentication (and throttling, for a
 * ThrottledKubeConfig), `limit` and `continue`, the signal. A non-200 answer rejects with an
 * `ApiStatusError` carrying the HTTP status and the server's Status message (410 when a continue token
 * expired, so the informer relists).
 */
export function wireListPage<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  path: string,
): ListPageFn<T> {
  return async (page, _options, signal) => {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in the kubeconfig');
    const url = new URL(cluster.server + path);
    if (page.limit !== undefined) url.searchParams.set('limit', String(page.limit));
    if (page._continue !== undefined) url.searchParams.set('continue', page._continue);
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    if (signal) context.setSignal(signal);
    await kubeConfig.applySecurityAuthentication(context);
    const response = await http.send(context).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode !== 200) throw statusError(response.httpStatusCode, text);
    // managedFields are cut from the text, not parsed then dropped: see strip-managed-fields.ts.
    const list = JSON.parse(stripManagedFieldsText(text)) as KubernetesListObject<T> & {
      metadata?: { continue?: string };
    };
    // The wire name is `continue`; the generated client renames it `_continue`.
    if (list.metadata?.continue !== undefined) list.metadata._continue = list.metadata.continue;
    return list;
  };
}

function statusError(code: number, text: string): ApiStatusError {
  let status: { message?: string; reason?: string } = {};
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    // not a Status: keep the HTTP code, the text becomes the message
  }
  return new ApiStatusError(code, status.message ?? (text.slice(0, 200) || `HTTP ${code}`), status.reason);
}

/**
 * Who may read /metrics: the caller's bearer token must pass a TokenReview, and the user it names must be
 * allowed `get` on the non-resource URL `/metrics` by a SubjectAccessReview — the API server decides both, as
 * for controller-runtime's secure metrics (`filters.WithAuthenticationAndAuthorization`) and kube-rbac-proxy.
 * Answers are cached briefly (10 s, like the API server's delegated authentication), so a scrape every few
 * seconds costs the API server two reviews per caller per 10 s, not per scrape.
 */
import { createHash } from 'node:crypto';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';

export type MetricsAccess =
  { allowed: true; user: string } | { allowed: false; status: 401 | 403; reason: string };

export interface MetricsAuthorizer {
  /** Whether the bearer `token` (undefined when the request has none) may `get` `path`. */
  authorize(token: string | undefined, path: string): Promise<MetricsAccess>;
}

/** The two reviews, as the API server answers them. */
export interface ReviewClient {
  tokenReview(
    token: string,
  ): Promise<{ authenticated: boolean; user?: string; groups?: string[]; error?: string }>;
  accessReview(user: string, groups: string[], path: string): Promise<{ allowed: boolean; reason?: string }>;
}

const CACHE_TTL_MS = 10_000;
const CACHE_ENTRIES = 1024;

/** TokenReview + SubjectAccessReview through `client`, with a short cache of answers per token and path. */
export class DelegatingMetricsAuthorizer implements MetricsAuthorizer {
  private readonly cache = new Map<string, { access: MetricsAccess; until: number }>();

  constructor(
    private readonly client: ReviewClient,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(token: string | undefined, path: string): Promise<MetricsAccess> {
    if (!token) return { allowed: false, status: 401, reason: 'no bearer token' };
    const key = `${createHash('sha256').update(token).digest('hex')} ${path}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.access;
    const access = await this.review(token, path);
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { access, until: this.now() + CACHE_TTL_MS });
    return access;
  }

  private async review(token: string, path: string): Promise<MetricsAccess> {
    const identity = await this.client.tokenReview(token);
    if (!identity.authenticated || !identity.user) {
      return { allowed: false, status: 401, reason: identity.error || 'token not authenticated' };
    }
    const decision = await this.client.accessReview(identity.user, identity.groups ?? [], path);
    if (!decision.allowed) {
      const why = decision.reason ? `: ${decision.reason}` : '';
      return { allowed: false, status: 403, reason: `${identity.user} may not get ${path}${why}` };
    }
    return { allowed: true, user: identity.user };
  }
}

/** The reviews against the API server of `kubeConfig` (needs `create` on both review resources). */
export function kubeReviewClient(kubeConfig: KubeConfig): ReviewClient {
  const authn = kubeConfig.makeApiClient(AuthenticationV1Api);
  const authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  return {
    tokenReview: async (token) => {
      const review = await authn.createTokenReview({ body: { spec: { token } } });
      return {
        authenticated: review.status?.authenticated === true,
        user: review.status?.user?.username,
        groups: review.status?.user?.groups,
        error: review.status?.error,
      };
    },
    accessReview: async (user, groups, path) => {
      const review = await authz.createSubjectAccessReview({
        body: { spec: { user, groups, nonResourceAttributes: { path, verb: 'get' } } },
      });
      return { allowed: review.status?.allowed === true, reason: review.status?.reason };
    },
  };
}

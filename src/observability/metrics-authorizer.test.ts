import { DelegatingMetricsAuthorizer, type ReviewClient } from './metrics-authorizer.js';

/** Reviews answered from tables, counting calls. */
function reviews(users: Record<string, string>, allowed: string[]) {
  const calls = { tokenReview: 0, accessReview: 0 };
  const client: ReviewClient = {
    tokenReview: async (token) => {
      calls.tokenReview++;
      const user = users[token];
      return user
        ? { authenticated: true, user, groups: ['system:authenticated'] }
        : { authenticated: false };
    },
    accessReview: async (user) => {
      calls.accessReview++;
      return allowed.includes(user) ? { allowed: true } : { allowed: false, reason: 'no RBAC rule' };
    },
  };
  return { client, calls };
}

describe('DelegatingMetricsAuthorizer', () => {
  const users = { good: 'system:serviceaccount:monitoring:prometheus', other: 'system:serviceaccount:x:y' };

  test.each([
    { scenario: 'no token', token: undefined, want: { allowed: false, status: 401 } },
    {
      scenario: 'a token the API server does not know',
      token: 'forged',
      want: { allowed: false, status: 401 },
    },
    {
      scenario: 'a known user without the RBAC rule',
      token: 'other',
      want: {
        allowed: false,
        status: 403,
        reason: 'system:serviceaccount:x:y may not get /metrics: no RBAC rule',
      },
    },
    {
      scenario: 'a known user allowed to get /metrics',
      token: 'good',
      want: { allowed: true, user: users.good },
    },
  ])('$scenario', async ({ token, want }) => {
    const authorizer = new DelegatingMetricsAuthorizer(reviews(users, [users.good]).client);
    expect(await authorizer.authorize(token, '/metrics')).toMatchObject(want);
  });

  test('answers are cached for 10 s per token, then asked again', async () => {
    let now = 0;
    const { client, calls } = reviews(users, [users.good]);
    const authorizer = new DelegatingMetricsAuthorizer(client, () => now);
    await authorizer.authorize('good', '/metrics');
    await authorizer.authorize('good', '/metrics');
    expect(calls).toEqual({ tokenReview: 1, accessReview: 1 });
    now = 10_001;
    await authorizer.authorize('good', '/metrics');
    expect(calls).toEqual({ tokenReview: 2, accessReview: 2 });
  });
});

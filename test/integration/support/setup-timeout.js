// Integration tests wait on a real control plane (node heartbeats, lease expiry, API server restarts):
// give each test two minutes. Jest ignores `testTimeout` inside a project, hence this file.
import { jest } from '@jest/globals';

jest.setTimeout(120_000);

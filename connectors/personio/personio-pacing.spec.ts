/**
 * Pacing against the sandbox with Personio's real limits switched on (real clock, small
 * companies so it takes about two seconds): a healthy v1 read of more pages than the burst
 * allows, and a v2 read whose fan-out exceeds the announced bucket, both complete with zero
 * 429s. The v2 client learns the limits from `x-ratelimit-*`. No timing assertions.
 */
import { PersonioConnector } from './personio.connector';
import { drain, expectedEmployees, stripRaw } from './personio.test-kit';
import { startSandbox, type CredentialInfo, type RunningSandbox } from './sandbox/index';

describe('client-side pacing under the sandbox rate limits (real clock)', () => {
  let sb: RunningSandbox;
  let credential: CredentialInfo;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 3,
      employees: 24,
      referenceDate: '2026-06-15',
      absencesPerEmployee: 0,
      // Real Personio figures for v1; a small v2 bucket so the fan-out must be paced.
      rateLimits: { v2: { persons: { capacity: 8, refillPerSecond: 10 } } },
    });
    credential = sb.credentials[0] as CredentialInfo;
  });

  afterAll(async () => {
    await sb.close();
  });

  it('v1: 25 requests against a 15-request burst and 5/s refill, no 429', async () => {
    const connector = new PersonioConnector({ baseUrl: sb.url, employeePageSize: 1 });
    const session = connector.session(
      { clientId: credential.clientId, clientSecret: credential.clientSecret },
      { apiVersion: 'v1' },
    );
    const { items } = await drain(session.employees());
    expect(stripRaw(items)).toEqual(expectedEmployees(sb, 'v1'));
    const stats = session.stats();
    expect(stats.throttled).toBe(0);
    expect(stats.requests - stats.authRequests).toBeGreaterThan(15);
    expect(stats.rateLimitWaits).toBeGreaterThan(0);
    await connector.close();
  });

  it('v2: persons and per-person employments paced from x-ratelimit headers, no 429', async () => {
    // Start far above the sandbox's bucket: only what the headers announce keeps 429s away.
    const connector = new PersonioConnector({
      baseUrl: sb.url,
      personPageSize: 12,
      rateLimits: { v2Initial: { capacity: 100, refillPerSecond: 100 } },
    });
    const session = connector.session(
      { clientId: credential.clientId, clientSecret: credential.clientSecret },
      { apiVersion: 'v2' },
    );
    const { items } = await drain(session.employees());
    expect(stripRaw(items)).toEqual(expectedEmployees(sb, 'v2'));
    const stats = session.stats();
    expect(stats.throttled).toBe(0);
    expect(stats.rateLimitWaits).toBeGreaterThan(0);
    await connector.close();
  });
});

/**
 * Every fault the sandbox can inject, against a full read over real HTTP (v1 and v2): 429
 * bursts with and without Retry-After, 5xx on page N, truncated bodies, connection resets, slow
 * bodies past the body timeout, malformed bodies, a changed `total_elements`. Each ends either
 * in a complete read equal to the sandbox's data or in a failure with the right code, never in
 * a short list. A fast-check property runs random fault schedules for both API generations.
 * Backoff sleeps are fake (no real waiting); only slow bodies cost real time.
 */
import fc from 'fast-check';
import { ConnectorError, type ConnectorErrorCode } from '../connector';
import { PersonioConnector } from './personio.connector';
import { drain, expectedEmployees, fakeTime, stripRaw } from './personio.test-kit';
import {
  startSandbox,
  type CredentialInfo,
  type FaultKind,
  type FaultRuleInput,
  type RunningSandbox,
} from './sandbox/index';

type Outcome =
  { ok: true; count: number } | { ok: false; code: ConnectorErrorCode; error: ConnectorError };

const PATHS = { v1: '/v1/company/employees', v2: '/v2/persons*' } as const;

describe('Personio connector under injected faults (sandbox over HTTP)', () => {
  let sb: RunningSandbox;
  let credential: CredentialInfo;

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 5,
      employees: 60,
      referenceDate: '2026-06-15',
      rateLimits: false,
    });
    credential = sb.credentials[0] as CredentialInfo;
  });

  afterEach(() => {
    sb.control.clearFaults();
    sb.control.setRateLimits(false);
  });

  afterAll(async () => {
    await sb.close();
  });

  /** A full employee read with a fresh connector (fake backoff sleeps, short body timeout). */
  async function read(
    version: 'v1' | 'v2',
    retry = {},
    timeouts: { bodyMs?: number; headersMs?: number; totalMs?: number } = {},
  ): Promise<Outcome> {
    const time = fakeTime();
    const connector = new PersonioConnector({
      baseUrl: sb.url,
      rateLimits: false,
      employeePageSize: 20,
      personPageSize: 20,
      clock: time.clock,
      sleep: time.sleep,
      // undici checks header and body timeouts on a coarse (~1 s) timer; the whole-request
      // deadline is exact, so it is what keeps slow faults cheap here.
      timeouts: { bodyMs: 150, headersMs: 2_000, totalMs: 1_000, ...timeouts },
      retry: { maxAttempts: 4, ...retry },
    });
    const session = connector.session(
      { clientId: credential.clientId, clientSecret: credential.clientSecret },
      { apiVersion: version },
    );
    try {
      const { items } = await drain(session.employees());
      // Anything that claims success must be the whole company, exactly.
      expect(stripRaw(items)).toEqual(expectedEmployees(sb, version));
      return { ok: true, count: items.length };
    } catch (error: unknown) {
      if (!(error instanceof ConnectorError)) throw error;
      return { ok: false, code: error.code, error };
    } finally {
      await connector.close();
    }
  }

  const fault = (version: 'v1' | 'v2', rule: Omit<FaultRuleInput, 'path'>): void => {
    sb.control.addFault({ path: PATHS[version], method: 'GET', ...rule });
  };

  describe.each(['v1', 'v2'] as const)('API %s', (version) => {
    it.each<[string, Omit<FaultRuleInput, 'path'>]>([
      ['a 429 burst without Retry-After', { kind: 'rate-limit', page: 2, times: 3 }],
      ['a 500 on page 2', { kind: 'status', status: 500, page: 2, times: 2 }],
      ['a 502 on page 3', { kind: 'status', status: 502, page: 3 }],
      ['a truncated body', { kind: 'truncated-body', page: 2 }],
      ['a connection reset', { kind: 'connection-reset', page: 3 }],
      ['a body slower than the request deadline', { kind: 'slow-body', page: 2, delayMs: 3_000 }],
      ['a malformed body', { kind: 'malformed-body', page: 2 }],
      ['a changed total once', { kind: 'total-elements', page: 2, totalElements: 999 }],
      ['headers later than the request deadline', { kind: 'latency', page: 2, delayMs: 2_500 }],
    ])('recovers from %s and returns the whole company', async (_name, rule) => {
      fault(version, rule);
      const outcome = await read(version);
      expect(outcome).toEqual({ ok: true, count: 60 });
    });

    it('a body that stalls longer than the body timeout is abandoned and read again', async () => {
      // Ten chunks 2 s apart: the 150 ms body timeout fires at the first gap (within ~1 s).
      fault(version, { kind: 'slow-body', page: 2, delayMs: 20_000 });
      const started = Date.now();
      expect(await read(version, {}, { totalMs: 15_000 })).toEqual({ ok: true, count: 60 });
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('honours Retry-After on 429 bursts', async () => {
      sb.control.setRateLimits({ enabled: false, retryAfterHeader: true });
      fault(version, { kind: 'rate-limit', page: 1, times: 2 });
      expect(await read(version)).toEqual({ ok: true, count: 60 });
    });

    it.each<[string, Omit<FaultRuleInput, 'path'>, ConnectorErrorCode]>([
      ['endless 429s', { kind: 'rate-limit', page: 2, times: 0 }, 'RATE_LIMITED'],
      ['endless 503s', { kind: 'status', status: 503, page: 2, times: 0 }, 'TEMPORARY'],
      ['endless resets', { kind: 'connection-reset', page: 2, times: 0 }, 'TEMPORARY'],
      ['endless malformed bodies', { kind: 'malformed-body', page: 2, times: 0 }, 'BAD_RESPONSE'],
      ['a 400 (never retried)', { kind: 'status', status: 400, page: 2 }, 'BAD_RESPONSE'],
    ])('fails with the right code on %s', async (_name, rule, code) => {
      fault(version, rule);
      const outcome = await read(version);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.code).toBe(code);
    });
  });

  it('v2: a next link repeating the page is read again once, then the read completes', async () => {
    fault('v2', { kind: 'repeat-cursor', page: 2 });
    expect(await read('v2')).toEqual({ ok: true, count: 60 });
  });

  it('v2: a next link that keeps repeating the page is BAD_RESPONSE, not an endless loop', async () => {
    fault('v2', { kind: 'repeat-cursor', page: 2, times: 0 });
    const outcome = await read('v2');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.code).toBe('BAD_RESPONSE');
  });

  it('v1: a page starting with the last record of the page before is read again, then completes', async () => {
    // The page has one record more than asked for (and a repeated id): a bad body, retried.
    fault('v1', { kind: 'duplicate-record', page: 2 });
    expect(await read('v1')).toEqual({ ok: true, count: 60 });
  });

  it('v1: a record that keeps repeating across pages is BAD_RESPONSE, never a duplicate', async () => {
    fault('v1', { kind: 'duplicate-record', page: 3, times: 0 });
    const outcome = await read('v1');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.code).toBe('BAD_RESPONSE');
      expect(outcome.error.details.reason).toContain('page at offset 40 has 21 records');
    }
  });

  it('v1: a total that keeps changing is BAD_RESPONSE, not a short list', async () => {
    fault('v1', { kind: 'total-elements', page: 2, times: 0, totalElements: 45 });
    const outcome = await read('v1');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.code).toBe('BAD_RESPONSE');
  });

  it('v1: a consistently understated total is caught by the probe after the last full page', async () => {
    // Every page says 40 of 60: two full pages would look complete without the probe.
    fault('v1', { kind: 'total-elements', times: 0, totalElements: 40 });
    const outcome = await read('v1');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.code).toBe('BAD_RESPONSE');
      expect(outcome.error.details.reason).toContain('after total_elements');
    }
  });

  it('v1: an overstated total ends in BAD_RESPONSE (empty page before the last)', async () => {
    fault('v1', { kind: 'total-elements', times: 0, totalElements: 100 });
    const outcome = await read('v1');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.code).toBe('BAD_RESPONSE');
  });

  const KINDS: FaultKind[] = [
    'rate-limit',
    'status',
    'malformed-body',
    'truncated-body',
    'connection-reset',
    'total-elements',
    'slow-body',
    'repeat-cursor',
    'duplicate-record',
  ];
  /** What a failure may be called when these kinds of faults were injected. */
  const CODES: Record<FaultKind, ConnectorErrorCode[]> = {
    'rate-limit': ['RATE_LIMITED'],
    status: ['TEMPORARY'],
    'malformed-body': ['BAD_RESPONSE'],
    'truncated-body': ['TEMPORARY'],
    'connection-reset': ['TEMPORARY'],
    'total-elements': ['BAD_RESPONSE'],
    'slow-body': ['TEMPORARY'],
    latency: ['TEMPORARY'],
    'repeat-cursor': ['BAD_RESPONSE'],
    'duplicate-record': ['BAD_RESPONSE'],
  };

  /** The connector's words for its timeouts (personio-http.client.ts, transportReason). */
  const TRANSPORT_TIMEOUTS = [
    'request deadline exceeded',
    'response body stalled',
    'no response headers in time',
  ];

  // Each generation gets the faults that mean something for it: repeat-cursor is about v2
  // `next` links, duplicate-record about v1 offset pages (a no-op on v2 lists).
  const ONLY: Partial<Record<FaultKind, 'v1' | 'v2'>> = {
    'repeat-cursor': 'v2',
    'duplicate-record': 'v1',
  };
  const schedule = (version: 'v1' | 'v2') =>
    fc.array(
      fc.record({
        kind: fc.constantFrom(...KINDS.filter((k) => (ONLY[k] ?? version) === version)),
        page: fc.integer({ min: 1, max: 4 }),
        times: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(0)),
        status: fc.constantFrom(500, 502, 503, 504),
        totalElements: fc.integer({ min: 0, max: 120 }),
      }),
      { minLength: 1, maxLength: 3 },
    );

  it.each(['v1', 'v2'] as const)(
    'property (%s): any fault schedule ends in the exact company or a failure with a matching code',
    async (version) => {
      await fc.assert(
        fc.asyncProperty(schedule(version), async (rules) => {
          sb.control.clearFaults();
          for (const r of rules) {
            fault(version, {
              kind: r.kind,
              page: r.page,
              times: r.times,
              status: r.status,
              totalElements: r.totalElements,
              // Slow bodies cost real time: one gap past the 150 ms body timeout is enough.
              delayMs: r.kind === 'slow-body' ? 3_000 : undefined,
            });
          }
          const outcome = await read(
            version,
            { maxAttempts: 4, budgetPerRun: 8 },
            { totalMs: 600 },
          );
          if (!outcome.ok) {
            const allowed = new Set(rules.flatMap((r) => CODES[r.kind]));
            // The timeouts are real time (a 150 ms body gap, a 600 ms request): on a loaded
            // machine a request can pass one with no rule firing, a fault no rule named, and it
            // ends a read as TEMPORARY like any timeout (a CI run once did, under a malformed
            // body and a repeated cursor).
            if (TRANSPORT_TIMEOUTS.some((t) => outcome.error.message.endsWith(t))) {
              allowed.add('TEMPORARY');
            }
            expect(allowed).toContain(outcome.code);
          }
          // A success was already compared with the sandbox's own data inside read().
        }),
        { numRuns: version === 'v1' ? 25 : 10 },
      );
    },
    60_000,
  );
});

/**
 * The Personio connector against the sandbox over real HTTP, for API v1 and v2: a full read
 * returns exactly the sandbox's people, org units, absences and absence types (compared with
 * the sandbox's own model); version choice; whitelisted-away attributes reported missing;
 * wrong and revoked credentials give AUTH_INVALID; a missing access right gives
 * PERMISSION_MISSING; no secret or token ever appears in an error.
 */
import { ConnectorError } from '../connector';
import { resolveCustomAttribute } from '../unified';
import { PersonioConnector, type PersonioConnectorOptions } from './personio.connector';
import {
  drain,
  expectedAbsenceTypes,
  expectedAbsences,
  expectedEmployees,
  expectedOrgUnits,
  fakeTime,
  stripRaw,
} from './personio.test-kit';
import { startSandbox, type CredentialInfo, type RunningSandbox } from './sandbox/index';

const WINDOW = { from: '2026-05-16', to: '2026-09-12' };

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('PersonioConnector against the sandbox', () => {
  let sb: RunningSandbox;
  let full: CredentialInfo;
  let restricted: CredentialInfo;
  let connector: PersonioConnector;

  const options = (extra: PersonioConnectorOptions = {}): PersonioConnectorOptions => {
    const time = fakeTime();
    return {
      baseUrl: sb.url,
      rateLimits: false,
      employeePageSize: 25,
      personPageSize: 20,
      absencePageSize: 40,
      clock: time.clock,
      sleep: time.sleep,
      appId: 'HRIS_GATEWAY_TEST',
      ...extra,
    };
  };

  beforeAll(async () => {
    sb = await startSandbox({
      seed: 11,
      employees: 70,
      referenceDate: '2026-06-15',
      rateLimits: false,
    });
    [full, restricted] = sb.credentials as [CredentialInfo, CredentialInfo];
    connector = new PersonioConnector(options());
  });

  afterAll(async () => {
    await connector.close();
    await sb.close();
  });

  describe.each(['v1', 'v2'] as const)('API %s', (version) => {
    it('reads exactly the sandbox company: employees, org units, absences, absence types', async () => {
      const session = connector.session(
        { clientId: full.clientId, clientSecret: full.clientSecret },
        { apiVersion: version },
      );
      const employees = await drain(session.employees());
      expect(employees.pages).toBeGreaterThan(1);
      expect(new Set(employees.items.map((e) => e.remote_id)).size).toBe(employees.items.length);
      expect(stripRaw(employees.items)).toEqual(expectedEmployees(sb, version));
      // remote_data is the raw payload, kept for ?include=remote_data.
      expect(employees.items[0]?.remote_data).toBeTruthy();

      const units = await drain(session.orgUnits());
      expect(stripRaw(units.items)).toEqual(expectedOrgUnits(sb, version));

      const absences = await drain(session.absences(WINDOW));
      const expected = expectedAbsences(sb, WINDOW, version);
      expect(expected.length).toBeGreaterThan(20);
      expect(stripRaw(absences.items)).toEqual(expected);

      const types = await drain(session.absenceTypes());
      expect(stripRaw(types.items)).toEqual(expectedAbsenceTypes(sb));

      const stats = session.stats();
      expect(stats.throttled).toBe(0);
      expect(stats.retries).toBe(0);
    });

    it('wrong credentials give AUTH_INVALID without echoing the secret', async () => {
      const secret = 'papi-wrong-secret-0123456789';
      const error = await failure(
        drain(
          connector
            .session({ clientId: full.clientId, clientSecret: secret }, { apiVersion: version })
            .employees(),
        ),
      );
      expect(error.code).toBe('AUTH_INVALID');
      expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain(secret);
    });

    it('credentials revoked in the middle of a read give AUTH_INVALID, not a short list', async () => {
      const doomed = sb.control.createCredential({ name: `doomed ${version}` });
      const session = connector.session(
        { clientId: doomed.clientId, clientSecret: doomed.clientSecret },
        { apiVersion: version },
      );
      let pages = 0;
      const error = await failure(
        (async () => {
          for await (const page of session.employees()) {
            expect(page.length).toBeGreaterThan(0);
            pages += 1;
            if (pages === 1) sb.control.revokeCredential(doomed.clientId);
          }
        })(),
      );
      // The next page may already be on its way (read-ahead); the rest is refused.
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(pages).toBeLessThan(3);
      expect(error.code).toBe('AUTH_INVALID');
      expect(JSON.stringify(error.details) + error.message).not.toContain(doomed.clientSecret);
    });
  });

  it('v1 org units without a prior employee read come from a projected read of department and team', async () => {
    const session = connector.session(
      { clientId: full.clientId, clientSecret: full.clientSecret },
      { apiVersion: 'v1' },
    );
    const units = await drain(session.orgUnits());
    expect(stripRaw(units.items)).toEqual(expectedOrgUnits(sb, 'v1'));
    // 70 people in pages of 25: three pages (the last one is not full, so no probe).
    expect(session.stats().requests - session.stats().authRequests).toBe(3);
  });

  it('auto picks v2 when the credentials get a v2 token with the scopes needed, else v1', async () => {
    const auto = connector.session({ clientId: full.clientId, clientSecret: full.clientSecret });
    expect(await auto.verify()).toEqual({
      apiVersion: 'v2',
      areas: ['absences', 'employees', 'org_units'],
      // v2 lists have no total: the count comes from the same credentials' v1 metadata.
      employeeCount: sb.state.store.employees().length,
    });
    // The restricted credential may read persons only: no org-unit or absence scope on v2.
    const limited = connector.session({
      clientId: restricted.clientId,
      clientSecret: restricted.clientSecret,
    });
    expect((await limited.verify()).apiVersion).toBe('v1');
    // ... unless the connection only syncs employees, which v2 can serve.
    const employeesOnly = connector.session(
      { clientId: restricted.clientId, clientSecret: restricted.clientSecret },
      { resources: ['employees'] },
    );
    expect((await employeesOnly.verify()).apiVersion).toBe('v2');
    // An explicit choice wins.
    const forced = connector.session(
      { clientId: full.clientId, clientSecret: full.clientSecret },
      { apiVersion: 'v1' },
    );
    expect(await forced.verify()).toEqual({
      apiVersion: 'v1',
      areas: ['absences', 'employees', 'org_units'],
      employeeCount: sb.state.store.employees().length,
    });
  });

  it('names attributes the whitelist hides, in words an admin understands', async () => {
    const session = connector.session({
      clientId: restricted.clientId,
      clientSecret: restricted.clientSecret,
    });
    const missing = await session.missingAttributes([
      'email',
      'first_name',
      'manager_id',
      'weekly_working_hours',
      'gender',
      'birth_date',
      'custom:Budget',
      'absences',
    ]);
    expect(missing.map((m) => m.field).sort()).toEqual(
      ['absences', 'birth_date', 'custom:Budget', 'gender', 'weekly_working_hours'].sort(),
    );
    const hours = missing.find((m) => m.field === 'weekly_working_hours');
    expect(hours?.providerAttribute).toBe('weekly_working_hours');
    expect(hours?.message).toContain('Weekly hours');
    expect(hours?.message).toContain('Settings > Integrations > API credentials');
    expect(missing.find((m) => m.field === 'absences')?.message).toContain(
      'read access to "Absences"',
    );

    // The full credential reads everything, and a custom field resolves by its label.
    const fullSession = connector.session({
      clientId: full.clientId,
      clientSecret: full.clientSecret,
    });
    expect(
      await fullSession.missingAttributes(['weekly_working_hours', 'custom:Budget', 'absences']),
    ).toEqual([]);
    const budget = resolveCustomAttribute(await fullSession.customAttributes(), 'Budget');
    expect(budget?.key).toBe(sb.company.customAttributes.find((c) => c.label === 'Budget')?.key);
  });

  it('reads what a restricted whitelist allows: hidden attributes come back empty, not invented', async () => {
    const session = connector.session(
      { clientId: restricted.clientId, clientSecret: restricted.clientSecret },
      { apiVersion: 'v1' },
    );
    const { items } = await drain(session.employees());
    expect(items).toHaveLength(sb.state.store.employees().length);
    for (const e of items) {
      expect(e.weekly_working_hours).toBeNull();
      expect(e.gender).toBeNull();
      expect(e.custom_fields).toEqual({});
    }
    expect(items.some((e) => e.email === null)).toBe(true);
    expect(items.some((e) => e.email !== null)).toBe(true);
  });

  it('a missing access right gives PERMISSION_MISSING naming the area', async () => {
    const session = connector.session(
      { clientId: restricted.clientId, clientSecret: restricted.clientSecret },
      { apiVersion: 'v1' },
    );
    const error = await failure(drain(session.absences(WINDOW)));
    expect(error.code).toBe('PERMISSION_MISSING');
    expect(error.details.scope).toBe('absences');
    const v2 = connector.session(
      { clientId: restricted.clientId, clientSecret: restricted.clientSecret },
      { apiVersion: 'v2' },
    );
    const v2Error = await failure(drain(v2.orgUnits()));
    expect(v2Error.code).toBe('PERMISSION_MISSING');
    expect(v2Error.details.scope).toBe('org_units');
  });
});

/**
 * Token behaviour of both generations as documented: stable 24 h `papi-` tokens re-issued and
 * echoed, expiry on the sandbox clock, refused query-string credentials, legacy one-time
 * tokens, OAuth2 client credentials with scopes, revocation.
 */
import type { RunningSandbox, SandboxConfig } from './index';
import { startSandbox } from './index';
import { call, firstCredential, get, v1Token, v2Token } from './test-kit';

async function sandbox(config: SandboxConfig = {}): Promise<RunningSandbox> {
  return startSandbox({
    seed: 4,
    employees: 30,
    referenceDate: '2026-11-21',
    rateLimits: false,
    ...config,
  });
}

describe('v1 auth', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await sandbox();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('accepts JSON and form bodies and re-issues the same papi- token, echoed in Authorization', async () => {
    const c = firstCredential(sb);
    const json = await call<{
      success: boolean;
      data: { token: string; expires_in: number; scope: string };
    }>(`${sb.url}/v1/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: c.clientId, client_secret: c.clientSecret }),
    });
    expect(json.status).toBe(200);
    expect(json.body.success).toBe(true);
    expect(json.body.data.token).toMatch(/^papi-/);
    expect(json.body.data.expires_in).toBe(86400);
    expect(json.body.data.scope).toBe('employees:read absences:read org-units:read');
    expect(json.headers.get('authorization')).toBe(`Bearer ${json.body.data.token}`);
    const form = await call<{ data: { token: string } }>(`${sb.url}/v1/auth`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: c.clientId, client_secret: c.clientSecret }),
    });
    expect(form.body.data.token).toBe(json.body.data.token);
    const page = await get(`${sb.url}/v1/company/employees?limit=1`, json.body.data.token);
    expect(page.status).toBe(200);
    expect(page.headers.get('authorization')).toBe(`Bearer ${json.body.data.token}`);
  });

  it('refuses query-string credentials with 403', async () => {
    const c = firstCredential(sb);
    const res = await call<{ success: boolean; error: { code: number } }>(
      `${sb.url}/v1/auth?client_id=${c.clientId}&client_secret=${c.clientSecret}`,
      { method: 'POST' },
    );
    expect(res.status).toBe(403);
    expect(res.body.success).toBe(false);
  });

  it('answers wrong credentials, missing and invalid tokens in the v1 error shape', async () => {
    const c = firstCredential(sb);
    const wrong = await call<{ success: boolean }>(`${sb.url}/v1/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: c.clientId, client_secret: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.success).toBe(false);
    expect((await call(`${sb.url}/v1/company/employees`)).body).toEqual({
      success: false,
      error: { code: 401, message: 'Authorization is not provided' },
    });
    expect((await get(`${sb.url}/v1/company/employees`, 'papi-x')).body).toEqual({
      success: false,
      error: { code: 403, message: 'Provided authorization is not valid' },
    });
  });

  it('expires tokens after 24 h on the sandbox clock and then issues a new one', async () => {
    const other = await sandbox();
    try {
      const token = await v1Token(other);
      other.control.advanceClock(86_399_000);
      expect((await get(`${other.url}/v1/company/employees?limit=1`, token)).status).toBe(200);
      expect(await v1Token(other)).toBe(token);
      other.control.advanceClock(1_000);
      expect((await get(`${other.url}/v1/company/employees?limit=1`, token)).status).toBe(403);
      const fresh = await v1Token(other);
      expect(fresh).not.toBe(token);
      expect((await get(`${other.url}/v1/company/employees?limit=1`, fresh)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('revoking a credential kills its tokens and its logins', async () => {
    const created = sb.control.createCredential({ name: 'temp' });
    const token = await v1Token(sb, created);
    expect((await get(`${sb.url}/v1/company/employees?limit=1`, token)).status).toBe(200);
    sb.control.revokeCredential(created.clientId);
    expect((await get(`${sb.url}/v1/company/employees?limit=1`, token)).status).toBe(403);
    await expect(v1Token(sb, created)).rejects.toThrow(/401/);
  });
});

describe('v1 auth switches', () => {
  it('legacy mode rotates one-time tokens and blacklists spent ones', async () => {
    const sb = await sandbox({ quirks: { v1LegacyOneTimeTokens: true } });
    try {
      const first = await v1Token(sb);
      expect(first).toMatch(/^eyJ/);
      const page = await get(`${sb.url}/v1/company/employees?limit=1`, first);
      expect(page.status).toBe(200);
      const next = page.headers.get('authorization')?.replace('Bearer ', '') ?? '';
      expect(next).not.toBe(first);
      const spent = await get(`${sb.url}/v1/company/employees?limit=1`, first);
      expect(spent.status).toBe(401);
      expect(spent.body).toEqual({
        success: false,
        error: { code: 401, message: 'The token has been blacklisted' },
      });
      expect((await get(`${sb.url}/v1/company/employees?limit=1`, next)).status).toBe(200);
    } finally {
      await sb.close();
    }
  });

  it('query-string credentials work when switched on', async () => {
    const sb = await sandbox({ quirks: { v1AuthQueryString: 'allow' } });
    try {
      const c = firstCredential(sb);
      const res = await call(
        `${sb.url}/v1/auth?client_id=${c.clientId}&client_secret=${c.clientSecret}`,
        {
          method: 'POST',
        },
      );
      expect(res.status).toBe(200);
    } finally {
      await sb.close();
    }
  });

  it('tokens of one generation are refused by the other when cross use is off', async () => {
    const sb = await sandbox({ quirks: { crossGenerationTokens: false } });
    try {
      expect((await get(`${sb.url}/v2/persons`, await v1Token(sb))).status).toBe(401);
      expect((await get(`${sb.url}/v1/company/employees`, await v2Token(sb))).status).toBe(403);
    } finally {
      await sb.close();
    }
  });
});

describe('v2 auth', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await sandbox();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('issues bearer tokens for client credentials, with all or requested scopes', async () => {
    const c = firstCredential(sb);
    const all = await call<{
      access_token: string;
      token_type: string;
      expires_in: number;
      scope: string;
    }>(`${sb.url}/v2/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.clientId,
        client_secret: c.clientSecret,
      }),
    });
    expect(all.body).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
    expect(all.body.access_token).toMatch(/^papi-/);
    expect(all.body.scope.split(' ').sort()).toEqual([
      'personio:absences:read',
      'personio:org-units:read',
      'personio:persons:read',
    ]);
    const narrow = await v2Token(sb, c, 'personio:persons:read');
    expect((await get(`${sb.url}/v2/persons?limit=1`, narrow)).status).toBe(200);
    const denied = await get<{ errors: Array<{ title: string }> }>(
      `${sb.url}/v2/absence-periods`,
      narrow,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0]?.title).toBe('Insufficient access scope');
  });

  it('answers OAuth2 errors as documented', async () => {
    const c = firstCredential(sb);
    const post = (body: Record<string, string>) =>
      call<{ error: string; meta?: Record<string, unknown> }>(`${sb.url}/v2/auth/token`, {
        method: 'POST',
        body: new URLSearchParams(body),
      });
    expect((await post({ client_id: c.clientId })).body).toMatchObject({
      error: 'invalid_request',
      meta: { missing_parameters: ['grant_type', 'client_secret'] },
    });
    expect(
      (await post({ grant_type: 'client_credentials', client_id: 'who', client_secret: 'x' })).body
        .error,
    ).toBe('invalid_client');
    expect(
      (
        await post({
          grant_type: 'client_credentials',
          client_id: c.clientId,
          client_secret: 'wrong',
        })
      ).body.error,
    ).toBe('unauthorized_client');
    expect((await post({ grant_type: 'password' })).body).toMatchObject({
      error: 'unsupported_grant_type',
      meta: { grant_type: 'password' },
    });
    const restricted = sb.credentials[1];
    expect(
      (
        await post({
          grant_type: 'client_credentials',
          client_id: restricted?.clientId ?? '',
          client_secret: restricted?.clientSecret ?? '',
          scope: 'personio:absences:read',
        })
      ).body.error,
    ).toBe('invalid_grant');
  });

  it('revokes tokens', async () => {
    const token = await v2Token(sb);
    expect((await get(`${sb.url}/v2/persons?limit=1`, token)).status).toBe(200);
    const revoke = await call(`${sb.url}/v2/auth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token }),
    });
    expect(revoke.status).toBe(200);
    expect(revoke.text).toBe('');
    const after = await get<{ personio_trace_id: string }>(`${sb.url}/v2/persons?limit=1`, token);
    expect(after.status).toBe(401);
    expect(typeof after.body.personio_trace_id).toBe('string');
    expect(await v2Token(sb)).not.toBe(token);
  });
});

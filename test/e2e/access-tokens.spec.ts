import {
  base64url,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { Client } from 'pg';
import request from 'supertest';
import { KeyRing } from '../../src/vault/key-ring';
import { sealingContext } from '../../src/vault/sealed-columns';
import { Vault } from '../../src/vault/vault';
import {
  accessToken,
  createApplication,
  createConnectSession,
  TEST_ADMIN_TOKEN,
  type TestApplication,
} from '../support/auth';
import { expectContract } from '../support/contract';
import { startTestGateway, TEST_VAULT_KEYS, type TestGateway } from '../support/gateway';

describe('access tokens (e2e)', () => {
  let gateway: TestGateway;
  let app: TestApplication;
  let other: TestApplication;

  const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  /** A form-encoded token request (RFC 6749), answer unchecked. */
  const tokenRequest = (fields: Record<string, string>): request.Test =>
    request(gateway.url).post('/v1/oauth/token').type('form').send(fields);
  const protectedRoute = (token: string): request.Test =>
    request(gateway.url).get('/v1/connections').set('Authorization', `Bearer ${token}`);

  /** Signs with the gateway's own active key, read from the database like an insider would. */
  async function signWithGatewayKey(
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const db = new Client({ connectionString: gateway.database.url });
    await db.connect();
    const { rows } = await db.query<{ kid: string; private_jwk: string }>(
      'SELECT kid, private_jwk FROM signing_keys WHERE retired_at IS NULL',
    );
    await db.end();
    const row = rows[0] as { kid: string; private_jwk: string };
    const vault = await Vault.create(KeyRing.parse(TEST_VAULT_KEYS));
    const key = await importJWK(
      JSON.parse(vault.open(row.private_jwk, sealingContext.signingKey(row.kid))) as JWK,
      'EdDSA',
    );
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: row.kid, typ: 'at+jwt', ...header })
      .sign(key);
  }

  const now = (): number => Math.floor(Date.now() / 1000);
  const validClaims = (): Record<string, unknown> => ({
    iss: gateway.url,
    aud: 'hris-gateway',
    sub: app.id,
    scope: 'connections:write',
    ver: 1,
    jti: 'jti-1',
    iat: now(),
    exp: now() + 600,
  });

  beforeAll(async () => {
    gateway = await startTestGateway({ ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    app = await createApplication(gateway, {
      name: 'Expense tool',
      scopes: ['connections:write', 'events:read'],
    });
    other = await createApplication(gateway, { name: 'Other tool' });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('issues an EdDSA at+jwt with the required claims, verifiable with the published JWKS', async () => {
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }).expect(200);
    expectContract(res);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'connections:write events:read',
    });

    const jwks = await request(gateway.url).get('/.well-known/jwks.json').expect(200);
    expectContract(jwks);
    const token = res.body.access_token as string;
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect((jwks.body.keys as JWK[]).map((k) => k.kid)).toContain(header.kid);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body as { keys: JWK[] }), {
      audience: 'hris-gateway',
      issuer: gateway.url,
    });
    expect(payload).toMatchObject({ sub: app.id, scope: 'connections:write events:read', ver: 1 });
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(payload.cid).toBeUndefined();
    await protectedRoute(token).expect(200);
  });

  it('accepts JSON and HTTP Basic client authentication, and narrows scopes on request', async () => {
    const json = await request(gateway.url)
      .post('/v1/oauth/token')
      .send({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope: 'events:read',
      })
      .expect(200);
    expect(json.body.scope).toBe('events:read');
    await protectedRoute(json.body.access_token as string).expect(403);

    const basic = await request(gateway.url)
      .post('/v1/oauth/token')
      .auth(app.clientId, app.clientSecret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    expectContract(basic);
  });

  it('answers RFC 6749 errors, the same for an unknown client and a wrong secret', async () => {
    const token = (body: Record<string, string>, auth?: [string, string]): request.Test => {
      const req = request(gateway.url).post('/v1/oauth/token').type('form');
      if (auth) void req.auth(auth[0], auth[1]);
      return req.send(body);
    };
    const wrong = await token({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: 'nope',
    }).expect(401);
    expectContract(wrong);
    const unknown = await token({
      grant_type: 'client_credentials',
      client_id: 'app_nobody',
      client_secret: 'nope',
    }).expect(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);

    const grant = await token({
      grant_type: 'password',
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }).expect(400);
    expectContract(grant);
    expect(grant.body.error).toBe('unsupported_grant_type');

    const scope = await token({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: 'connections:write webhooks:write',
    }).expect(400);
    expect(scope.body).toMatchObject({ error: 'invalid_scope' });
    expect(scope.body.error_description).toContain('webhooks:write');

    const both = await token(
      {
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
      },
      [app.clientId, app.clientSecret],
    ).expect(400);
    expect(both.body.error).toBe('invalid_request');
  });

  it("binds a token to a connection only when it is one of the application's own", async () => {
    const otherToken = await accessToken(gateway, other);
    const foreign = await createConnectSession(gateway, otherToken, {
      customer_ref: 'other-customer',
    });
    const refused = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      connection_id: foreign.connection_id,
    }).expect(400);
    const missing = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      connection_id: '00000000-0000-4000-8000-000000000000',
    }).expect(400);
    expect(refused.body).toEqual(missing.body);

    const own = await createConnectSession(gateway, await accessToken(gateway, app), {
      customer_ref: 'acme',
    });
    const bound = await accessToken(gateway, app, { connectionId: own.connection_id });
    const { payload } = await jwtVerify(
      bound,
      createLocalJWKSet(
        (await request(gateway.url).get('/.well-known/jwks.json')).body as { keys: JWK[] },
      ),
    );
    expect(payload.cid).toBe(own.connection_id);
  });

  describe('forgeries', () => {
    const expectRefused = async (token: string): Promise<void> => {
      const res = await protectedRoute(token).expect(401);
      expectContract(res);
      expect(res.body.code).toBe('unauthorized');
      expect(res.headers['www-authenticate']).toContain('invalid_token');
    };

    it('accepts a token signed by the gateway key with valid claims (the control case)', async () => {
      await protectedRoute(await signWithGatewayKey(validClaims())).expect(200);
    });

    it('refuses alg none', async () => {
      const kid = decodeProtectedHeader(await signWithGatewayKey(validClaims())).kid;
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid }));
      const body = base64url.encode(JSON.stringify(validClaims()));
      await expectRefused(`${header}.${body}.`);
    });

    it('refuses HS256 signed with the public key', async () => {
      const jwks = (await request(gateway.url).get('/.well-known/jwks.json')).body as {
        keys: JWK[];
      };
      const publicJwk = jwks.keys[0] as JWK;
      for (const secret of [JSON.stringify(publicJwk), publicJwk.x as string]) {
        const token = await new SignJWT(validClaims())
          .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid, typ: 'at+jwt' })
          .sign(new TextEncoder().encode(secret));
        await expectRefused(token);
      }
      const raw = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid, typ: 'at+jwt' })
        .sign(base64url.decode(publicJwk.x as string));
      await expectRefused(raw);
    });

    it('refuses a foreign key, even under our kid, with an embedded jwk or a jku', async () => {
      const kid = decodeProtectedHeader(await signWithGatewayKey(validClaims())).kid;
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const jwk = await exportJWK(publicKey);
      const sign = (header: Record<string, unknown>): Promise<string> =>
        new SignJWT(validClaims())
          .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', ...header })
          .sign(privateKey);
      await expectRefused(await sign({ kid }));
      await expectRefused(await sign({ kid: 'attacker' }));
      await expectRefused(await sign({ jwk }));
      await expectRefused(await sign({ kid, jwk }));
      await expectRefused(await sign({ jku: 'http://127.0.0.1:9/jwks.json', kid: 'attacker' }));
    });

    it('refuses missing exp, iat or jti, and wrong aud, iss or typ', async () => {
      const without = (claim: string): Record<string, unknown> => {
        const claims = validClaims();
        delete claims[claim];
        return claims;
      };
      await expectRefused(await signWithGatewayKey(without('exp')));
      await expectRefused(await signWithGatewayKey(without('iat')));
      await expectRefused(await signWithGatewayKey(without('jti')));
      await expectRefused(await signWithGatewayKey({ ...validClaims(), aud: 'someone-else' }));
      await expectRefused(
        await signWithGatewayKey({ ...validClaims(), iss: 'https://evil.example' }),
      );
      await expectRefused(await signWithGatewayKey(validClaims(), { typ: 'JWT' }));
      await expectRefused(
        await signWithGatewayKey({ ...validClaims(), scope: 'connections:write root' }),
      );
    });

    it('tolerates 30 s of clock skew and refuses tokens expired beyond it', async () => {
      await protectedRoute(
        await signWithGatewayKey({ ...validClaims(), iat: now() - 905, exp: now() - 5 }),
      ).expect(200);
      await expectRefused(
        await signWithGatewayKey({ ...validClaims(), iat: now() - 940, exp: now() - 40 }),
      );
      await expectRefused(
        await signWithGatewayKey({ ...validClaims(), iat: now() - 3600, exp: now() + 600 }),
      );
    });
  });

  it('revokes every earlier token when the secret rotates, scopes shrink or the application is disabled', async () => {
    const victim = await createApplication(gateway, {
      name: 'Rotating',
      scopes: ['connections:write', 'events:read'],
    });
    const before = await accessToken(gateway, victim);
    await protectedRoute(before).expect(200);

    const rotated = await request(gateway.url)
      .post(`/v1/admin/applications/${victim.id}/rotate-secret`)
      .set(admin)
      .expect(200);
    expectContract(rotated);
    const res = await protectedRoute(before).expect(401);
    expect(res.body.detail).toMatch(/revoked/);
    const oldSecret = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: victim.clientId,
      client_secret: victim.clientSecret,
    }).expect(401);
    expect(oldSecret.body.error).toBe('invalid_client');

    const renewed = { ...victim, clientSecret: rotated.body.client_secret as string };
    const afterRotation = await accessToken(gateway, renewed);
    await protectedRoute(afterRotation).expect(200);

    const shrunk = await request(gateway.url)
      .patch(`/v1/admin/applications/${victim.id}`)
      .set(admin)
      .send({ scopes: ['connections:write'] })
      .expect(200);
    expectContract(shrunk);
    await protectedRoute(afterRotation).expect(401);

    const fresh = await accessToken(gateway, renewed);
    await request(gateway.url)
      .patch(`/v1/admin/applications/${victim.id}`)
      .set(admin)
      .send({ status: 'disabled' })
      .expect(200);
    await protectedRoute(fresh).expect(401);
    await tokenRequest({
      grant_type: 'client_credentials',
      client_id: renewed.clientId,
      client_secret: renewed.clientSecret,
    }).expect(401);
  });

  it('lets another replica verify a key rotated elsewhere at once, and ignores junk kids', async () => {
    // A replica behind the same public URL (the token issuer), on the same database.
    const replica = await startTestGateway(
      { ADMIN_TOKEN: TEST_ADMIN_TOKEN, PUBLIC_URL: gateway.url },
      { database: gateway.database },
    );
    try {
      // The replica has loaded its keys; now rotate on the first gateway.
      await request(replica.url).get('/.well-known/jwks.json').expect(200);
      // Junk kids just before the rotation: they must not use up anything the replica needs
      // to find the real new key afterwards.
      for (const kid of ['junk', '00000000-0000-4000-8000-000000000000', 'x'.repeat(200)]) {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
        const junk = await new SignJWT(validClaims())
          .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
          .sign(privateKey);
        await request(replica.url)
          .get('/v1/connections')
          .set('Authorization', `Bearer ${junk}`)
          .expect(401);
      }
      const rotated = await request(gateway.url)
        .post('/v1/admin/signing-keys/rotate')
        .set(admin)
        .expect(200);
      const fresh = await accessToken(gateway, app);
      expect(decodeProtectedHeader(fresh).kid).toBe(rotated.body.kid);
      await request(replica.url)
        .get('/v1/connections')
        .set('Authorization', `Bearer ${fresh}`)
        .expect(200);
    } finally {
      await replica.close();
    }
  });

  it('rotates signing keys with an overlap: tokens signed before keep working', async () => {
    const before = await accessToken(gateway, app);
    const oldKid = decodeProtectedHeader(before).kid;
    const rotated = await request(gateway.url)
      .post('/v1/admin/signing-keys/rotate')
      .set(admin)
      .expect(200);
    expectContract(rotated);
    expect(rotated.body.retired).toEqual([oldKid]);

    await protectedRoute(before).expect(200);
    const after = await accessToken(gateway, app);
    expect(decodeProtectedHeader(after).kid).toBe(rotated.body.kid);
    await protectedRoute(after).expect(200);
    const jwks = await request(gateway.url).get('/.well-known/jwks.json').expect(200);
    expect((jwks.body.keys as JWK[]).map((k) => k.kid)).toEqual(
      expect.arrayContaining([oldKid, rotated.body.kid]),
    );
  });
});

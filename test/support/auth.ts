/**
 * Test helpers that go through the real API: create applications with the admin token, get
 * access tokens from the token endpoint, create connections through connect sessions.
 */
import request from 'supertest';
import { type Scope, SCOPES } from '../../src/auth/scopes';
import { expectContract } from './contract';
import { type TestGateway } from './gateway';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef-xyz';

export interface TestApplication {
  id: string;
  clientId: string;
  clientSecret: string;
  scopes: Scope[];
}

export async function createApplication(
  gateway: TestGateway,
  body: Record<string, unknown> = {},
): Promise<TestApplication> {
  const res = await request(gateway.url)
    .post('/v1/admin/applications')
    .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
    .send({ name: 'Test app', scopes: [...SCOPES], ...body })
    .expect(201);
  expectContract(res);
  return {
    id: res.body.id as string,
    clientId: res.body.client_id as string,
    clientSecret: res.body.client_secret as string,
    scopes: res.body.scopes as Scope[],
  };
}

export async function accessToken(
  gateway: TestGateway,
  app: TestApplication,
  options: { scope?: string; connectionId?: string } = {},
): Promise<string> {
  const res = await request(gateway.url)
    .post('/v1/oauth/token')
    .type('form')
    .send({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      ...(options.scope !== undefined ? { scope: options.scope } : {}),
      ...(options.connectionId ? { connection_id: options.connectionId } : {}),
    })
    .expect(200);
  expectContract(res);
  return res.body.access_token as string;
}

export async function createConnectSession(
  gateway: TestGateway,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string; url: string; connection_id: string; expires_at: string }> {
  const res = await request(gateway.url)
    .post('/v1/connect/sessions')
    .set('Authorization', `Bearer ${token}`)
    .send(body)
    .expect(201);
  expectContract(res);
  return res.body as { id: string; url: string; connection_id: string; expires_at: string };
}

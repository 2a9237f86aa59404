/**
 * What `npm start` prepares in demo mode, through the gateway's own public API (so the demo
 * exercises exactly what a product would): a demo application (its secret rotated on every
 * start, since only a hash is kept), a webhook endpoint for `npm run demo:receiver`, and a
 * connect link for the demo customer. Returns everything the printed quick start needs.
 */
import { SCOPES } from '../auth/scopes';

export interface DemoSetupInput {
  gatewayUrl: string;
  /** The URL people type (PUBLIC_URL), used in the printed commands. */
  publicUrl: string;
  adminToken: string;
  receiverUrl: string;
  personio: { clientId: string; clientSecret: string; employees: number };
}

export interface DemoQuickStart extends DemoSetupInput {
  clientId: string;
  clientSecret: string;
  connectionId: string;
  connectionStatus: string;
  connectUrl: string;
  webhookSecret: string;
}

export const DEMO_APPLICATION = 'Demo expense tool';
export const DEMO_CUSTOMER = 'demo-customer';

type Json = Record<string, unknown>;

async function call(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Json> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`demo setup: ${method} ${path} answered ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

export async function prepareDemo(input: DemoSetupInput): Promise<DemoQuickStart> {
  const admin = (method: string, path: string, body?: unknown): Promise<Json> =>
    call(input.gatewayUrl, input.adminToken, method, path, body);
  const apps = (await admin('GET', '/v1/admin/applications?limit=500')).data as Json[];
  const existing = apps.find((a) => a.name === DEMO_APPLICATION);
  const app = existing
    ? await admin('POST', `/v1/admin/applications/${String(existing.id)}/rotate-secret`)
    : await admin('POST', '/v1/admin/applications', {
        name: DEMO_APPLICATION,
        scopes: [...SCOPES],
        default_settings: { schedule: 'PT15M' },
      });
  const clientId = String(app.client_id);
  const clientSecret = String(app.client_secret);

  const tokenRes = await fetch(`${input.gatewayUrl}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  if (!tokenRes.ok) throw new Error(`demo setup: token answered ${tokenRes.status}`);
  const token = String(((await tokenRes.json()) as Json).access_token);
  const api = (method: string, path: string, body?: unknown): Promise<Json> =>
    call(input.gatewayUrl, token, method, path, body);

  const hooks = (await api('GET', '/v1/webhooks?limit=500')).data as Json[];
  const hook = hooks.find((h) => h.url === input.receiverUrl);
  const webhook = hook
    ? await api('POST', `/v1/webhooks/${String(hook.id)}/rotate-secret`, {
        grace_period_seconds: 0,
      })
    : await api('POST', '/v1/webhooks', {
        url: input.receiverUrl,
        event_types: ['*'],
        description: 'npm run demo:receiver',
      });
  if (hook && hook.enabled === false) {
    await api('PATCH', `/v1/webhooks/${String(hook.id)}`, { enabled: true });
  }

  const connections = (
    await api('GET', `/v1/connections?customer_ref=${encodeURIComponent(DEMO_CUSTOMER)}`)
  ).data as Json[];
  const connection = connections[0];
  const session = await api(
    'POST',
    '/v1/connect/sessions',
    connection ? { connection_id: connection.id } : { customer_ref: DEMO_CUSTOMER },
  );
  return {
    ...input,
    clientId,
    clientSecret,
    connectionId: String(session.connection_id),
    connectionStatus: typeof connection?.status === 'string' ? connection.status : 'pending',
    connectUrl: String(session.url),
    webhookSecret: String(webhook.secret),
  };
}

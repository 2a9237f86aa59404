/**
 * Test support (imported only by *.spec.ts): small HTTP helpers over real fetch to a running
 * sandbox, so specs read like the calls a connector makes.
 */
import type { CredentialInfo, RunningSandbox } from './index';

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = unknown>(
  url: string,
  init: RequestInit = {},
): Promise<HttpAnswer<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

export async function v1Token(
  sb: RunningSandbox,
  credential: CredentialInfo = firstCredential(sb),
): Promise<string> {
  const res = await call<{ data: { token: string } }>(`${sb.url}/v1/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: credential.clientId,
      client_secret: credential.clientSecret,
    }),
  });
  if (res.status !== 200) throw new Error(`v1 auth failed: ${res.status} ${res.text}`);
  return res.body.data.token;
}

export async function v2Token(
  sb: RunningSandbox,
  credential: CredentialInfo = firstCredential(sb),
  scope?: string,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credential.clientId,
    client_secret: credential.clientSecret,
  });
  if (scope) form.set('scope', scope);
  const res = await call<{ access_token: string }>(`${sb.url}/v2/auth/token`, {
    method: 'POST',
    body: form,
  });
  if (res.status !== 200) throw new Error(`v2 auth failed: ${res.status} ${res.text}`);
  return res.body.access_token;
}

export function get<T = unknown>(url: string, token: string): Promise<HttpAnswer<T>> {
  return call<T>(url, { headers: { authorization: `Bearer ${token}` } });
}

export function firstCredential(sb: RunningSandbox): CredentialInfo {
  const c = sb.credentials[0];
  if (!c) throw new Error('sandbox has no credentials');
  return c;
}

export interface V1Page<T = V1Employee> {
  success: boolean;
  metadata: { total_elements: number; current_page: number; total_pages: number };
  offset: number;
  limit: number;
  data: T[];
}

export interface Envelope {
  label: string;
  value: unknown;
  type: string;
  universal_id: string | null;
}

export interface V1Employee {
  type: 'Employee';
  attributes: Record<string, Envelope>;
}

export interface V2List<T = Record<string, unknown>> {
  _data: T[];
  _meta: { links: { self: { href: string }; next?: { href: string } } };
}

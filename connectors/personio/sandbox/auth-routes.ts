/**
 * Owns the three token endpoints: `POST /v1/auth` (JSON or form body; query-string credentials
 * refused with 403 unless switched on), `POST /v2/auth/token` (form-encoded client credentials,
 * OAuth2 error bodies) and `POST /v2/auth/revoke`.
 */
import type { Scope } from './auth';
import { isScope } from './auth';
import type { RequestContext, SandboxState } from './context';
import type { SandboxResponse } from './http-util';
import { json, mediaType, oauthError, v1Error } from './http-util';

function parseBody(ctx: RequestContext): Record<string, string> | null {
  const type = mediaType(ctx.req);
  if (ctx.body.trim() === '') return {};
  if (type === 'application/x-www-form-urlencoded')
    return Object.fromEntries(new URLSearchParams(ctx.body));
  try {
    const parsed: unknown = JSON.parse(ctx.body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return type === 'application/json' ? null : Object.fromEntries(new URLSearchParams(ctx.body));
  }
}

export function v1Auth(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const fromQuery = ctx.query.has('client_id') || ctx.query.has('client_secret');
  if (fromQuery && state.options.quirks.v1AuthQueryString === 'refuse') {
    // Deprecated 2026: query-string credentials are answered with 403 Forbidden [REFERENCE 3.1].
    return v1Error(
      403,
      403,
      'Forbidden: client credentials must be sent in the request body, not in the query string.',
    );
  }
  const body = parseBody(ctx);
  if (body === null) return v1Error(400, 400, 'The request body is not valid JSON.');
  const clientId = body.client_id ?? (fromQuery ? ctx.query.get('client_id') : null) ?? '';
  const clientSecret =
    body.client_secret ?? (fromQuery ? ctx.query.get('client_secret') : null) ?? '';
  if (clientId === '' || clientSecret === '') {
    return v1Error(400, 400, 'The client_id and client_secret fields are required.');
  }
  const { credential } = state.auth.authenticate(clientId, clientSecret);
  // The exact v1 answer to wrong credentials is undocumented (UNCERTAIN); 401 in the v1 shape.
  if (!credential) return v1Error(401, 401, 'Wrong credentials');
  const record = state.auth.issueV1(credential);
  const remaining = Math.max(0, Math.ceil((record.expiresAt - state.clock.nowMs()) / 1000));
  return json(
    200,
    {
      success: true,
      data: {
        token: record.token,
        expires_in: remaining,
        scope: state.auth.v1ScopeString(record.scopes),
      },
    },
    { authorization: `Bearer ${record.token}` },
  );
}

export function v2Token(state: SandboxState, ctx: RequestContext): SandboxResponse {
  const now = state.clock.now();
  if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') {
    const res = oauthError(
      'invalid_request',
      'The content type of the request must be "application/x-www-form-urlencoded".',
      'invalid_request.invalid_request_content_type',
      now,
    );
    // The official example names the link `type` here, not `error_uri` [REFERENCE 4.1].
    const body = JSON.parse(res.body as string) as Record<string, unknown>;
    body.type = body.error_uri;
    delete body.error_uri;
    return { ...res, body: JSON.stringify(body) };
  }
  const form = new URLSearchParams(ctx.body);
  const missing = ['grant_type', 'client_id', 'client_secret'].filter((k) => !form.get(k));
  const grantType = form.get('grant_type');
  if (grantType && grantType !== 'client_credentials') {
    return oauthError(
      'unsupported_grant_type',
      'The requested authorization grant type is not supported by the server.',
      'unsupported_grant_type',
      now,
      { grant_type: grantType },
    );
  }
  if (missing.length > 0) {
    return oauthError(
      'invalid_request',
      'The request has missing or invalid required parameters.',
      'invalid_request.required_parameters_missing',
      now,
      { missing_parameters: missing },
    );
  }
  const { credential, knownClient } = state.auth.authenticate(
    form.get('client_id') ?? '',
    form.get('client_secret') ?? '',
  );
  if (!knownClient) {
    return oauthError(
      'invalid_client',
      'Client authentication failed (e.g., unknown client, wrong secret, no client authentication included, or unsupported authentication method).',
      'invalid_client',
      now,
    );
  }
  if (!credential) {
    // The official "Invalid Credentials" example (right client, wrong secret).
    return oauthError(
      'unauthorized_client',
      'Client is not allowed to use the specified grant type flow.',
      'unauthorized_client',
      now,
    );
  }
  const requested = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
  let scopes: Set<Scope> = new Set(credential.scopes);
  if (requested.length > 0) {
    if (!requested.every(isScope)) {
      return oauthError(
        'invalid_scope',
        'One of the requested scopes is invalid.',
        'invalid_scope',
        now,
      );
    }
    if (!requested.every((s) => credential.scopes.has(s))) {
      return oauthError(
        'invalid_grant',
        "Error in the authorization flow. Examples: client doesn't have access to all attributes in the requested scope, refresh token has been revoked, authorization code has already been consumed...",
        'invalid_grant',
        now,
      );
    }
    scopes = new Set(requested);
  }
  const record = state.auth.issueV2(credential, scopes);
  const remaining = Math.max(0, Math.ceil((record.expiresAt - state.clock.nowMs()) / 1000));
  return json(200, {
    access_token: record.token,
    token_type: 'Bearer',
    expires_in: remaining,
    scope: Array.from(record.scopes).join(' '),
  });
}

export function v2Revoke(state: SandboxState, ctx: RequestContext): SandboxResponse {
  if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') {
    return oauthError(
      'invalid_request',
      'The content type of the request must be "application/x-www-form-urlencoded".',
      'invalid_request.invalid_request_content_type',
      state.clock.now(),
    );
  }
  const token = new URLSearchParams(ctx.body).get('token');
  if (!token) {
    return oauthError(
      'invalid_request',
      'The request has missing or invalid required parameters.',
      'invalid_request.required_parameters_missing',
      state.clock.now(),
      { missing_parameters: ['token'] },
    );
  }
  state.auth.revokeToken(token);
  return { status: 200, headers: {}, body: '' };
}

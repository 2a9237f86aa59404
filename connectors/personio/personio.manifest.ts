/**
 * Owns Personio declared as data: auth mode, hosts, credential fields and which are secret,
 * page limits, documented rate limits (REFERENCE.md 3.3 and 4.1) and retry headers. The
 * connector paces itself from these figures; CI validates this object against the manifest
 * schema. Facts only, no behaviour.
 */
import type { ConnectorManifest } from '../connector';

export interface PersonioLimits {
  /** GET /v1/company/employees*: 300/min with bursts of 15/s, per credential. */
  v1Employees: { capacity: number; refillPerSecond: number };
  /** Every v1 endpoint per client IP: 2,000/min. */
  v1PerIp: { capacity: number; refillPerSecond: number };
  /** POST /v1/auth: 60/min (then a 60 s cool-down). */
  v1Auth: { limit: number; windowMs: number };
  /** POST /v2/auth/token: 150/min (then 1/s for 60 s). */
  v2Auth: { limit: number; windowMs: number };
  /** v2 resources: undocumented; a cautious start, then whatever `x-ratelimit-*` announces. */
  v2Initial: { capacity: number; refillPerSecond: number };
}

export const PERSONIO_LIMITS: PersonioLimits = {
  v1Employees: { capacity: 15, refillPerSecond: 5 },
  // Spread evenly rather than as one 2,000 burst: the per-IP figure is a per-minute count.
  v1PerIp: { capacity: 100, refillPerSecond: 2000 / 60 },
  v1Auth: { limit: 60, windowMs: 60_000 },
  v2Auth: { limit: 150, windowMs: 60_000 },
  v2Initial: { capacity: 5, refillPerSecond: 5 },
};

export const PERSONIO_MANIFEST: ConnectorManifest = {
  name: 'personio',
  displayName: 'Personio',
  authMode: 'client_credentials',
  baseUrl: 'https://api.personio.de',
  alternativeBaseUrls: ['https://api.personio.com'],
  credentialFields: ['clientId', 'clientSecret'],
  secretFields: ['clientSecret'],
  apiVersions: ['v1', 'v2'],
  objects: ['employees', 'org_units', 'absences', 'absence_types'],
  pagination: {
    'v1 employees': { style: 'offset', maxLimit: 100 },
    'v1 time-offs': { style: 'page', maxLimit: 200 },
    'v1 absence-periods': { style: 'offset', maxLimit: 200 },
    'v2 persons': { style: 'cursor', maxLimit: 50 },
    'v2 absence-periods': { style: 'cursor', maxLimit: 100 },
    'v2 org-units': { style: 'cursor', maxLimit: 100 },
  },
  rateLimits: [
    {
      name: 'v1 employees',
      appliesTo: 'GET /v1/company/employees*',
      per: 'credential',
      kind: 'bucket',
      capacity: PERSONIO_LIMITS.v1Employees.capacity,
      refillPerSecond: PERSONIO_LIMITS.v1Employees.refillPerSecond,
    },
    {
      name: 'v1 per IP',
      appliesTo: '/v1/*',
      per: 'ip',
      kind: 'bucket',
      capacity: PERSONIO_LIMITS.v1PerIp.capacity,
      refillPerSecond: PERSONIO_LIMITS.v1PerIp.refillPerSecond,
    },
    {
      name: 'v1 auth',
      appliesTo: 'POST /v1/auth',
      per: 'ip',
      kind: 'window',
      capacity: PERSONIO_LIMITS.v1Auth.limit,
      windowSeconds: PERSONIO_LIMITS.v1Auth.windowMs / 1000,
    },
    {
      name: 'v2 auth',
      appliesTo: 'POST /v2/auth/token',
      per: 'ip',
      kind: 'window',
      capacity: PERSONIO_LIMITS.v2Auth.limit,
      windowSeconds: PERSONIO_LIMITS.v2Auth.windowMs / 1000,
    },
  ],
  retry: {
    headers: ['retry-after', 'x-ratelimit-remaining', 'x-ratelimit-replenish-rate'],
    minDelayMs: 1000,
  },
};

/**
 * Owns the provider contract every connector implements and the closed set of failure codes the
 * sync engine branches on. A connector is a plain class (no framework imports), reads only, and
 * reports every failure as a `ConnectorError` whose code and details are all a caller needs.
 * Nothing here may name a provider; no error message or detail may carry a secret.
 */
import type {
  CustomAttributeDefinition,
  UnifiedAbsence,
  UnifiedAbsenceType,
  UnifiedEmployee,
  UnifiedTeam,
} from './unified';

export const CONNECTOR_ERROR_CODES = [
  'AUTH_INVALID',
  'PERMISSION_MISSING',
  'RATE_LIMITED',
  'TEMPORARY',
  'BAD_RESPONSE',
  'NOT_FOUND',
] as const;

/**
 * - AUTH_INVALID: the provider refused the credentials (wrong, revoked). Re-entering them helps.
 * - PERMISSION_MISSING: the credentials work but lack an access right (`details.scope`).
 * - RATE_LIMITED: still throttled after the retry budget (`details.retryAfterMs`).
 * - TEMPORARY: 5xx, timeouts, resets after the retry budget; the next run may succeed.
 * - BAD_RESPONSE: the provider answered something unusable or incomplete (never a short list).
 * - NOT_FOUND: the endpoint or record does not exist for this account.
 */
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

export interface ConnectorErrorDetails {
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** Path (no query, no host) of the request that failed. */
  endpoint?: string;
  /** RATE_LIMITED: wait at least this long before the next run. */
  retryAfterMs?: number;
  /** PERMISSION_MISSING: the access right the credentials lack. */
  scope?: string;
  /** PERMISSION_MISSING for attributes: the attributes that are not readable. */
  missing?: MissingAttribute[];
  /** Attempts made for the failing request (first try included). */
  attempts?: number;
  /** BAD_RESPONSE: what was wrong, in a few words ("repeated page", "total changed"). */
  reason?: string;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';

  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    readonly details: ConnectorErrorDetails = {},
  ) {
    super(`${code}: ${message}`);
  }

  /** Whether retrying the same call later may succeed without anyone changing anything. */
  get transient(): boolean {
    switch (this.code) {
      case 'RATE_LIMITED':
      case 'TEMPORARY':
        return true;
      case 'AUTH_INVALID':
      case 'PERMISSION_MISSING':
      case 'BAD_RESPONSE':
      case 'NOT_FOUND':
        return false;
    }
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}

/** Inclusive calendar window `YYYY-MM-DD`; an absence overlapping it counts. */
export interface DateWindow {
  from: string;
  to: string;
}

/** A unified field an application needs: an Employee field name, `custom:<key or label>`, or an object. */
export type NeededField = string;

export interface ReadableAttribute {
  /** The provider's attribute key (`email`, `dynamic_123`). */
  key: string;
  label: string;
  type: string;
  /** The unified field it feeds, when there is one. */
  unifiedField: string | null;
  custom: boolean;
}

export interface AttributeReport {
  attributes: ReadableAttribute[];
  /** Data areas the credentials may read, in unified words: employees, org_units, absences. */
  areas: string[];
}

export interface MissingAttribute {
  /** The needed field as the application named it. */
  field: string;
  /** The provider attribute or access right that would provide it (null: none exists). */
  providerAttribute: string | null;
  /** Human label of that attribute or right, as the admin sees it in the provider's UI. */
  label: string;
  /** One sentence for an admin: what is missing and which setting to change. */
  message: string;
}

export interface VerifyResult {
  /** Which API generation this connection will use (`v1`, `v2`). */
  apiVersion: string;
  areas: string[];
  /** Head count when the provider says it cheaply (Personio v1 `total_elements`), else null. */
  employeeCount: number | null;
}

/** Counters of one session (a sync run): what the run record shows. */
export interface ReadStats {
  requests: number;
  retries: number;
  /** Times the client paced itself (waited for a token) before sending. */
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  /** 429 answers received (a healthy run has none). */
  throttled: number;
  authRequests: number;
}

/** One connection's reads, with its own retry budget and counters. */
export interface ConnectorSession {
  verify(): Promise<VerifyResult>;
  readableAttributes(): Promise<AttributeReport>;
  /** Of the needed fields, those these credentials cannot read, in words an admin understands. */
  missingAttributes(needed: readonly NeededField[]): Promise<MissingAttribute[]>;
  customAttributes(): Promise<CustomAttributeDefinition[]>;
  employees(): AsyncIterable<UnifiedEmployee[]>;
  orgUnits(): AsyncIterable<UnifiedTeam[]>;
  absences(window: DateWindow): AsyncIterable<UnifiedAbsence[]>;
  absenceTypes(): AsyncIterable<UnifiedAbsenceType[]>;
  stats(): ReadStats;
}

export interface Connector<Credentials, Settings = unknown> {
  readonly manifest: ConnectorManifest;
  /** A session per sync run or check; cheap, shares token caches and pacing with its connector. */
  session(credentials: Credentials, settings?: Settings): ConnectorSession;
  verify(credentials: Credentials, settings?: Settings): Promise<VerifyResult>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

/** A provider declared as data (validated against connectors/manifest.schema.ts in CI). */
export interface ConnectorManifest {
  name: string;
  displayName: string;
  authMode: 'client_credentials' | 'api_key' | 'oauth2';
  baseUrl: string;
  alternativeBaseUrls: string[];
  credentialFields: string[];
  /** Credential fields that are secret: vaulted, never logged, never returned. */
  secretFields: string[];
  apiVersions: string[];
  objects: Array<'employees' | 'org_units' | 'absences' | 'absence_types'>;
  pagination: Record<string, { style: 'offset' | 'page' | 'cursor'; maxLimit: number }>;
  rateLimits: Array<{
    name: string;
    appliesTo: string;
    per: 'credential' | 'ip';
    kind: 'bucket' | 'window';
    /** Bucket: burst size; window: requests per window. */
    capacity: number;
    /** Bucket: tokens per second; window: window length in seconds. */
    refillPerSecond?: number;
    windowSeconds?: number;
  }>;
  retry: { headers: string[]; minDelayMs: number };
}

/**
 * Owns the Personio connector: configuration (base URL, identification headers, clock, sleep,
 * timeouts, pacing), the choice of API generation per connection, and the session readers the
 * sync engine calls (verify, readable attributes, employees, org units, absences in a window,
 * absence types) as async iterables of unified pages. It is the only code that talks to
 * Personio. It must never import NestJS, read process.env, or let a secret reach an error.
 */
import type { Dispatcher } from 'undici';
import {
  ConnectorError,
  type AttributeReport,
  type Connector,
  type ConnectorSession,
  type DateWindow,
  type MissingAttribute,
  type NeededField,
  type ReadStats,
  type VerifyResult,
} from '../connector';
import {
  NO_PACING,
  SlidingWindow,
  TokenBucket,
  realClock,
  realSleep,
  type Clock,
  type Pacer,
  type Sleep,
} from '../pacing';
import type {
  CustomAttributeDefinition,
  UnifiedAbsence,
  UnifiedAbsenceType,
  UnifiedEmployee,
  UnifiedTeam,
} from '../unified';
import {
  areasOf,
  customAttributesOf,
  missingAttributes,
  readableAttributesOf,
} from './personio-attributes';
import {
  PersonioAuth,
  TokenCache,
  type Generation,
  type PersonioCredentials,
} from './personio-auth.client';
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  PersonioHttpClient,
  RunContext,
  type HttpTimeouts,
  type RetryPolicy,
} from './personio-http.client';
import type { V1AttributeDefinition } from './personio-raw.types';
import { PersonioV1Client } from './personio-v1.client';
import {
  mapV1AbsencePeriod,
  mapV1Employee,
  mapV1TimeOff,
  mapV1TimeOffType,
  v1OrgUnitsOf,
  v1TypeIdMap,
} from './personio-v1.mapper';
import { PersonioV2Client } from './personio-v2.client';
import { mapV2Absence, mapV2AbsenceType, mapV2Employee, mapV2OrgUnit } from './personio-v2.mapper';
import { PERSONIO_LIMITS, PERSONIO_MANIFEST, type PersonioLimits } from './personio.manifest';

export type { PersonioCredentials } from './personio-auth.client';
export { TokenCache } from './personio-auth.client';

export type ApiVersionChoice = 'auto' | 'v1' | 'v2';
export type PersonioResource = 'employees' | 'org_units' | 'absences' | 'absence_types';

/** Per-connection settings (no code change per customer). */
export interface PersonioConnectionSettings {
  /** `auto` (default): v2 when the credentials get a v2 token with the scopes needed. */
  apiVersion?: ApiVersionChoice;
  /** What this connection syncs; decides which v2 scopes `auto` requires. */
  resources?: readonly PersonioResource[];
}

export interface PersonioConnectorOptions {
  /** Default `https://api.personio.de`; the sandbox, `.com`, or a proxy (path prefix allowed). */
  baseUrl?: string;
  /** Sent as `X-Personio-Partner-ID` (UPPER_SNAKE_CASE). */
  partnerId?: string;
  /** Sent as `X-Personio-App-ID` (UPPER_SNAKE_CASE). */
  appId?: string;
  clock?: Clock;
  sleep?: Sleep;
  /** [0, 1) jitter source. */
  random?: () => number;
  timeouts?: Partial<HttpTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** Client-side pacing; `false` only where the provider side has no limits (tests). */
  rateLimits?: Partial<PersonioLimits> | false;
  /**
   * Share of the documented refill rate the client allows itself: our clock and Personio's
   * never agree to the millisecond, and a request sent as a token appears may arrive before it.
   */
  paceSafety?: number;
  /** Employees per v1 page (1..100, default 100). */
  employeePageSize?: number;
  /** Persons per v2 page (1..50, default 50). */
  personPageSize?: number;
  absencePageSize?: number;
  /** Parallel calls in v2 fan-outs (employments, breakdowns). Default 4. */
  concurrency?: number;
  /** v1 time-offs may only return absences inside the window: the request is widened by this. */
  timeOffWindowMarginDays?: number;
  /** v1 absence-periods `offset`: record offset (spec text, default) or page number. */
  absencePeriodsOffset?: 'record' | 'page';
  /** v2 absence durations need one breakdown request per absence; off saves those requests. */
  v2AbsenceDurations?: boolean;
  /** Share tokens between connector instances of one process. */
  tokenCache?: TokenCache;
  /** Connections per origin (default 8). */
  connections?: number;
  dispatcher?: Dispatcher;
}

const V2_SCOPES: Record<PersonioResource, string> = {
  employees: 'personio:persons:read',
  org_units: 'personio:org-units:read',
  absences: 'personio:absences:read',
  absence_types: 'personio:absences:read',
};

const ALL_RESOURCES: readonly PersonioResource[] = [
  'employees',
  'org_units',
  'absences',
  'absence_types',
];

function overlaps(a: UnifiedAbsence, window: DateWindow): boolean {
  return a.start_date <= window.to && a.end_date >= window.from;
}

/** Per-credential pacers, shared by every session of that credential. */
interface CredentialPacers {
  v1Employees: Pacer;
  v2: { persons: TokenBucket; absencePeriods: TokenBucket; other: TokenBucket };
}

export class PersonioConnector implements Connector<
  PersonioCredentials,
  PersonioConnectionSettings
> {
  readonly manifest = PERSONIO_MANIFEST;
  readonly http: PersonioHttpClient;
  readonly auth: PersonioAuth;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly limits: PersonioLimits | false;
  private readonly v1PerIp: Pacer;
  private readonly v1AuthPacer: Pacer;
  private readonly v2AuthPacer: Pacer;
  private readonly credentialPacers = new Map<string, CredentialPacers>();
  private readonly safety: number;

  constructor(readonly options: PersonioConnectorOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.sleep = options.sleep ?? realSleep;
    this.limits =
      options.rateLimits === false ? false : { ...PERSONIO_LIMITS, ...options.rateLimits };
    this.safety = options.paceSafety ?? 0.98;
    const pageSize = options.employeePageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new RangeError('employeePageSize must be an integer from 1 to 100');
    }
    this.http = new PersonioHttpClient({
      baseUrl: options.baseUrl ?? PERSONIO_MANIFEST.baseUrl,
      partnerId: options.partnerId,
      appId: options.appId,
      timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
      retry: { ...DEFAULT_RETRY, ...options.retry },
      clock: this.clock,
      sleep: this.sleep,
      random: options.random ?? Math.random,
      connections: options.connections ?? 8,
      dispatcher: options.dispatcher,
    });
    const l = this.limits;
    this.v1PerIp = l ? this.bucket(l.v1PerIp.capacity, l.v1PerIp.refillPerSecond) : NO_PACING;
    this.v1AuthPacer = l
      ? new SlidingWindow(l.v1Auth.limit, l.v1Auth.windowMs, this.clock, this.sleep)
      : NO_PACING;
    this.v2AuthPacer = l
      ? new SlidingWindow(l.v2Auth.limit, l.v2Auth.windowMs, this.clock, this.sleep)
      : NO_PACING;
    this.auth = new PersonioAuth(
      this.http,
      options.tokenCache ?? new TokenCache(),
      { v1: [this.v1PerIp, this.v1AuthPacer], v2: [this.v2AuthPacer] },
      this.clock,
    );
  }

  /**
   * A client bucket one token smaller and a little slower than Personio's: Personio counts a
   * request when it arrives, we when we send, and arrivals jitter. The spare token absorbs that
   * jitter (up to one refill interval); the slower refill keeps the spare from being eaten.
   */
  private bucket(capacity: number, refillPerSecond: number): TokenBucket {
    return new TokenBucket(
      Math.max(1, capacity - 1),
      refillPerSecond * this.safety,
      this.clock,
      this.sleep,
    );
  }

  /** Pacers of one credential (Personio counts the employee limit per credential). */
  pacersFor(credentials: PersonioCredentials): CredentialPacers {
    let p = this.credentialPacers.get(credentials.clientId);
    if (!p) {
      const l = this.limits;
      const v2 = (): TokenBucket =>
        l
          ? this.bucket(l.v2Initial.capacity, l.v2Initial.refillPerSecond)
          : new TokenBucket(1e9, 1e9, this.clock, this.sleep);
      p = {
        v1Employees: l
          ? this.bucket(l.v1Employees.capacity, l.v1Employees.refillPerSecond)
          : NO_PACING,
        v2: { persons: v2(), absencePeriods: v2(), other: v2() },
      };
      this.credentialPacers.set(credentials.clientId, p);
    }
    return p;
  }

  session(
    credentials: PersonioCredentials,
    settings: PersonioConnectionSettings = {},
  ): PersonioSession {
    return new PersonioSession(this, credentials, settings, this.v1PerIp);
  }

  verify(
    credentials: PersonioCredentials,
    settings: PersonioConnectionSettings = {},
  ): Promise<VerifyResult> {
    return this.session(credentials, settings).verify();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

export class PersonioSession implements ConnectorSession {
  readonly run: RunContext;
  private chosen: Promise<Generation> | null = null;
  private v1Client: PersonioV1Client | null = null;
  private v2Client: PersonioV2Client | null = null;
  private attributeDefs: Promise<V1AttributeDefinition[]> | null = null;
  /** Org units seen by a complete v1 employee read (v1 has no org-unit endpoint). */
  private v1Units: Map<string, UnifiedTeam> | null = null;
  private officeNames: Promise<Map<string, string> | null> | null = null;

  constructor(
    private readonly connector: PersonioConnector,
    private readonly credentials: PersonioCredentials,
    private readonly settings: PersonioConnectionSettings,
    private readonly v1PerIp: Pacer,
  ) {
    this.run = new RunContext(connector.http.retryPolicy.budgetPerRun);
  }

  stats(): ReadStats {
    return { ...this.run.stats };
  }

  /** The API generation this session uses (decided once, on first need). */
  apiVersion(): Promise<Generation> {
    this.chosen ??= this.choose();
    return this.chosen;
  }

  private async choose(): Promise<Generation> {
    const choice = this.settings.apiVersion ?? 'auto';
    if (choice !== 'auto') return choice;
    const needed = new Set((this.settings.resources ?? ALL_RESOURCES).map((r) => V2_SCOPES[r]));
    try {
      const grant = await this.connector.auth.grant('v2', this.credentials, this.run);
      return Array.from(needed).every((s) => grant.scopes.includes(s)) ? 'v2' : 'v1';
    } catch (error: unknown) {
      // No v2 on this host or account (404, odd answers): v1 still works. Wrong credentials,
      // throttling and outages are the same on both, so they are not a reason to switch.
      if (
        error instanceof ConnectorError &&
        (error.code === 'NOT_FOUND' || error.code === 'BAD_RESPONSE')
      ) {
        return 'v1';
      }
      throw error;
    }
  }

  private v1(): PersonioV1Client {
    if (!this.v1Client) {
      const pacers = this.connector.pacersFor(this.credentials);
      const o = this.connector.options;
      this.v1Client = new PersonioV1Client(
        this.connector.http,
        this.connector.auth.bearer('v1', this.credentials),
        { employees: [this.v1PerIp, pacers.v1Employees], other: [this.v1PerIp] },
        {
          employeePageSize: o.employeePageSize ?? 100,
          absencePageSize: Math.min(200, o.absencePageSize ?? 200),
        },
      );
    }
    return this.v1Client;
  }

  private v2(): PersonioV2Client {
    if (!this.v2Client) {
      const pacers = this.connector.pacersFor(this.credentials);
      const o = this.connector.options;
      this.v2Client = new PersonioV2Client(
        this.connector.http,
        this.connector.auth.bearer('v2', this.credentials),
        pacers.v2,
        {
          personPageSize: Math.min(50, o.personPageSize ?? 50),
          absencePageSize: Math.min(100, o.absencePageSize ?? 100),
          concurrency: o.concurrency ?? 4,
          paceSafety: o.paceSafety ?? 0.98,
        },
      );
    }
    return this.v2Client;
  }

  async verify(): Promise<VerifyResult> {
    const version = await this.apiVersion();
    const grant = await this.connector.auth.grant(version, this.credentials, this.run);
    // One small read proves the token is accepted for employee data, not just issued.
    let employeeCount: number | null;
    if (version === 'v1') {
      employeeCount = await this.v1EmployeeCount();
    } else {
      await this.connector.http.send({
        method: 'GET',
        path: '/v2/persons',
        query: [['limit', '1']],
        pacers: [this.connector.pacersFor(this.credentials).v2.persons],
        run: this.run,
        auth: this.connector.auth.bearer('v2', this.credentials),
        area: 'employees',
      });
      // v2 lists carry no total; the same credentials read v1, whose metadata has one. A
      // credential without v1 access just gets no count (the first sync will know it).
      employeeCount = await this.v1EmployeeCount().catch((error: unknown) => {
        if (error instanceof ConnectorError) return null;
        throw error;
      });
    }
    return { apiVersion: version, areas: areasOf(grant.scopes), employeeCount };
  }

  /** `metadata.total_elements` of a one-record v1 employees page. */
  private async v1EmployeeCount(): Promise<number | null> {
    const answer = await this.connector.http.send({
      method: 'GET',
      path: '/v1/company/employees',
      query: [
        ['limit', '1'],
        ['offset', '0'],
      ],
      pacers: [this.v1PerIp, this.connector.pacersFor(this.credentials).v1Employees],
      run: this.run,
      auth: this.connector.auth.bearer('v1', this.credentials),
      area: 'employees',
    });
    const total = (answer.body as { metadata?: { total_elements?: unknown } } | null)?.metadata
      ?.total_elements;
    return typeof total === 'number' ? total : null;
  }

  private definitions(): Promise<V1AttributeDefinition[]> {
    // Both generations: v2 has no attribute list, and the same credentials work on v1.
    this.attributeDefs ??= this.v1().attributes(this.run);
    return this.attributeDefs;
  }

  async readableAttributes(): Promise<AttributeReport> {
    const defs = await this.definitions();
    const grant = await this.connector.auth.grant('v1', this.credentials, this.run);
    return { attributes: readableAttributesOf(defs), areas: areasOf(grant.scopes) };
  }

  async customAttributes(): Promise<CustomAttributeDefinition[]> {
    return customAttributesOf(await this.definitions());
  }

  async missingAttributes(needed: readonly NeededField[]): Promise<MissingAttribute[]> {
    const report = await this.readableAttributes();
    return missingAttributes(needed, report, await this.customAttributes());
  }

  async *employees(): AsyncGenerator<UnifiedEmployee[]> {
    if ((await this.apiVersion()) === 'v1') {
      const units = new Map<string, UnifiedTeam>();
      for await (const page of this.v1().employeePages(this.run)) {
        for (const raw of page)
          for (const u of v1OrgUnitsOf(raw)) if (!units.has(u.remote_id)) units.set(u.remote_id, u);
        yield page.map((raw) => mapV1Employee(raw));
      }
      // Only a complete read may stand in for the org-unit list.
      this.v1Units = units;
      return;
    }
    const v2 = this.v2();
    this.officeNames ??= v2.workplaceNames(this.run);
    const officeNames = (await this.officeNames) ?? undefined;
    for await (const persons of v2.personPages(this.run)) {
      const employments = await v2.employmentsOf(this.run, persons);
      yield persons.map((person, i) =>
        mapV2Employee({ person, employment: employments[i] ?? null }, { officeNames }),
      );
    }
  }

  async *orgUnits(): AsyncGenerator<UnifiedTeam[]> {
    if ((await this.apiVersion()) === 'v1') {
      let units = this.v1Units;
      if (units === null) {
        units = new Map();
        for await (const page of this.v1().employeePages(this.run, ['department', 'team'])) {
          for (const raw of page)
            for (const u of v1OrgUnitsOf(raw))
              if (!units.has(u.remote_id)) units.set(u.remote_id, u);
        }
      }
      const all = Array.from(units.values()).sort((a, b) => a.remote_id.localeCompare(b.remote_id));
      for (let i = 0; i < all.length; i += 100) yield all.slice(i, i + 100);
      return;
    }
    for (const type of ['department', 'team'] as const) {
      for await (const page of this.v2().orgUnitPages(this.run, type)) {
        yield page.map((raw) => mapV2OrgUnit(raw, type));
      }
    }
  }

  async *absences(window: DateWindow): AsyncGenerator<UnifiedAbsence[]> {
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(window.from) ||
      !/^\d{4}-\d{2}-\d{2}$/.test(window.to) ||
      window.from > window.to
    ) {
      throw new RangeError('absence window must be two YYYY-MM-DD dates, from <= to');
    }
    const o = this.connector.options;
    if ((await this.apiVersion()) === 'v1') {
      const v1 = this.v1();
      const typeIds = v1TypeIdMap(await v1.timeOffTypes(this.run));
      for await (const page of v1.timeOffPages(
        this.run,
        window,
        o.timeOffWindowMarginDays ?? 366,
      )) {
        const mapped = page
          .map((raw) => mapV1TimeOff(raw, typeIds))
          .filter((a) => overlaps(a, window));
        if (mapped.length > 0) yield mapped;
      }
      for await (const page of v1.absencePeriodPages(
        this.run,
        window,
        o.absencePeriodsOffset ?? 'record',
      )) {
        const mapped = page
          .map((raw) => mapV1AbsencePeriod(raw))
          .filter((a) => overlaps(a, window));
        if (mapped.length > 0) yield mapped;
      }
      return;
    }
    const v2 = this.v2();
    for await (const periods of v2.absencePeriodPages(this.run, window)) {
      const breakdowns =
        o.v2AbsenceDurations === false ? null : await v2.breakdownsOf(this.run, periods);
      const mapped = periods
        .map((period, i) =>
          mapV2Absence({ period, breakdowns: breakdowns ? (breakdowns[i] ?? null) : null }),
        )
        .filter((a) => overlaps(a, window));
      if (mapped.length > 0) yield mapped;
    }
  }

  async *absenceTypes(): AsyncGenerator<UnifiedAbsenceType[]> {
    if ((await this.apiVersion()) === 'v1') {
      const types = await this.v1().timeOffTypes(this.run);
      if (types.length > 0) yield types.map((t) => mapV1TimeOffType(t));
      return;
    }
    for await (const page of this.v2().absenceTypePages(this.run)) {
      yield page.map((t) => mapV2AbsenceType(t));
    }
  }
}

/**
 * The sandbox's public entry: `startSandbox()` generates a company, starts the HTTP server on
 * 127.0.0.1 (a random port by default) and returns its URL, credentials, a typed control
 * object and `close()`. `createSandbox()` builds the same state without listening.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { CredentialInput } from './auth';
import { AuthService } from './auth';
import type { SandboxState } from './context';
import type { CredentialInfo } from './control';
import { SandboxControl, credentialInfo } from './control';
import { FaultInjector } from './faults';
import { generateCompany, referenceDateFor } from './generator';
import type { Company } from './model';
import type { DeepPartial, QuirkOptions, RateLimitOptions } from './options';
import { resolveOptions } from './options';
import { RateLimiter } from './rate-limiter';
import { createSandboxServer } from './server';
import { SandboxStore } from './store';
import { SandboxClock } from './time';
import { AttributeCatalog } from './v1-attributes';

export interface SandboxConfig {
  seed?: number;
  /** Head count of the generated company (default 250). */
  employees?: number;
  /** Average absences per employee (default 3). */
  absencesPerEmployee?: number;
  /** Day the company is generated around (default: the clock's today). */
  referenceDate?: string;
  port?: number;
  host?: string;
  /** `false` switches every limit off. */
  rateLimits?: DeepPartial<RateLimitOptions> | false;
  quirks?: Partial<QuirkOptions>;
  tokenTtlSeconds?: number;
  /**
   * Base clock, as a function or an object with `now()`; the sandbox adds its own offset on
   * top, which `control.advanceClock()` moves.
   */
  clock?: (() => Date) | { now(): Date };
  /** Credentials to create; default: one with every scope and attribute, one restricted. */
  credentials?: CredentialInput[];
  /**
   * Bytes of serialised v1 employees kept between requests (default 128 MiB, a company of
   * about 28,000 with every attribute; 0 turns the cache off). Any mutation empties it.
   */
  employeeCacheBytes?: number;
}

export interface RunningSandbox {
  url: string;
  host: string;
  port: number;
  company: Company;
  /** The credentials created at start, in order. */
  credentials: CredentialInfo[];
  control: SandboxControl;
  state: SandboxState;
  close(): Promise<void>;
}

/** A restricted default credential: names and org data only, no salary, no custom fields. */
export const RESTRICTED_ATTRIBUTES = [
  'first_name',
  'last_name',
  'preferred_name',
  'email',
  'status',
  'position',
  'department',
  'team',
  'office',
  'supervisor',
  'hire_date',
  'termination_date',
  'employment_type',
] as const;

export function defaultCredentials(): CredentialInput[] {
  return [
    { name: 'Full access' },
    {
      name: 'Restricted',
      readableAttributes: [...RESTRICTED_ATTRIBUTES],
      scopes: ['personio:persons:read'],
    },
  ];
}

export function createSandbox(config: SandboxConfig = {}): {
  state: SandboxState;
  control: SandboxControl;
  credentials: CredentialInfo[];
} {
  const seed = config.seed ?? 42;
  const base = config.clock;
  const clock = new SandboxClock(typeof base === 'object' ? () => base.now() : base);
  const options = resolveOptions(config);
  const company = generateCompany({
    seed,
    employees: config.employees ?? 250,
    referenceDate: config.referenceDate ?? referenceDateFor(clock.nowMs()),
    absencesPerEmployee: config.absencesPerEmployee,
  });
  const store = new SandboxStore(company, clock);
  const auth = new AuthService(options, clock, seed);
  const state: SandboxState = {
    store,
    auth,
    catalog: new AttributeCatalog(company.customAttributes, config.employeeCacheBytes),
    options,
    clock,
    limiter: new RateLimiter(options.rateLimits, clock),
    faults: new FaultInjector(),
  };
  const credentials = (config.credentials ?? defaultCredentials()).map((c) =>
    credentialInfo(auth.createCredential(c)),
  );
  return { state, control: new SandboxControl(state), credentials };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startSandbox(config: SandboxConfig = {}): Promise<RunningSandbox> {
  const { state, control, credentials } = createSandbox(config);
  const server = createSandboxServer(state, control);
  const host = config.host ?? '127.0.0.1';
  const address = await listen(server, config.port ?? 0, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    host,
    port: address.port,
    company: state.store.company,
    credentials,
    control,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export type { CredentialInfo, SandboxControl } from './control';
export type { FaultKind, FaultRuleInput } from './faults';
export type { Absence, Company, Employee } from './model';
export type { QuirkOptions, RateLimitOptions } from './options';
export { DEFAULT_QUIRKS, DEFAULT_RATE_LIMITS } from './options';
export { SCOPES } from './auth';
export type { CredentialInput, Scope } from './auth';
export type { SandboxState } from './context';
export type { AbsenceInput, HireInput, TerminateInput } from './store';
export type { DeepPartial } from './options';
export { generateCompany } from './generator';

/**
 * Owns the sandbox's control surface as typed methods: change the company (hire, update,
 * terminate, delete, absences), manage credentials and their whitelists, inject faults, move the
 * clock, switch rate limits. The HTTP control API (control-routes.ts) and in-process tests call
 * the same methods, so both paths behave identically. Not part of Personio's API.
 */
import type { Credential, CredentialInput, Scope } from './auth';
import type { SandboxState } from './context';
import type { FaultRule, FaultRuleInput } from './faults';
import type { Absence, Employee } from './model';
import type { DeepPartial, RateLimitOptions } from './options';
import { resolveRateLimits } from './options';
import type { AbsenceInput, HireInput, TerminateInput } from './store';

export interface CredentialInfo {
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: Scope[];
  readableAttributes: string[] | null;
  revoked: boolean;
}

export interface SandboxSummary {
  company: string;
  employees: number;
  absences: number;
  now: string;
  credentials: CredentialInfo[];
  faults: number;
  rateLimits: boolean;
}

export function credentialInfo(c: Credential): CredentialInfo {
  return {
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    name: c.name,
    scopes: Array.from(c.scopes),
    readableAttributes: c.readable ? Array.from(c.readable) : null,
    revoked: c.revoked,
  };
}

export class SandboxControl {
  constructor(private readonly state: SandboxState) {}

  summary(): SandboxSummary {
    return {
      company: this.state.store.company.name,
      employees: this.state.store.employees().length,
      absences: this.state.store.absences().length,
      now: this.state.clock.now().toISOString(),
      credentials: this.state.auth.list().map(credentialInfo),
      faults: this.state.faults.list().length,
      rateLimits: this.state.limiter.current().enabled,
    };
  }

  hire(input: HireInput): Employee {
    return this.state.store.hire(input);
  }

  /** Sets v1 attributes by key (e.g. `{ position: 'CTO', dynamic_12345: 'Yes', department: 281521 }`). */
  updateEmployee(id: number, attributes: Record<string, unknown>): Employee {
    return this.state.store.update(id, attributes);
  }

  terminate(id: number, input: TerminateInput): Employee {
    return this.state.store.terminate(id, input);
  }

  deleteEmployee(id: number): void {
    this.state.store.deleteEmployee(id);
  }

  addAbsence(input: AbsenceInput): Absence {
    return this.state.store.addAbsence(input);
  }

  updateAbsence(id: number, patch: Partial<AbsenceInput>): Absence {
    return this.state.store.updateAbsence(id, patch);
  }

  cancelAbsence(id: number): void {
    this.state.store.cancelAbsence(id);
  }

  createCredential(input: CredentialInput = {}): CredentialInfo {
    return credentialInfo(this.state.auth.createCredential(input));
  }

  revokeCredential(clientId: string): boolean {
    return this.state.auth.revokeCredential(clientId);
  }

  /** null makes every attribute readable again. */
  setReadableAttributes(clientId: string, attributes: readonly string[] | null): boolean {
    return this.state.auth.setReadable(clientId, attributes);
  }

  setScopes(clientId: string, scopes: readonly Scope[]): boolean {
    return this.state.auth.setScopes(clientId, scopes);
  }

  addFault(rule: FaultRuleInput): FaultRule {
    return this.state.faults.add(rule);
  }

  removeFault(id: string): boolean {
    return this.state.faults.remove(id);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  listFaults(): FaultRule[] {
    return this.state.faults.list();
  }

  advanceClock(ms: number): Date {
    this.state.clock.advance(ms);
    return this.state.clock.now();
  }

  setClock(at: Date): Date {
    this.state.clock.set(at);
    return this.state.clock.now();
  }

  now(): Date {
    return this.state.clock.now();
  }

  /** `false` switches limits off; an object replaces the limits (missing parts use defaults). */
  setRateLimits(limits: DeepPartial<RateLimitOptions> | false): RateLimitOptions {
    const next = resolveRateLimits(limits);
    this.state.limiter.configure(next);
    this.state.options.rateLimits = next;
    return next;
  }
}

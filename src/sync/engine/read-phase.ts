/**
 * Owns the read half of a run: streams every resource in scope through the connector, turns
 * each record into its served form, and sorts it against the stored hashes. Unchanged records
 * cost a hash and a set entry; new or different ones go to a sink (the staging table for a run,
 * counters for a dry run). It writes nothing itself and decides no deletions: it returns what it
 * saw, and only a read that returned without an error may be used to delete anything.
 */
import type { ConnectorSession, DateWindow } from '../../../connectors/connector';
import { positionsOf, type RemoteId, type UnifiedPosition } from '../../../connectors/unified';
import type { GatewayResource } from '../../hris/gateway-id';
import { contentHash } from '../content-hash';
import { exposeEmployees } from '../expose-employees';
import { describeMappingIssue, type MappingPlan } from '../field-mapping';
import { describeScopeReason, type ScopePlan } from '../scope';
import {
  absenceData,
  absenceTypeData,
  employeeData,
  positionData,
  reportingLineData,
  teamData,
  type RecordData,
} from './resource-specs';

export interface StoredEntry {
  hash: string;
  live: boolean;
}

/** What is stored for one resource, by remote id (for absences: those in the window). */
export type StoredIndex = ReadonlyMap<RemoteId, StoredEntry>;

export interface StagedRecord {
  resource: GatewayResource;
  remoteId: RemoteId;
  hash: string;
  data: RecordData;
  remoteData: unknown;
}

export interface ChangeSink {
  /** A record that is new, restored or different from the stored one. */
  stage(record: StagedRecord, stored: StoredEntry | undefined): Promise<void>;
  /** Everything staged is stored (or counted) once this resolves. */
  flush(): Promise<void>;
}

export interface ResourceRead {
  /** Remote ids read and in scope. */
  seen: Set<RemoteId>;
  /** Remote ids read but out of scope: a stored one leaves with reason `left_scope`. */
  outOfScope: Set<RemoteId>;
  unchanged: number;
  staged: number;
  /**
   * False when the read cannot prove that a missing record is gone (it returned a record twice,
   * which offset pagination does when data shifts between pages): no deletions this run.
   */
  deletionsTrusted: boolean;
}

export type SyncedResource = 'employees' | 'teams' | 'positions' | 'absences';

export interface ReadPlan {
  connectionId: string;
  resources: ReadonlySet<SyncedResource>;
  scope: ScopePlan;
  mapping: MappingPlan;
  window: DateWindow;
}

export interface ReadHooks {
  /** Called after each page a connector returned (progress, heartbeat, cancellation). */
  onPage?(resource: GatewayResource, records: number): Promise<void> | void;
}

export interface ReadOutcome {
  reads: Partial<Record<GatewayResource, ResourceRead>>;
  /** Plain sentences: mapping problems met, duplicates skipped (capped). */
  warnings: string[];
  /** Why people were left out, a few of them (the dry run shows these). */
  excluded: Array<{ remote_id: RemoteId; reason: string }>;
}

const MAX_WARNINGS = 20;
const MAX_EXCLUDED_SAMPLE = 10;

/** The resources a run reads, in the order it reads them (employees first: others need them). */
export function resourcesRead(plan: ReadPlan): GatewayResource[] {
  const out: GatewayResource[] = [];
  if (plan.resources.has('employees')) out.push('employees', 'reporting_lines');
  if (plan.resources.has('teams')) out.push('teams');
  if (plan.resources.has('positions')) out.push('positions');
  if (plan.resources.has('absences')) out.push('absence_types', 'absences');
  return out;
}

export async function readAll(
  session: ConnectorSession,
  plan: ReadPlan,
  indexes: Partial<Record<GatewayResource, StoredIndex>>,
  sink: ChangeSink,
  hooks: ReadHooks = {},
): Promise<ReadOutcome> {
  const outcome: ReadOutcome = { reads: {}, warnings: [], excluded: [] };
  const warn = (message: string): void => {
    if (outcome.warnings.length < MAX_WARNINGS && !outcome.warnings.includes(message)) {
      outcome.warnings.push(message);
    }
  };
  const readOf = (resource: GatewayResource): ResourceRead =>
    (outcome.reads[resource] ??= {
      seen: new Set(),
      outOfScope: new Set(),
      unchanged: 0,
      staged: 0,
      deletionsTrusted: true,
    });
  const offer = async (
    resource: GatewayResource,
    remoteId: RemoteId,
    data: RecordData,
    remoteData: unknown,
  ): Promise<void> => {
    const read = readOf(resource);
    if (read.seen.has(remoteId)) {
      read.deletionsTrusted = false;
      warn(
        `Personio returned ${resource.replace('_', ' ')} ${remoteId} twice; deletions of ${resource.replace('_', ' ')} wait for the next run`,
      );
      return;
    }
    read.seen.add(remoteId);
    read.outOfScope.delete(remoteId);
    const hash = contentHash(data);
    const stored = indexes[resource]?.get(remoteId);
    if (stored?.live && stored.hash === hash) {
      read.unchanged += 1;
      return;
    }
    read.staged += 1;
    await sink.stage({ resource, remoteId, hash, data, remoteData }, stored);
  };
  const { connectionId } = plan;
  const order = resourcesRead(plan);

  if (order.includes('employees')) {
    const employees = readOf('employees');
    const lines = readOf('reporting_lines');
    const positions = new Map<RemoteId, UnifiedPosition>();
    for await (const page of session.employees()) {
      const exposed = exposeEmployees(page, plan);
      for (const issue of exposed.issues) warn(describeMappingIssue(issue));
      for (const { remote_id, reason } of exposed.excluded) {
        if (!employees.seen.has(remote_id)) {
          employees.outOfScope.add(remote_id);
          lines.outOfScope.add(remote_id);
        }
        if (outcome.excluded.length < MAX_EXCLUDED_SAMPLE) {
          outcome.excluded.push({ remote_id, reason: describeScopeReason(reason) });
        }
      }
      for (const employee of exposed.exposed) {
        await offer(
          'employees',
          employee.remote_id,
          employeeData(connectionId, employee),
          employee.remote_data,
        );
        if (employee.manager_id !== null) {
          const line = { employee_id: employee.remote_id, manager_id: employee.manager_id };
          await offer(
            'reporting_lines',
            employee.remote_id,
            reportingLineData(connectionId, line),
            null,
          );
        }
      }
      for (const position of positionsOf(exposed.exposed)) {
        if (!positions.has(position.remote_id)) positions.set(position.remote_id, position);
      }
      await hooks.onPage?.('employees', page.length);
    }
    // Lines and positions come from the employee read: they are only as complete as it is.
    lines.deletionsTrusted &&= employees.deletionsTrusted;
    if (order.includes('positions')) {
      const read = readOf('positions');
      read.deletionsTrusted = employees.deletionsTrusted;
      for (const position of positions.values()) {
        await offer('positions', position.remote_id, positionData(position), null);
      }
    }
  }

  if (order.includes('teams')) {
    for await (const page of session.orgUnits()) {
      for (const team of page)
        await offer('teams', team.remote_id, teamData(connectionId, team), team.remote_data);
      await hooks.onPage?.('teams', page.length);
    }
  }

  if (order.includes('absences')) {
    for await (const page of session.absenceTypes()) {
      for (const type of page)
        await offer('absence_types', type.remote_id, absenceTypeData(type), type.remote_data);
      await hooks.onPage?.('absence_types', page.length);
    }
    const inScope = outcome.reads.employees?.seen ?? new Set<RemoteId>();
    const absences = readOf('absences');
    for await (const page of session.absences(plan.window)) {
      for (const absence of page) {
        if (inScope.has(absence.employee_id)) {
          await offer(
            'absences',
            absence.remote_id,
            absenceData(connectionId, absence),
            absence.remote_data,
          );
        } else if (!absences.seen.has(absence.remote_id)) {
          // Out-of-scope people are not served, and neither are their absences.
          absences.outOfScope.add(absence.remote_id);
        }
      }
      await hooks.onPage?.('absences', page.length);
    }
    absences.deletionsTrusted &&= outcome.reads.employees?.deletionsTrusted ?? true;
  }

  await sink.flush();
  return outcome;
}

/** Stored, live records the read did not return: what a complete read says is gone. */
export function deletionsOf(
  index: StoredIndex | undefined,
  read: ResourceRead | undefined,
): Array<{ remoteId: RemoteId; reason: 'left_scope' | 'removed_in_source' }> {
  if (!index || !read || !read.deletionsTrusted) return [];
  const out: Array<{ remoteId: RemoteId; reason: 'left_scope' | 'removed_in_source' }> = [];
  for (const [remoteId, entry] of index) {
    if (!entry.live || read.seen.has(remoteId)) continue;
    out.push({
      remoteId,
      reason: read.outOfScope.has(remoteId) ? 'left_scope' : 'removed_in_source',
    });
  }
  return out;
}

export interface EmployeeDeletionGuard {
  live: number;
  deleting: number;
  share: number;
  threshold: number;
  exceeded: boolean;
}

/** The mass-deletion guard over employees: share of the live ones a run would delete. */
export function employeeDeletionGuard(
  index: StoredIndex | undefined,
  deleting: number,
  threshold: number,
): EmployeeDeletionGuard {
  let live = 0;
  for (const entry of index?.values() ?? []) if (entry.live) live += 1;
  const share = live === 0 ? 0 : deleting / live;
  return { live, deleting, share, threshold, exceeded: share > threshold };
}

/**
 * Owns the read half of a run: streams every resource in scope through the connector, turns
 * each record into its served form, and sorts it against the stored hashes. Unchanged records
 * cost a hash and a flag; new or different ones go to a sink (the staging table for a run,
 * counters for a dry run). The next page is fetched while one is processed, so that work hides
 * in the connector's round trips. It writes nothing itself and decides no deletions: it returns
 * what it saw, and only a read that returned without an error may be used to delete anything.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ConnectorSession, DateWindow } from '../../../connectors/connector';
import { positionsOf, type RemoteId, type UnifiedPosition } from '../../../connectors/unified';
import type { GatewayResource } from '../../hris/gateway-id';
import { contentDigest, digestHex } from '../content-hash';
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
import { keyOf, StoredIndex, type RemoteIdKey, type StoredIndexes } from './stored-index';

/** What a sink is told about the stored record a staged one replaces. */
export interface StoredEntry {
  live: boolean;
}

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

/** What the read of one resource saw, against that resource's stored index. */
export class ResourceRead {
  /** Remote ids read but out of scope: a stored one leaves with reason `left_scope`. */
  readonly outOfScope = new Set<RemoteId>();
  unchanged = 0;
  staged = 0;
  /**
   * False when the read cannot prove that a missing record is gone (it returned a record twice,
   * which offset pagination does when data shifts between pages): no deletions this run.
   */
  deletionsTrusted = true;
  /** Stored records read and in scope, by slot: a flag, not a set of id strings. */
  private readonly seenSlots: Uint8Array;
  /** Records read and in scope that nothing is stored for (new ones), keyed like the index. */
  private readonly seenNew = new Set<RemoteIdKey>();
  private seenStored = 0;

  constructor(readonly index: StoredIndex = new StoredIndex()) {
    this.seenSlots = new Uint8Array(index.size);
  }

  /** Remote ids read and in scope. */
  get seenCount(): number {
    return this.seenStored + this.seenNew.size;
  }

  hasSeen(remoteId: RemoteId): boolean {
    const slot = this.index.slotOf(remoteId);
    return slot >= 0 ? this.seenSlots[slot] === 1 : this.seenNew.has(keyOf(remoteId));
  }

  /** Marks a record as read; false when it was read before. */
  markSeen(remoteId: RemoteId, slot: number): boolean {
    if (slot < 0) {
      const key = keyOf(remoteId);
      if (this.seenNew.has(key)) return false;
      this.seenNew.add(key);
      return true;
    }
    if (this.seenSlots[slot] === 1) return false;
    this.seenSlots[slot] = 1;
    this.seenStored += 1;
    return true;
  }

  /** Stored, live records this read did not return. */
  *missingLive(): IterableIterator<RemoteId> {
    for (const [remoteId, slot] of this.index.entries()) {
      if (this.index.isLive(slot) && this.seenSlots[slot] !== 1) yield remoteId;
    }
  }
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
  indexes: StoredIndexes,
  sink: ChangeSink,
  hooks: ReadHooks = {},
): Promise<ReadOutcome> {
  const outcome: ReadOutcome = { reads: {}, warnings: [], excluded: [] };
  const warn = (message: string): void => {
    if (outcome.warnings.length < MAX_WARNINGS && !outcome.warnings.includes(message)) {
      outcome.warnings.push(message);
    }
  };
  /** The indexes awaited so far: each resource's before its first record is offered. */
  const ready: Partial<Record<GatewayResource, StoredIndex>> = {};
  const awaitIndexes = async (...resources: GatewayResource[]): Promise<void> => {
    for (const resource of resources) ready[resource] = await indexes[resource];
  };
  const readOf = (resource: GatewayResource): ResourceRead => {
    if (outcome.reads[resource]) return outcome.reads[resource];
    // Read against a missing index, every stored record would look new and none deleted.
    if (indexes[resource] !== undefined && ready[resource] === undefined) {
      throw new Error(`the stored index of ${resource} was not awaited before the read used it`);
    }
    return (outcome.reads[resource] = new ResourceRead(ready[resource]));
  };
  /** A promise only when the record went to the sink: unchanged ones cost no await. */
  const offer = (
    resource: GatewayResource,
    remoteId: RemoteId,
    data: RecordData,
    remoteData: unknown,
  ): Promise<void> | undefined => {
    const read = readOf(resource);
    const { index } = read;
    const slot = index.slotOf(remoteId);
    if (!read.markSeen(remoteId, slot)) {
      read.deletionsTrusted = false;
      warn(
        `Personio returned ${resource.replace('_', ' ')} ${remoteId} twice; deletions of ${resource.replace('_', ' ')} wait for the next run`,
      );
      return undefined;
    }
    if (read.outOfScope.size > 0) read.outOfScope.delete(remoteId);
    const digest = contentDigest(data);
    const live = slot >= 0 && index.isLive(slot);
    if (live && index.hasDigest(slot, digest)) {
      read.unchanged += 1;
      return undefined;
    }
    read.staged += 1;
    const hash = digestHex(digest);
    return sink.stage(
      { resource, remoteId, hash, data, remoteData },
      slot >= 0 ? { live } : undefined,
    );
  };
  const { connectionId } = plan;
  const order = resourcesRead(plan);

  if (order.includes('employees')) {
    // Awaited at the first page, not before the loop: the index loads while Personio answers
    // the first request.
    let employeeReads: Promise<[ResourceRead, ResourceRead]> | undefined;
    const readsOfEmployees = (): Promise<[ResourceRead, ResourceRead]> =>
      (employeeReads ??= awaitIndexes('employees', 'reporting_lines').then(() => [
        readOf('employees'),
        readOf('reporting_lines'),
      ]));
    const positions = new Map<RemoteId, UnifiedPosition>();
    for await (const page of readAhead(session.employees())) {
      const [employees, lines] = await readsOfEmployees();
      const exposed = exposeEmployees(page, plan);
      for (const issue of exposed.issues) warn(describeMappingIssue(issue));
      for (const { remote_id, reason } of exposed.excluded) {
        if (!employees.hasSeen(remote_id)) {
          employees.outOfScope.add(remote_id);
          lines.outOfScope.add(remote_id);
        }
        if (outcome.excluded.length < MAX_EXCLUDED_SAMPLE) {
          outcome.excluded.push({ remote_id, reason: describeScopeReason(reason) });
        }
      }
      for (const employee of exposed.exposed) {
        const staged = offer(
          'employees',
          employee.remote_id,
          employeeData(connectionId, employee),
          employee.remote_data,
        );
        if (staged) await staged;
        if (employee.manager_id !== null) {
          const line = { employee_id: employee.remote_id, manager_id: employee.manager_id };
          const stagedLine = offer(
            'reporting_lines',
            employee.remote_id,
            reportingLineData(connectionId, line),
            null,
          );
          if (stagedLine) await stagedLine;
        }
      }
      for (const position of positionsOf(exposed.exposed)) {
        if (!positions.has(position.remote_id)) positions.set(position.remote_id, position);
      }
      await hooks.onPage?.('employees', page.length);
    }
    const [employees, lines] = await readsOfEmployees();
    // Lines and positions come from the employee read: they are only as complete as it is.
    lines.deletionsTrusted &&= employees.deletionsTrusted;
    if (order.includes('positions')) {
      await awaitIndexes('positions');
      const read = readOf('positions');
      read.deletionsTrusted = employees.deletionsTrusted;
      for (const position of positions.values()) {
        await offer('positions', position.remote_id, positionData(position), null);
      }
    }
  }

  if (order.includes('teams')) {
    await awaitIndexes('teams');
    for await (const page of readAhead(session.orgUnits())) {
      for (const team of page)
        await offer('teams', team.remote_id, teamData(connectionId, team), team.remote_data);
      await hooks.onPage?.('teams', page.length);
    }
  }

  if (order.includes('absences')) {
    await awaitIndexes('absence_types', 'absences');
    for await (const page of readAhead(session.absenceTypes())) {
      for (const type of page)
        await offer('absence_types', type.remote_id, absenceTypeData(type), type.remote_data);
      await hooks.onPage?.('absence_types', page.length);
    }
    const people = outcome.reads.employees;
    const absences = readOf('absences');
    for await (const page of readAhead(session.absences(plan.window))) {
      for (const absence of page) {
        if (people?.hasSeen(absence.employee_id)) {
          const staged = offer(
            'absences',
            absence.remote_id,
            absenceData(connectionId, absence),
            absence.remote_data,
          );
          if (staged) await staged;
        } else if (!absences.hasSeen(absence.remote_id)) {
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
  read: ResourceRead | undefined,
): Array<{ remoteId: RemoteId; reason: 'left_scope' | 'removed_in_source' }> {
  if (!read || !read.deletionsTrusted) return [];
  const out: Array<{ remoteId: RemoteId; reason: 'left_scope' | 'removed_in_source' }> = [];
  for (const remoteId of read.missingLive()) {
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
  const live = index?.liveCount ?? 0;
  const share = live === 0 ? 0 : deleting / live;
  return { live, deleting, share, threshold, exceeded: share > threshold };
}

/**
 * The source's pages with the next one already requested while the caller handles the current
 * one (one page ahead, so memory stays one page larger). The turn of the event loop before a
 * page is handed out lets the request for the next one leave first. An error of a page comes
 * out where that page would have; a caller that stops early (an error of its own, a
 * cancellation) closes the source after the page in flight settles.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const pages = source[Symbol.asyncIterator]();
  let next = pages.next();
  let finished = false;
  try {
    for (;;) {
      const current = await next;
      if (current.done) {
        finished = true;
        return;
      }
      next = pages.next();
      // Awaited above on the next turn; this only keeps an early stop from leaving it unhandled.
      next.catch(() => undefined);
      await nextTurn();
      yield current.value;
    }
  } catch (error) {
    finished = true;
    throw error;
  } finally {
    if (!finished) await pages.return?.(undefined).catch(() => undefined);
  }
}

/**
 * Owns `POST /v1/connections/{id}/test`: checks the stored credentials and attribute access,
 * then reads everything a run would read under the current settings and reports what it would
 * create, update and delete, with a sample. Writes nothing: no staging, no data, no events.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type components } from '../../../openapi/generated/hris-gateway';
import { type AuthContext } from '../../auth/access-token.guard';
import { ProblemException } from '../../common/errors/problem';
import { isUuid } from '../../common/validation/uuid';
import { ConnectionsRepository } from '../../connections/connections.repository';
import type { GatewayResource } from '../../hris/gateway-id';
import { Providers } from '../../providers/providers.module';
import { Vault } from '../../vault/vault';
import { utcDay } from '../calendar-day';
import { changesBetween } from '../diff';
import { openConnection } from '../engine/connection-session';
import { deletionsOf, employeeDeletionGuard, readAll, resourcesRead } from '../engine/read-phase';
import { RESOURCE_SPECS, type RecordData } from '../engine/resource-specs';
import { runErrorOf } from '../engine/run-errors';
import { startLoadingStoredIndexes } from '../engine/stored-index';
import { compileReadPlan } from '../engine/sync-plan';
import { PreviewSink, SAMPLE_SIZE } from './preview-sink';

export type ConnectionTestView = components['schemas']['ConnectionTest'];
type Preview = components['schemas']['ConnectionTestPreview'];

const notFound = (): ProblemException => new ProblemException('not_found', 'No such connection.');

@Injectable()
export class ConnectionTestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly vault: Vault,
    private readonly providers: Providers,
  ) {}

  async test(auth: AuthContext, connectionId: string): Promise<ConnectionTestView> {
    if (!isUuid(connectionId) || (auth.connectionId && auth.connectionId !== connectionId)) {
      throw notFound();
    }
    const row = await this.connections.findOne(auth.applicationId, connectionId);
    if (!row) throw notFound();
    if (row.credentials === null) {
      throw new ProblemException(
        'conflict',
        'The connection has no credentials yet: send the admin a connect link.',
      );
    }
    const opened = await openConnection(
      this.dataSource.manager,
      this.vault,
      // A person waits on this answer: quick retries, then an honest error.
      this.providers.personioInteractive,
      connectionId,
    );
    if (!opened) throw notFound();
    const { session, settings, application } = opened;
    const checkedAt = new Date();
    const result: ConnectionTestView = {
      ok: false,
      checked_at: checkedAt.toISOString(),
      api_version: null,
      employee_count: null,
      missing_attributes: [],
      issues: [],
      error: null,
      preview: null,
    };
    /** Stops index loads a failed read left running. */
    const finished = new AbortController();
    try {
      const verified = await session.verify();
      result.api_version = verified.apiVersion;
      result.employee_count = verified.employeeCount;
      const missing = await session.missingAttributes(application.requiredAttributes);
      result.missing_attributes = missing.map((m) => ({
        field: m.field,
        label: m.label,
        message: m.message,
      }));
      const today = utcDay(checkedAt);
      const { plan, issues } = await compileReadPlan(session, connectionId, settings, today);
      result.issues = issues;
      const resources = resourcesRead(plan);
      const indexes = startLoadingStoredIndexes(
        this.dataSource.manager,
        connectionId,
        resources,
        plan.window,
        finished.signal,
      );
      const sink = new PreviewSink();
      const outcome = await readAll(session, plan, indexes, sink);
      result.issues.push(...outcome.warnings);

      const counts: Preview['resources'] = {};
      const deletions = new Map<GatewayResource, ReturnType<typeof deletionsOf>>();
      for (const resource of resources) {
        const removed = deletionsOf(outcome.reads[resource]);
        deletions.set(resource, removed);
        counts[resource] = {
          created: sink.created.get(resource) ?? 0,
          updated: sink.updated.get(resource) ?? 0,
          deleted: removed.length,
          unchanged: outcome.reads[resource]?.unchanged ?? 0,
        };
      }
      result.preview = {
        resources: counts,
        out_of_scope: outcome.reads.employees?.outOfScope.size ?? 0,
        deletion_guard: employeeDeletionGuard(
          await indexes.employees,
          deletions.get('employees')?.length ?? 0,
          settings.deletion_threshold,
        ),
        sample: {
          created: sink.createdEmployees.map(previewEmployee),
          updated: await this.updatedSample(connectionId, sink.updatedEmployees),
          deleted: await this.deletedSample(
            connectionId,
            (deletions.get('employees') ?? []).slice(0, SAMPLE_SIZE),
          ),
          out_of_scope: outcome.excluded.slice(0, SAMPLE_SIZE),
        },
      };
      result.ok = result.missing_attributes.length === 0;
    } catch (error) {
      const { code, message } = runErrorOf(error);
      result.error = { code, message };
    } finally {
      finished.abort();
    }
    return result;
  }

  private async storedEmployees(
    connectionId: string,
    remoteIds: string[],
  ): Promise<Map<string, RecordData>> {
    if (remoteIds.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ remote_id: string; data: RecordData }>>(
      `SELECT remote_id, data FROM ${RESOURCE_SPECS.employees.table}
       WHERE connection_id = $1 AND remote_id = ANY($2::text[])`,
      [connectionId, remoteIds],
    );
    return new Map(rows.map((r) => [r.remote_id, r.data]));
  }

  private async updatedSample(
    connectionId: string,
    updated: ReadonlyMap<string, RecordData>,
  ): Promise<Preview['sample']['updated']> {
    const stored = await this.storedEmployees(connectionId, Array.from(updated.keys()));
    return Array.from(updated, ([remoteId, data]) => ({
      remote_id: remoteId,
      display_name: text(data.display_name),
      changed: changesBetween(stored.get(remoteId) ?? {}, data).changed,
    }));
  }

  private async deletedSample(
    connectionId: string,
    deleted: ReadonlyArray<{ remoteId: string; reason: 'left_scope' | 'removed_in_source' }>,
  ): Promise<Preview['sample']['deleted']> {
    const stored = await this.storedEmployees(
      connectionId,
      deleted.map((d) => d.remoteId),
    );
    return deleted.map((d) => ({
      remote_id: d.remoteId,
      display_name: text(stored.get(d.remoteId)?.display_name),
      reason: d.reason,
    }));
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function previewEmployee(data: RecordData): Preview['sample']['created'][number] {
  return {
    remote_id: String(data.remote_id),
    display_name: text(data.display_name),
    email: text(data.email),
    status: text(data.status),
    employment_type: text(data.employment_type),
    job_title: text(data.job_title),
  };
}

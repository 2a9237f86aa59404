/**
 * Rules for an application's connections: what it may see (its own; only the token's one when
 * the token is bound to a connection), pausing and resuming, settings changes, and deletion
 * (credentials and synced data removed, a tombstone and an event kept).
 */
import { Clock } from '../common/time/clock';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type AuthContext } from '../auth/access-token.guard';
import { ProblemException } from '../common/errors/problem';
import { keysetPage, positionAfter } from '../common/pagination/keyset-page';
import { EventsWriter } from '../events/events.writer';
import { type ConnectionEntity } from './connection.entity';
import { toConnectionView, type ConnectionView } from './connection.view';
import { ConnectionsRepository } from './connections.repository';
import { type ListConnectionsQuery } from './dto/list-connections.query';
import { effectiveSettings, settingsToJson } from './dto/connection-settings.dto';
import { nextSyncAfter } from './schedule';
import { ApplicationEntity } from '../applications/application.entity';
import { type UpdateConnectionDto } from './dto/update-connection.dto';
import { isUuid } from '../common/validation/uuid';

/** Tables of synced data, keyed by connection (src/hris/entities). */
const UNIFIED_TABLES = [
  'absences',
  'reporting_lines',
  'employees',
  'positions',
  'teams',
  'absence_types',
] as const;

export const connectionNotFound = (): ProblemException =>
  new ProblemException('not_found', 'No such connection.');

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly events: EventsWriter,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(
    auth: AuthContext,
    query: ListConnectionsQuery,
  ): Promise<{ data: ConnectionView[]; next_cursor: string | null }> {
    if (auth.connectionId) {
      const own = await this.connections.findOne(auth.applicationId, auth.connectionId);
      const matches =
        own &&
        (!query.status || own.status === query.status) &&
        (!query.customer_ref || own.customerRef === query.customer_ref);
      return { data: matches ? [toConnectionView(own)] : [], next_cursor: null };
    }
    const rows = await this.connections.list(
      auth.applicationId,
      query.limit + 1,
      { status: query.status, customerRef: query.customer_ref },
      positionAfter(query.cursor),
    );
    return keysetPage(rows, query.limit, toConnectionView);
  }

  async get(auth: AuthContext, connectionId: string): Promise<ConnectionView> {
    return toConnectionView(await this.find(auth, connectionId));
  }

  async update(
    auth: AuthContext,
    connectionId: string,
    input: UpdateConnectionDto,
  ): Promise<ConnectionView> {
    this.assertVisible(auth, connectionId);
    return this.dataSource.transaction(async (manager) => {
      const row = await this.connections.lockOne(auth.applicationId, connectionId, manager);
      if (!row) throw connectionNotFound();
      const changes: Partial<ConnectionEntity> = {};
      if (input.settings) {
        changes.settings = settingsToJson(input.settings);
        // A new schedule counts from now; other settings apply from the next run.
        if (input.settings.schedule !== undefined && row.nextSyncAt !== null) {
          const application = await manager.findOneBy(ApplicationEntity, { id: row.applicationId });
          const next = effectiveSettings(application?.defaultSettings, changes.settings);
          changes.nextSyncAt = nextSyncAfter(next.schedule, this.clock.now());
        }
      }
      if (input.status === 'paused' && row.status !== 'paused') {
        if (row.status === 'pending') {
          throw new ProblemException('conflict', 'A pending connection has nothing to pause yet.');
        }
        Object.assign(changes, { status: 'paused', statusReason: 'paused by the application' });
        await this.events.append(manager, row, 'connection.paused', {
          id: row.id,
          reason: 'paused by the application',
        });
      }
      if (input.status === 'connected' && row.status !== 'connected') {
        if (!row.credentials) {
          throw new ProblemException(
            'conflict',
            'The connection has no credentials yet: send the admin a connect link.',
          );
        }
        if (row.status === 'disabled') {
          throw new ProblemException('conflict', 'The connection is disabled by the operator.');
        }
        if (row.status === 'invalid_credentials') {
          throw new ProblemException(
            'conflict',
            'Personio refused the stored credentials: send the admin a new connect link.',
          );
        }
        // Resumed: sync soon, with a clean failure count.
        Object.assign(changes, {
          status: 'connected',
          statusReason: null,
          consecutiveFailures: 0,
          nextSyncAt: this.clock.now(),
        });
        await this.events.append(manager, row, 'connection.resumed', { id: row.id });
      }
      await this.connections.update(auth.applicationId, row.id, changes, manager);
      return toConnectionView({ ...row, ...changes, updatedAt: new Date() });
    });
  }

  async remove(auth: AuthContext, connectionId: string): Promise<void> {
    this.assertVisible(auth, connectionId);
    await this.dataSource.transaction(async (manager) => {
      const row = await this.connections.lockOne(auth.applicationId, connectionId, manager);
      if (!row) throw connectionNotFound();
      await this.connections.update(
        auth.applicationId,
        row.id,
        { status: 'deleted', statusReason: 'deleted by the application', credentials: null },
        manager,
      );
      await manager.query(`DELETE FROM connect_sessions WHERE connection_id = $1`, [row.id]);
      // The synced data goes with the credentials; the run history stays with the tombstone.
      for (const table of UNIFIED_TABLES) {
        await manager.query(`DELETE FROM ${table} WHERE connection_id = $1`, [row.id]);
      }
      await manager.query(
        `UPDATE sync_runs SET status = 'failed', finished_at = now(),
           error = '{"code":"interrupted","message":"The connection was deleted."}'
         WHERE connection_id = $1 AND status = 'queued'`,
        [row.id],
      );
      await this.events.append(manager, row, 'connection.deleted', {
        id: row.id,
        customer_ref: row.customerRef,
      });
    });
  }

  private async find(auth: AuthContext, connectionId: string): Promise<ConnectionEntity> {
    this.assertVisible(auth, connectionId);
    const row = await this.connections.findOne(auth.applicationId, connectionId);
    if (!row) throw connectionNotFound();
    return row;
  }

  /** A malformed id, another tenant's id and a token bound elsewhere all look like a missing one. */
  private assertVisible(auth: AuthContext, connectionId: string): void {
    if (!isUuid(connectionId) || (auth.connectionId && auth.connectionId !== connectionId)) {
      throw connectionNotFound();
    }
  }
}

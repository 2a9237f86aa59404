/**
 * Owns reading the stored unified model for the API: one connection's records of one table,
 * filtered, in keyset pages ordered by gateway id (stable while rows are inserted or updated
 * between pages), and single records by id. It reads what the sync stored, never Personio.
 * Filters arrive as column/operator/value triples built by the controllers from validated
 * queries; values are always bound parameters.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor';
import { ProblemException } from '../common/errors/problem';
import { isUuid } from '../common/validation/uuid';
import { RESOURCE_SPECS } from '../sync/engine/resource-specs';
import type { GatewayResource } from './gateway-id';
import { servedObject } from './served-object';

export interface Filter {
  /** A column of the resource's table (never user input). */
  column: string;
  op: '=' | '>' | '>=' | '<=';
  value: unknown;
}

export interface ReadOptions {
  includeDeleted?: boolean;
  includeRemoteData?: boolean;
}

export interface Page {
  data: Array<Record<string, unknown>>;
  next_cursor: string | null;
}

interface Row {
  id: string;
  data: Record<string, unknown>;
  remote_data?: unknown;
  created_at: Date;
  updated_at: Date;
  remote_deleted_at: Date | null;
}

/** The cursor's time field is unused here (the key is the id); a fixed value keeps the format. */
const NO_TIME = '1970-01-01T00:00:00.000Z';

export const recordNotFound = (what: string): ProblemException =>
  new ProblemException('not_found', `No such ${what}.`);

@Injectable()
export class HrisReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(
    resource: GatewayResource,
    connectionId: string,
    filters: readonly Filter[],
    page: { limit: number; cursor?: string },
    options: ReadOptions = {},
  ): Promise<Page> {
    const table = RESOURCE_SPECS[resource].table;
    const params: unknown[] = [connectionId];
    const where = ['connection_id = $1'];
    if (!options.includeDeleted) where.push('remote_deleted_at IS NULL');
    for (const filter of filters) {
      params.push(filter.value);
      where.push(`${filter.column} ${filter.op} $${params.length}`);
    }
    if (page.cursor) {
      params.push(decodeCursor(page.cursor, (k) => k.id));
      where.push(`id > $${params.length}`);
    }
    params.push(page.limit + 1);
    const rows = await this.dataSource.query<Row[]>(
      `SELECT id, data, created_at, updated_at, remote_deleted_at
              ${options.includeRemoteData ? ', remote_data' : ''}
       FROM ${table} WHERE ${where.join(' AND ')}
       ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return idPage(rows, page.limit, (row) => present(row, options));
  }

  /** `get`, or the 404 a missing id (or another connection's) answers. */
  async getOrThrow(
    resource: GatewayResource,
    connectionId: string,
    id: string,
    what: string,
    options: ReadOptions = {},
  ): Promise<Record<string, unknown>> {
    const found = await this.get(resource, connectionId, id, options);
    if (!found) throw recordNotFound(what);
    return found;
  }

  /** A record of this connection, deleted ones included; another connection's id is missing. */
  async get(
    resource: GatewayResource,
    connectionId: string,
    id: string,
    options: ReadOptions = {},
  ): Promise<Record<string, unknown> | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.dataSource.query<Row[]>(
      `SELECT id, data, created_at, updated_at, remote_deleted_at
              ${options.includeRemoteData ? ', remote_data' : ''}
       FROM ${RESOURCE_SPECS[resource].table} WHERE connection_id = $1 AND id = $2`,
      [connectionId, id],
    );
    return row ? present(row, options) : undefined;
  }
}

/**
 * A page ordered by gateway id from `limit + 1` rows: the extra row says a next page exists.
 * Every paged read of the unified model (lists, reports, members) builds its answer here.
 */
export function idPage<R extends { id: string }>(
  rows: readonly R[],
  limit: number,
  present: (row: R) => Record<string, unknown>,
): Page {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    data: shown.map(present),
    next_cursor: rows.length > limit && last ? encodeCursor({ t: NO_TIME, id: last.id }) : null,
  };
}

function present(row: Row, options: ReadOptions): Record<string, unknown> {
  const object = servedObject(row.id, row.data, row);
  if (options.includeRemoteData) object.remote_data = row.remote_data ?? null;
  return object;
}

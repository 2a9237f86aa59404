/**
 * Owns the questions about people that span rows: who reports to someone (directly or down the
 * whole line), who belongs to a team or department, how many people hold a position, and the
 * named groups a learning platform builds its teams from. Live employees of one connection only.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor } from '../common/pagination/cursor';
import { idPage, type Page } from './hris-reader';
import { servedObject } from './served-object';

export const GROUP_KINDS = [
  'department',
  'team',
  'office',
  'supervisor',
  'employment_type',
] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export interface GroupMember {
  id: string;
  display_name: string | null;
  email: string | null;
}

export interface Group {
  /** Stable within its kind: the team/department/manager id, the office name, the type. */
  key: string;
  kind: GroupKind;
  /** A name a person recognises: "Department IT", "Peter Wright's team", "Office Berlin". */
  name: string;
  member_count: number;
  members: GroupMember[];
}

interface EmployeeRow {
  id: string;
  data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  remote_deleted_at: Date | null;
}

/** Depth bound of `depth=all`: a supervisor loop in the source must not run forever. */
const MAX_DEPTH = 50;

@Injectable()
export class EmployeeGraph {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Employees reporting to `managerId`: directly, or anywhere below (`all`). Paged by id. */
  async reports(
    connectionId: string,
    managerId: string,
    depth: '1' | 'all',
    page: { limit: number; cursor?: string },
  ): Promise<Page> {
    const after = page.cursor ? decodeCursor(page.cursor, (k) => k.id) : null;
    const below =
      depth === '1'
        ? `SELECT id FROM employees
           WHERE connection_id = $1 AND manager_id = $2 AND remote_deleted_at IS NULL`
        : `WITH RECURSIVE below(id, depth) AS (
             SELECT id, 1 FROM employees
             WHERE connection_id = $1 AND manager_id = $2 AND remote_deleted_at IS NULL
             UNION
             SELECT e.id, b.depth + 1 FROM employees e JOIN below b ON e.manager_id = b.id
             WHERE e.connection_id = $1 AND e.remote_deleted_at IS NULL AND b.depth < ${MAX_DEPTH}
           ) SELECT DISTINCT id FROM below WHERE id <> $2`;
    const rows = await this.dataSource.query<EmployeeRow[]>(
      `SELECT e.id, e.data, e.created_at, e.updated_at, e.remote_deleted_at
       FROM employees e WHERE e.connection_id = $1 AND e.id IN (${below})
         AND ($3::uuid IS NULL OR e.id > $3::uuid)
       ORDER BY e.id LIMIT $4`,
      [connectionId, managerId, after, page.limit + 1],
    );
    return idPage(rows, page.limit, (r) => servedObject(r.id, r.data, r));
  }

  /** Live employees in a team (`team_id`) or department (`department_id`). Paged by id. */
  async members(
    connectionId: string,
    teamId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page> {
    const after = page.cursor ? decodeCursor(page.cursor, (k) => k.id) : null;
    const rows = await this.dataSource.query<EmployeeRow[]>(
      `SELECT id, data, created_at, updated_at, remote_deleted_at FROM employees
       WHERE connection_id = $1 AND remote_deleted_at IS NULL
         AND (team_id = $2 OR department_id = $2)
         AND ($3::uuid IS NULL OR id > $3::uuid)
       ORDER BY id LIMIT $4`,
      [connectionId, teamId, after, page.limit + 1],
    );
    return idPage(rows, page.limit, (r) => servedObject(r.id, r.data, r));
  }

  /** Live employees per position id, for `employee_count`. */
  async positionCounts(connectionId: string, positionIds: string[]): Promise<Map<string, number>> {
    if (positionIds.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ position_id: string; n: string }>>(
      `SELECT position_id, count(*) AS n FROM employees
       WHERE connection_id = $1 AND remote_deleted_at IS NULL AND position_id = ANY($2::uuid[])
       GROUP BY position_id`,
      [connectionId, positionIds],
    );
    return new Map(rows.map((r) => [r.position_id, Number(r.n)]));
  }

  /** Every non-empty group of one kind, with its members, ordered by name. */
  async groups(connectionId: string, kind: GroupKind): Promise<Group[]> {
    const keyColumn: Record<GroupKind, string> = {
      department: `e.department_id::text`,
      team: `e.team_id::text`,
      office: `e.data->>'office'`,
      supervisor: `e.manager_id::text`,
      employment_type: `e.employment_type`,
    };
    const nameOf: Record<GroupKind, string> = {
      department: `'Department ' || coalesce(t.data->>'name', 'unknown')`,
      team: `'Team ' || coalesce(t.data->>'name', 'unknown')`,
      office: `'Office ' || (e.data->>'office')`,
      supervisor: `coalesce(m.data->>'display_name', 'Unknown manager') || '''s team'`,
      employment_type: `initcap(e.employment_type) || ' employees'`,
    };
    const joins =
      kind === 'department' || kind === 'team'
        ? `LEFT JOIN teams t ON t.connection_id = e.connection_id AND t.id = e.${kind}_id`
        : kind === 'supervisor'
          ? `LEFT JOIN employees m ON m.connection_id = e.connection_id AND m.id = e.manager_id`
          : '';
    const rows = await this.dataSource.query<
      Array<{
        key: string;
        name: string;
        id: string;
        display_name: string | null;
        email: string | null;
      }>
    >(
      `SELECT ${keyColumn[kind]} AS key, ${nameOf[kind]} AS name, e.id,
              e.data->>'display_name' AS display_name, e.data->>'email' AS email
       FROM employees e ${joins}
       WHERE e.connection_id = $1 AND e.remote_deleted_at IS NULL AND ${keyColumn[kind]} IS NOT NULL
       ORDER BY name, key, e.data->>'display_name', e.id`,
      [connectionId],
    );
    const groups = new Map<string, Group>();
    for (const row of rows) {
      let group = groups.get(row.key);
      if (!group) {
        group = { key: row.key, kind, name: row.name, member_count: 0, members: [] };
        groups.set(row.key, group);
      }
      group.member_count += 1;
      group.members.push({ id: row.id, display_name: row.display_name, email: row.email });
    }
    return Array.from(groups.values());
  }
}

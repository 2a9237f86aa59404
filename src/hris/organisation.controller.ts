import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  ConnectionScoped,
  RequireScopes,
  TokenConnection,
} from '../auth/access-token.guard';
import { PageQuery } from '../common/pagination/page.query';
import { GetRecordQuery, GroupsQuery, RecordListQuery, TeamListQuery } from './dto/hris.query';
import { EmployeeGraph, type Group } from './employee-graph';
import { HrisReader, recordNotFound, type Page } from './hris-reader';
import { commonFilters, readOptions, teamFilters } from './list-filters';

/** Teams and departments, positions (distinct job titles), reporting lines and groups. */
@Controller('v1/hris')
@UseGuards(AccessTokenGuard)
@ConnectionScoped()
export class OrganisationController {
  constructor(
    private readonly reader: HrisReader,
    private readonly graph: EmployeeGraph,
  ) {}

  @Get('teams')
  @RequireScopes('hris.teams:read')
  teams(@TokenConnection() connectionId: string, @Query() query: TeamListQuery): Promise<Page> {
    return this.reader.list('teams', connectionId, teamFilters(query), query, readOptions(query));
  }

  @Get('teams/:id')
  @RequireScopes('hris.teams:read')
  async team(
    @TokenConnection() connectionId: string,
    @Param('id') id: string,
    @Query() query: GetRecordQuery,
  ): Promise<Record<string, unknown>> {
    return this.reader.getOrThrow('teams', connectionId, id, 'team', {
      includeRemoteData: query.include === 'remote_data',
    });
  }

  /** Live employees of a team or department (by their team or department). */
  @Get('teams/:id/members')
  @RequireScopes('hris.teams:read', 'hris.employees:read')
  async members(
    @TokenConnection() connectionId: string,
    @Param('id') id: string,
    @Query() query: PageQuery,
  ): Promise<Page> {
    if (!(await this.reader.get('teams', connectionId, id))) throw recordNotFound('team');
    return this.graph.members(connectionId, id, query);
  }

  /** Distinct job titles; `employee_count` counts the live employees holding each, at read time. */
  @Get('positions')
  @RequireScopes('hris.positions:read')
  async positions(
    @TokenConnection() connectionId: string,
    @Query() query: RecordListQuery,
  ): Promise<Page> {
    const page = await this.reader.list(
      'positions',
      connectionId,
      commonFilters(query),
      query,
      readOptions(query),
    );
    const counts = await this.graph.positionCounts(
      connectionId,
      page.data.map((p) => String(p.id)),
    );
    for (const position of page.data) {
      position.employee_count = counts.get(String(position.id)) ?? 0;
    }
    return page;
  }

  @Get('reporting-lines')
  @RequireScopes('hris.reporting_lines:read')
  reportingLines(
    @TokenConnection() connectionId: string,
    @Query() query: RecordListQuery,
  ): Promise<Page> {
    return this.reader.list(
      'reporting_lines',
      connectionId,
      commonFilters(query),
      query,
      readOptions(query),
    );
  }

  /**
   * Named groups with their members in one call ("Department IT", "Peter Wright's team"): how a
   * learning platform builds its teams by department, team, office, supervisor or employment type.
   */
  @Get('groups')
  @RequireScopes('hris.employees:read')
  async groups(
    @TokenConnection() connectionId: string,
    @Query() query: GroupsQuery,
  ): Promise<{ data: Group[] }> {
    return { data: await this.graph.groups(connectionId, query.by) };
  }
}

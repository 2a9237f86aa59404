import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  ConnectionScoped,
  RequireScopes,
  TokenConnection,
} from '../auth/access-token.guard';
import { GetRecordQuery, RecordListQuery, TeamListQuery } from './dto/hris.query';
import { HrisReader, recordNotFound, type Page } from './hris-reader';
import { commonFilters, readOptions, teamFilters } from './list-filters';

/** Teams and departments, positions (distinct job titles) and reporting lines. */
@Controller('v1/hris')
@UseGuards(AccessTokenGuard)
@ConnectionScoped()
export class OrganisationController {
  constructor(private readonly reader: HrisReader) {}

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
    const found = await this.reader.get('teams', connectionId, id, {
      includeRemoteData: query.include === 'remote_data',
    });
    if (!found) throw recordNotFound('team');
    return found;
  }

  @Get('positions')
  @RequireScopes('hris.positions:read')
  positions(
    @TokenConnection() connectionId: string,
    @Query() query: RecordListQuery,
  ): Promise<Page> {
    return this.reader.list(
      'positions',
      connectionId,
      commonFilters(query),
      query,
      readOptions(query),
    );
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
}

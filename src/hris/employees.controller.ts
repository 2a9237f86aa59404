import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  ConnectionScoped,
  RequireScopes,
  TokenConnection,
} from '../auth/access-token.guard';
import {
  EmployeeListQuery,
  GetRecordQuery,
  MatchEmployeesDto,
  ReportsQuery,
} from './dto/hris.query';
import { EmployeeGraph } from './employee-graph';
import { HrisReader, recordNotFound, type Page } from './hris-reader';
import { employeeFilters, readOptions } from './list-filters';
import { EmployeeMatcher, type MatchResult } from './employee-matcher';

@Controller('v1/hris/employees')
@UseGuards(AccessTokenGuard)
@ConnectionScoped()
@RequireScopes('hris.employees:read')
export class EmployeesController {
  constructor(
    private readonly reader: HrisReader,
    private readonly matcher: EmployeeMatcher,
    private readonly graph: EmployeeGraph,
  ) {}

  @Get()
  list(@TokenConnection() connectionId: string, @Query() query: EmployeeListQuery): Promise<Page> {
    return this.reader.list(
      'employees',
      connectionId,
      employeeFilters(query),
      query,
      readOptions(query),
    );
  }

  /** Links a product's users to people: case-insensitive, live employees only. */
  @Post('match')
  @HttpCode(200)
  match(
    @TokenConnection() connectionId: string,
    @Body() body: MatchEmployeesDto,
  ): Promise<MatchResult> {
    return this.matcher.match(connectionId, body.emails);
  }

  /** Who reports to this person: directly (`depth=1`) or anywhere below (`depth=all`). */
  @Get(':id/reports')
  async reports(
    @TokenConnection() connectionId: string,
    @Param('id') id: string,
    @Query() query: ReportsQuery,
  ): Promise<Page> {
    if (!(await this.reader.get('employees', connectionId, id))) throw recordNotFound('employee');
    return this.graph.reports(connectionId, id, query.depth, query);
  }

  @Get(':id')
  async get(
    @TokenConnection() connectionId: string,
    @Param('id') id: string,
    @Query() query: GetRecordQuery,
  ): Promise<Record<string, unknown>> {
    return this.reader.getOrThrow('employees', connectionId, id, 'employee', {
      includeRemoteData: query.include === 'remote_data',
    });
  }
}

import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  ConnectionScoped,
  RequireScopes,
  TokenConnection,
} from '../auth/access-token.guard';
import { AbsenceListQuery, GetRecordQuery, RecordListQuery } from './dto/hris.query';
import { HrisReader, type Page } from './hris-reader';
import { absenceFilters, commonFilters, readOptions } from './list-filters';

@Controller('v1/hris')
@UseGuards(AccessTokenGuard)
@ConnectionScoped()
@RequireScopes('hris.absences:read')
export class AbsencesController {
  constructor(private readonly reader: HrisReader) {}

  @Get('absences')
  list(@TokenConnection() connectionId: string, @Query() query: AbsenceListQuery): Promise<Page> {
    return this.reader.list(
      'absences',
      connectionId,
      absenceFilters(query),
      query,
      readOptions(query),
    );
  }

  @Get('absences/:id')
  async get(
    @TokenConnection() connectionId: string,
    @Param('id') id: string,
    @Query() query: GetRecordQuery,
  ): Promise<Record<string, unknown>> {
    return this.reader.getOrThrow('absences', connectionId, id, 'absence', {
      includeRemoteData: query.include === 'remote_data',
    });
  }

  @Get('absence-types')
  types(@TokenConnection() connectionId: string, @Query() query: RecordListQuery): Promise<Page> {
    return this.reader.list(
      'absence_types',
      connectionId,
      commonFilters(query),
      query,
      readOptions(query),
    );
  }
}

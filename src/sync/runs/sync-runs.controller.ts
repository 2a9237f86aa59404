import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  AccessTokenGuard,
  Auth,
  type AuthContext,
  RequireScopes,
} from '../../auth/access-token.guard';
import { ConfirmSyncRunDto, CreateSyncRunDto, ListSyncRunsQuery } from './dto/sync-run.dto';
import { SyncRunsService } from './sync-runs.service';
import { type SyncRunView } from './sync-run.view';

@Controller('v1/sync-runs')
@UseGuards(AccessTokenGuard)
@RequireScopes('sync:write')
export class SyncRunsController {
  constructor(private readonly runs: SyncRunsService) {}

  @Get()
  list(
    @Auth() auth: AuthContext,
    @Query() query: ListSyncRunsQuery,
  ): Promise<{ data: SyncRunView[]; next_cursor: string | null }> {
    return this.runs.list(auth, query);
  }

  /** 202 for a newly queued run; 200 with the pending one when a run is already queued or running. */
  @Post()
  async create(
    @Auth() auth: AuthContext,
    @Body() body: CreateSyncRunDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncRunView> {
    const { run, created } = await this.runs.create(auth, body);
    res.status(created ? 202 : 200);
    return run;
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<SyncRunView> {
    return this.runs.get(auth, id);
  }

  @Post(':id/confirm')
  @HttpCode(202)
  confirm(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: ConfirmSyncRunDto,
  ): Promise<SyncRunView> {
    return this.runs.confirm(auth, id, body);
  }
}

/**
 * The pull feed, so a consumer catches up without webhooks (`after` = the last sequence it
 * processed). A token bound to a connection reads that connection's change events; a token of
 * the application alone reads the application's own events (e.g. `webhook_endpoint.disabled`).
 * Sequences are gapless per stream, so a consumer can also tell that it missed nothing.
 */
import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AccessTokenGuard,
  Auth,
  type AuthContext,
  RequireScopes,
} from '../auth/access-token.guard';
import { EventsFeedQuery } from './dto/events-feed.query';
import { EVENT_COLUMNS, toEventView, type EventRow, type EventView } from './event.view';

@Controller('v1/events')
@UseGuards(AccessTokenGuard)
@RequireScopes('events:read')
export class EventsFeedController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: EventsFeedQuery,
  ): Promise<{ data: EventView[]; next_after: number }> {
    const rows = auth.connectionId
      ? await this.dataSource.query<EventRow[]>(
          `SELECT ${EVENT_COLUMNS} FROM events
           WHERE connection_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`,
          [auth.connectionId, query.after, query.limit],
        )
      : await this.dataSource.query<EventRow[]>(
          `SELECT ${EVENT_COLUMNS} FROM events
           WHERE application_id = $1 AND connection_id IS NULL AND sequence > $2
           ORDER BY sequence LIMIT $3`,
          [auth.applicationId, query.after, query.limit],
        );
    const data = rows.map(toEventView);
    return { data, next_after: data.at(-1)?.sequence ?? query.after };
  }
}

/**
 * The pull feed: a connection's change events in sequence order, so a consumer catches up
 * without webhooks (`after` = the last sequence it processed). Sequences are gapless per
 * connection, so a consumer can also tell that it missed nothing.
 */
import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AccessTokenGuard,
  ConnectionScoped,
  RequireScopes,
  TokenConnection,
} from '../auth/access-token.guard';
import { EventsFeedQuery } from './dto/events-feed.query';

interface EventRow {
  id: string;
  type: string;
  connection_id: string;
  customer_ref: string;
  sequence: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

@Controller('v1/events')
@UseGuards(AccessTokenGuard)
@ConnectionScoped()
@RequireScopes('events:read')
export class EventsFeedController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  async list(
    @TokenConnection() connectionId: string,
    @Query() query: EventsFeedQuery,
  ): Promise<{ data: Array<Record<string, unknown>>; next_after: number }> {
    const rows = await this.dataSource.query<EventRow[]>(
      `SELECT id, type, connection_id, customer_ref, sequence, occurred_at, data FROM events
       WHERE connection_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`,
      [connectionId, query.after, query.limit],
    );
    const data = rows.map((row) => ({
      id: row.id,
      type: row.type,
      connection_id: row.connection_id,
      customer_ref: row.customer_ref,
      sequence: Number(row.sequence),
      occurred_at: row.occurred_at.toISOString(),
      data: row.data,
    }));
    return { data, next_after: data.at(-1)?.sequence ?? query.after };
  }
}

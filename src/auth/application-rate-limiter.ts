/**
 * Owns the per-application API budget (API_RATE_LIMIT_PER_MINUTE): a fixed one-minute window
 * counted in PostgreSQL with one upsert per request, so N replicas enforce one limit rather than
 * N. The database clock defines the window, so replicas with skewed clocks still agree. Answers
 * what the response headers need (draft-ietf-httpapi-ratelimit-headers, as express-rate-limit's
 * "draft-7" mode sends them).
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { queryPrepared, type PreparedStatement } from '../database/prepared-query';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  /** Over the limit: wait `resetSeconds`. */
  exceeded: boolean;
}

/** What the access guard checks of the application, read in the same round trip as the hit. */
export interface ApplicationStanding {
  tokenVersion: number;
  disabled: boolean;
}

/** About one request in this many sweeps minutes that are over. */
const SWEEP_ONE_IN = 500;

/** Counts a request into its minute and reads the application's standing. */
const HIT: PreparedStatement = {
  name: 'api-rate-limit-hit',
  text: `WITH hit AS (
           INSERT INTO api_rate_limits (application_id, window_start, count)
           VALUES ($1, date_trunc('minute', now()), 1)
           ON CONFLICT (application_id, window_start)
             DO UPDATE SET count = api_rate_limits.count + 1
           RETURNING count,
             ceil(extract(epoch FROM (window_start + interval '1 minute' - now()))) AS reset)
         SELECT hit.count, hit.reset, a.token_version, a.disabled_at IS NOT NULL AS disabled
         FROM hit LEFT JOIN applications a ON a.id = $1`,
};

@Injectable()
export class ApplicationRateLimiter {
  private readonly limit: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.limit = config.apiRateLimitPerMinute;
  }

  /**
   * Counts one request and, in the same statement, reads the application's standing (null when
   * it no longer exists): every guarded request pays one database round trip for both. It is
   * prepared once per pooled connection, so PostgreSQL parses and analyses it once there instead
   * of on every request, and keeps a generic plan once one proves as cheap (README "Benchmarks",
   * hris-read, has the figures before and after).
   */
  async hit(
    applicationId: string,
  ): Promise<RateLimitState & { application: ApplicationStanding | null }> {
    const [row] = await queryPrepared<{
      count: number;
      reset: string;
      token_version: number | null;
      disabled: boolean | null;
    }>(this.dataSource, HIT, [applicationId]);
    if (Math.random() * SWEEP_ONE_IN < 1) {
      await this.dataSource.query(
        `DELETE FROM api_rate_limits WHERE window_start < now() - interval '2 minutes'`,
      );
    }
    const count = row?.count ?? 1;
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - count),
      resetSeconds: Math.max(1, Number(row?.reset ?? 60)),
      exceeded: count > this.limit,
      application:
        row?.token_version === null || row?.token_version === undefined
          ? null
          : { tokenVersion: row.token_version, disabled: row.disabled === true },
    };
  }
}

/** `RateLimit-Policy` and `RateLimit` header values. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'RateLimit-Policy': `${state.limit};w=60`,
    RateLimit: `limit=${state.limit}, remaining=${state.remaining}, reset=${state.resetSeconds}`,
  };
}

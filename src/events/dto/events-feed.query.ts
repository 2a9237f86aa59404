import { ToInteger } from '../../common/validation/query-values';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class EventsFeedQuery {
  /** Events with a sequence greater than this (0: from the start). */
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after: number = 0;

  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

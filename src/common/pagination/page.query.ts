import { ToInteger } from '../validation/query-values';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** `limit` (1-500, default 100; over 500 is a 400, never a silent clamp) and an opaque `cursor`. */
export class PageQuery {
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;

  @IsOptional()
  @IsString()
  cursor?: string;
}

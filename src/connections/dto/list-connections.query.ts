import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { CONNECTION_STATUSES } from '../connection.entity';

export class ListConnectionsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;

  @IsOptional()
  @IsString()
  cursor?: string;

  @IsOptional()
  @IsIn(CONNECTION_STATUSES.filter((s) => s !== 'deleted'))
  status?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  customer_ref?: string;
}

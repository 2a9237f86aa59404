import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQuery } from '../../common/pagination/page.query';
import { CONNECTION_STATUSES } from '../connection.entity';

export class ListConnectionsQuery extends PageQuery {
  @IsOptional()
  @IsIn(CONNECTION_STATUSES.filter((s) => s !== 'deleted'))
  status?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  customer_ref?: string;
}

import { IsIn, IsOptional } from 'class-validator';
import { ApplicationFieldsDto } from './application-fields';

export class UpdateApplicationDto extends ApplicationFieldsDto {
  /** `disabled` refuses its tokens at once and stops issuing new ones. */
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

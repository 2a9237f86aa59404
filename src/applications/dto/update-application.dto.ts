import { IsIn, ValidateIf } from 'class-validator';
import { type Scope } from '../../auth/scopes';
import { ApplicationFieldsDto, NameRules, ScopesRules } from './application-fields';

const present = (_object: object, value: unknown): boolean => value !== undefined;

export class UpdateApplicationDto extends ApplicationFieldsDto {
  @ValidateIf(present)
  @NameRules()
  name?: string;

  @ValidateIf(present)
  @ScopesRules()
  scopes?: Scope[];

  /** `disabled` refuses its tokens at once and stops issuing new ones. */
  @ValidateIf(present)
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

import { IsDefined } from 'class-validator';
import { type Scope } from '../../auth/scopes';
import { ApplicationFieldsDto, NameRules, ScopesRules } from './application-fields';

export class CreateApplicationDto extends ApplicationFieldsDto {
  @IsDefined()
  @NameRules()
  name!: string;

  @IsDefined()
  @ScopesRules()
  scopes!: Scope[];
}

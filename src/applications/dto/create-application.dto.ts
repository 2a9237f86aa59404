import { IsDefined } from 'class-validator';
import { type Scope } from '../../auth/scopes';
import { ApplicationFieldsDto } from './application-fields';

/**
 * Only `@IsDefined` here: class-validator drops a parent's custom validators for a property
 * the child decorates with custom validators too, so re-declaring them would lose IsIn & co.
 */
export class CreateApplicationDto extends ApplicationFieldsDto {
  @IsDefined()
  declare name: string;

  @IsDefined()
  declare scopes: Scope[];
}

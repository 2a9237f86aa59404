import { ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { SCOPES, type Scope } from '../../auth/scopes';

export class CreateApplicationDto {
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes!: Scope[];
}

/** Validation shared by create and update: the fields an application declares about itself. */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { SCOPES, type Scope } from '../../auth/scopes';
import { ConnectionSettingsDto } from '../../connections/dto/connection-settings.dto';

export class ApplicationFieldsDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes?: Scope[];

  /** Short text shown as the logo on the connect page (no images: the page loads nothing external). */
  @IsOptional()
  @IsString()
  @Length(1, 24)
  logo_text?: string;

  /** Unified employee fields the application needs readable in Personio (e.g. "email", "team"). */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^[a-z][a-z0-9_]{0,62}$|^custom:.{1,200}$/, {
    each: true,
    message:
      'each required attribute is a unified field name (snake_case) or "custom:<Personio attribute label or key>"',
  })
  required_attributes?: string[];

  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectionSettingsDto)
  default_settings?: ConnectionSettingsDto;

  /** https URLs a connect session may send the admin back to after success. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { each: true })
  redirect_urls?: string[];
}

/**
 * Validation shared by create and update: the fields an application declares about itself.
 * Optional here means "may be left out", never "may be null": a null would reach NOT NULL
 * columns, so `OptionalNotNull` validates everything that is present, null included.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { OptionalNotNull } from '../../common/validation/optional-not-null';
import { SCOPES } from '../../auth/scopes';
import { ConnectionSettingsDto } from '../../connections/dto/connection-settings.dto';

/** Fields both create and update accept; name and scopes are declared by each of them. */
export class ApplicationFieldsDto {
  /** Short text shown as the logo on the connect page (no images: the page loads nothing external). */
  @OptionalNotNull()
  @IsString()
  @Length(1, 24)
  logo_text?: string;

  /** Unified employee fields the application needs readable in Personio (e.g. "email", "team"). */
  @OptionalNotNull()
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

  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ConnectionSettingsDto)
  default_settings?: ConnectionSettingsDto;

  /** https URLs a connect session may send the admin back to after success. */
  @OptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { each: true })
  redirect_urls?: string[];
}

/** Decorators for `name`, applied by create (required) and update (optional). */
export function NameRules(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, 100)(target, key);
    Matches(/\S/, { message: 'name must not be blank' })(target, key);
  };
}

/** Decorators for `scopes`: the most any token of the application may hold. */
export function ScopesRules(): PropertyDecorator {
  return (target, key) => {
    IsArray()(target, key);
    ArrayUnique()(target, key);
    IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })(
      target,
      key,
    );
  };
}

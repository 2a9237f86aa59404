import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { OptionalNotNull } from '../../common/validation/optional-not-null';
import { ConnectionSettingsDto } from '../../connections/dto/connection-settings.dto';

export const DEFAULT_LINK_LIFETIME_SECONDS = 7 * 24 * 3600;
export const MAX_LINK_LIFETIME_SECONDS = 30 * 24 * 3600;

export class CreateConnectSessionDto {
  /** The application's own id for this customer (required unless connection_id is given). */
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  customer_ref?: string;

  /** Re-enter credentials for an existing connection instead of creating one. */
  @OptionalNotNull()
  @IsUUID()
  connection_id?: string;

  /** Settings for a new connection (ignored when re-entering credentials). */
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ConnectionSettingsDto)
  settings?: ConnectionSettingsDto;

  /** Where the page sends the admin after success: https, and registered on the application. */
  @OptionalNotNull()
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  redirect_url?: string;

  /** Handed back on redirect, for the application's own CSRF check. */
  @OptionalNotNull()
  @IsString()
  @Length(1, 500)
  state?: string;

  @OptionalNotNull()
  @IsInt()
  @Min(300)
  @Max(MAX_LINK_LIFETIME_SECONDS)
  expires_in?: number;
}

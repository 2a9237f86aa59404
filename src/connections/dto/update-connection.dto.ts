import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '../../common/validation/optional-not-null';
import { ConnectionSettingsDto } from './connection-settings.dto';

export class UpdateConnectionDto {
  /** Replaces the connection's own settings (application defaults still apply underneath). */
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ConnectionSettingsDto)
  settings?: ConnectionSettingsDto;

  /** `paused` stops scheduled syncs; `connected` resumes them (credentials required). */
  @OptionalNotNull()
  @IsIn(['paused', 'connected'])
  status?: 'paused' | 'connected';
}

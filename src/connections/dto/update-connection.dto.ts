import { Type } from 'class-transformer';
import { IsIn, IsOptional, ValidateNested } from 'class-validator';
import { ConnectionSettingsDto } from './connection-settings.dto';

export class UpdateConnectionDto {
  /** Replaces the connection's own settings (application defaults still apply underneath). */
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectionSettingsDto)
  settings?: ConnectionSettingsDto;

  /** `paused` stops scheduled syncs; `connected` resumes them (credentials required). */
  @IsOptional()
  @IsIn(['paused', 'connected'])
  status?: 'paused' | 'connected';
}

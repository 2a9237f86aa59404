import { Type } from 'class-transformer';
import {
  IsDateString,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../../common/pagination/page.query';
import { SYNC_RUN_STATUSES, SYNC_TRIGGERS } from '../sync-run.entity';

/** Who asked for a run, as the application names its user (shown in the run history). */
export class SyncActorInput {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

export class CreateSyncRunDto {
  /** Required unless the token is bound to a connection. */
  @IsOptional()
  @IsUUID()
  connection_id?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SyncActorInput)
  actor?: SyncActorInput;
}

export class ConfirmSyncRunDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => SyncActorInput)
  actor?: SyncActorInput;
}

export class ListSyncRunsQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  connection_id?: string;

  @IsOptional()
  @IsIn(SYNC_RUN_STATUSES)
  status?: (typeof SYNC_RUN_STATUSES)[number];

  @IsOptional()
  @IsIn(SYNC_TRIGGERS)
  trigger?: (typeof SYNC_TRIGGERS)[number];

  /** Runs queued at or after this instant. */
  @IsOptional()
  @IsDateString({ strict: true })
  since?: string;

  /** Runs queued before this instant. */
  @IsOptional()
  @IsDateString({ strict: true })
  until?: string;
}

import { IsDateTime } from '../../../common/validation/query-values';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { OptionalNotNull } from '../../../common/validation/optional-not-null';
import { PageQuery } from '../../../common/pagination/page.query';
import { SYNC_RUN_STATUSES, SYNC_TRIGGERS } from '../sync-run.entity';

/** Who asked for a run, as the application names its user (shown in the run history). */
export class SyncActorInput {
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @OptionalNotNull()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

export class CreateSyncRunDto {
  /** Required unless the token is bound to a connection. */
  @OptionalNotNull()
  @IsUUID()
  connection_id?: string;

  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SyncActorInput)
  actor?: SyncActorInput;
}

export class ConfirmSyncRunDto {
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SyncActorInput)
  actor?: SyncActorInput;
}

export class ListSyncRunsQuery extends PageQuery {
  @OptionalNotNull()
  @IsUUID()
  connection_id?: string;

  @OptionalNotNull()
  @IsIn(SYNC_RUN_STATUSES)
  status?: (typeof SYNC_RUN_STATUSES)[number];

  @OptionalNotNull()
  @IsIn(SYNC_TRIGGERS)
  trigger?: (typeof SYNC_TRIGGERS)[number];

  /** Runs queued at or after this instant. */
  @OptionalNotNull()
  @IsDateTime()
  since?: string;

  /** Runs queued before this instant. */
  @OptionalNotNull()
  @IsDateTime()
  until?: string;
}

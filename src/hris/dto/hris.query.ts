import { IsDateTime } from '../../common/validation/query-values';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page.query';
import { IsCalendarDay } from './is-calendar-day';

/** Filters every list shares. */
export class RecordListQuery extends PageQuery {
  /** Records whose served data (or deletion) changed after this instant. */
  @IsOptional()
  @IsDateTime()
  updated_since?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  include_deleted?: 'true' | 'false';

  @IsOptional()
  @IsIn(['remote_data'])
  include?: 'remote_data';
}

export class EmployeeListQuery extends RecordListQuery {
  @IsOptional()
  @IsIn(['active', 'inactive', 'onboarding', 'leave'])
  status?: string;

  @IsOptional()
  @IsIn(['internal', 'external'])
  employment_type?: string;

  /** Case-insensitive exact match. */
  @IsOptional()
  @MaxLength(320)
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsUUID()
  team_id?: string;

  @IsOptional()
  @IsUUID()
  department_id?: string;

  @IsOptional()
  @IsUUID()
  manager_id?: string;

  @IsOptional()
  @IsUUID()
  position_id?: string;
}

export class TeamListQuery extends RecordListQuery {
  @IsOptional()
  @IsIn(['department', 'team'])
  type?: string;

  @IsOptional()
  @IsUUID()
  parent_id?: string;
}

export class AbsenceListQuery extends RecordListQuery {
  /** With end_date: absences overlapping [start_date, end_date]; alone: ending on or after it. */
  @IsOptional()
  @IsCalendarDay()
  start_date?: string;

  @IsOptional()
  @IsCalendarDay()
  end_date?: string;

  @IsOptional()
  @IsUUID()
  employee_id?: string;

  @IsOptional()
  @IsIn(['approved', 'pending', 'rejected', 'cancelled'])
  status?: string;

  @IsOptional()
  @IsUUID()
  absence_type_id?: string;
}

export class GetRecordQuery {
  @IsOptional()
  @IsIn(['remote_data'])
  include?: 'remote_data';
}

export class MatchEmployeesDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @MaxLength(320, { each: true })
  @IsEmail({}, { each: true })
  @Type(() => String)
  emails!: string[];
}

export class ReportsQuery extends PageQuery {
  /** `1`: direct reports; `all`: everyone below, however deep. */
  @IsOptional()
  @IsIn(['1', 'all'])
  depth: '1' | 'all' = '1';
}

export class GroupsQuery {
  @IsIn(['department', 'team', 'office', 'supervisor', 'employment_type'])
  by!: 'department' | 'team' | 'office' | 'supervisor' | 'employment_type';
}

/**
 * Per-connection settings: what the first customers need is all here, so a new customer is a
 * settings change, never a code change (DESIGN.md "Connection settings").
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { OptionalNotNull } from '../../common/validation/optional-not-null';
import { parseSchedule } from '../schedule';

export const EMPLOYEE_STATUSES = ['active', 'inactive', 'onboarding', 'leave'] as const;
export const EMPLOYMENT_TYPES = ['internal', 'external'] as const;
export const SYNC_RESOURCES = ['employees', 'teams', 'positions', 'absences'] as const;
export const PERSONIO_API_VERSIONS = ['auto', 'v1', 'v2'] as const;

const MAPPING_KEY = /^[a-z][a-z0-9_]{0,62}$/;

function IsSchedule(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSchedule',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && typeof parseSchedule(value) !== 'string',
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? (parseSchedule(args.value) as string)
            : 'schedule must be an ISO 8601 duration (PT15M) or a five-field cron expression in UTC (0 4 * * *)',
      },
    });
}

/** Absences and positions hang off employees: a list naming them must name employees too. */
function IsResourceList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isResourceList',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          !Array.isArray(value) ||
          value.includes('employees') ||
          !value.some((r) => r === 'absences' || r === 'positions'),
        defaultMessage: () =>
          'resources: absences and positions come from the employees, so the list must include employees too',
      },
    });
}

function IsFieldMapping(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFieldMapping',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 100 &&
          Object.entries(value).every(
            ([key, source]) =>
              MAPPING_KEY.test(key) &&
              typeof source === 'string' &&
              source.trim().length > 0 &&
              source.length <= 200,
          ),
        defaultMessage: () =>
          'field_mapping must map up to 100 field keys (lowercase snake_case) to a Personio attribute key or label',
      },
    });
}

/** Selective sync by a custom attribute, e.g. { attribute: "Alleo", equals: ["Yes"] }. */
export class AttributeRuleDto {
  /** Personio attribute key (`dynamic_123456`) or its label ("Alleo"). */
  @IsString()
  @Length(1, 200)
  attribute!: string;

  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(0, 500, { each: true })
  equals!: string[];
}

export class SyncScopeDto {
  @OptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @IsIn(EMPLOYEE_STATUSES, { each: true })
  statuses?: (typeof EMPLOYEE_STATUSES)[number][];

  @OptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @IsIn(EMPLOYMENT_TYPES, { each: true })
  employment_types?: (typeof EMPLOYMENT_TYPES)[number][];

  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => AttributeRuleDto)
  attribute_rule?: AttributeRuleDto;
}

export class AbsenceWindowDto {
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(3660)
  days_back?: number;

  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(3660)
  days_ahead?: number;
}

export class ConnectionSettingsDto {
  @OptionalNotNull()
  @IsSchedule()
  schedule?: string;

  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SyncScopeDto)
  scope?: SyncScopeDto;

  @OptionalNotNull()
  @IsFieldMapping()
  field_mapping?: Record<string, string>;

  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => AbsenceWindowDto)
  absences?: AbsenceWindowDto;

  @OptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @IsIn(SYNC_RESOURCES, { each: true })
  @IsResourceList()
  resources?: (typeof SYNC_RESOURCES)[number][];

  /** A run that would delete more than this share of employees waits for confirmation. */
  @OptionalNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  deletion_threshold?: number;

  @OptionalNotNull()
  @IsIn(PERSONIO_API_VERSIONS)
  personio_api_version?: (typeof PERSONIO_API_VERSIONS)[number];
}

export type ConnectionSettings = Required<
  Pick<
    ConnectionSettingsDto,
    'schedule' | 'resources' | 'deletion_threshold' | 'personio_api_version'
  >
> &
  Omit<
    ConnectionSettingsDto,
    'schedule' | 'resources' | 'deletion_threshold' | 'personio_api_version'
  > & {
    absences: Required<AbsenceWindowDto>;
  };

export const DEFAULT_SETTINGS: ConnectionSettings = {
  schedule: 'PT1H',
  resources: ['employees', 'teams', 'positions', 'absences'],
  deletion_threshold: 0.3,
  personio_api_version: 'auto',
  absences: { days_back: 14, days_ahead: 180 },
};

/**
 * Effective settings: defaults, then the application's defaults, then the connection's own.
 * Objects merge one level deep (a connection may set only `absences.days_ahead`).
 */
export function effectiveSettings(
  ...layers: Array<Record<string, unknown> | undefined>
): ConnectionSettings {
  const merged: Record<string, unknown> = {
    ...DEFAULT_SETTINGS,
    absences: { ...DEFAULT_SETTINGS.absences },
  };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      const current = merged[key];
      merged[key] =
        isPlainObject(current) && isPlainObject(value) && key !== 'field_mapping'
          ? { ...current, ...value }
          : value;
    }
  }
  return merged as ConnectionSettings;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validated settings (class instances) as plain JSON for a jsonb column; drops unset keys. */
export function settingsToJson(settings: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
}

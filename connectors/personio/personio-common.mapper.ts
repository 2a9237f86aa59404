/**
 * Owns the small pure normalisers both Personio mappers share: dates in the shapes Personio
 * prints them (`+01:00`, `+0100`, `Z`, plain days), instants, numbers sent as strings, enum
 * values in either case, custom attribute values by type, org-unit remote ids. Pure functions:
 * no clock, no I/O; the same input always gives the same output.
 */
import { ConnectorError } from '../connector';
import type { RemoteId, TeamType } from '../unified';

const DAY = /^(\d{4}-\d{2}-\d{2})(?:$|T)/;

/** The calendar day of a Personio date or date-time (its local day, as printed). */
export function dateOnly(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return DAY.exec(value.trim())?.[1] ?? null;
}

const STAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** An instant as ISO UTC; accepts `+0100` offsets and fractional seconds; null if unreadable. */
export function instant(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  // Hand-parsed: Date.parse on offset strings is the slowest step of mapping an employee.
  const m = STAMP.exec(value);
  if (m) {
    const ms = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
    let utc = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6] ?? 0),
      Number(ms),
    );
    if (m[8] !== 'Z') {
      const offset = (Number(m[10]) * 60 + Number(m[11])) * 60_000;
      utc -= m[9] === '-' ? -offset : offset;
    }
    if (!Number.isNaN(utc)) return new Date(utc).toISOString();
  }
  const normalised = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const parsed = Date.parse(normalised);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

export function text(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim().replace(',', '.'));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Enum values arrive upper-case in v2 and lower-case in v1; `UNSPECIFIED` means no value. */
export function enumValue(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  return v === '' || v === 'unspecified' ? null : v;
}

export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/** Decimal places kept in durations: enough for minutes, stable under float sums. */
export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}

/**
 * Departments and teams share one unified Team table but are separate Personio hierarchies
 * whose numeric ids may collide, so the type is part of the remote id.
 */
export function orgUnitRemoteId(type: TeamType, id: string): RemoteId {
  return `${type}:${id}`;
}

export function teamType(value: unknown): TeamType | null {
  const v = enumValue(value);
  return v === 'department' || v === 'team' ? v : null;
}

function tagList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v)).filter((v) => v !== '');
  if (typeof value !== 'string' || value.trim() === '') return [];
  const t = value.trim();
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (Array.isArray(parsed)) return parsed.map((v) => String(v)).filter((v) => v !== '');
    } catch {
      // Not JSON after all: fall through to the comma-separated reading.
    }
  }
  return t
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A custom attribute value in one normal form for both API generations: numbers for
 * integer/decimal, `YYYY-MM-DD` for dates, string arrays for tags, strings otherwise. Empty
 * values give undefined so that custom_fields holds only attributes with a value (v2 omits
 * empty ones, v1 sends null; the unified record must not depend on the generation).
 */
export function customValue(type: string | undefined, value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  switch ((type ?? '').toLowerCase()) {
    case 'integer':
    case 'int':
    case 'decimal':
    case 'double': {
      const n = num(value);
      return n === null ? (text(value) ?? undefined) : n;
    }
    case 'date':
      return dateOnly(value) ?? text(value) ?? undefined;
    case 'tags':
    case 'string_list':
    case 'multiple_choice': {
      const list = tagList(value);
      return list.length === 0 ? undefined : list;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : flag(value);
    default:
      if (Array.isArray(value)) return value.length === 0 ? undefined : value;
      return typeof value === 'object' ? value : (text(value) ?? undefined);
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of an instant in a time zone (v1 absence periods come in UTC + timezone). */
export function dayIn(
  instantText: string,
  timeZone: string | undefined,
  minusMs = 0,
): string | null {
  const iso = instant(instantText);
  if (iso === null) return null;
  const ms = Date.parse(iso) - minusMs;
  const zone = timeZone && timeZone.trim() !== '' ? timeZone : 'UTC';
  let fmt = dayFormats.get(zone);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch {
      fmt = new Intl.DateTimeFormat('en-CA', {
        timeZone: 'UTC',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    }
    dayFormats.set(zone, fmt);
  }
  return fmt.format(new Date(ms));
}

/** True when a local time of day is exactly midnight (an end that is really "end of the day before"). */
export function isLocalMidnight(localDateTime: string): boolean {
  return /T00:00(:00(\.0+)?)?$/.test(localDateTime.trim());
}

/** The day before a `YYYY-MM-DD` day. */
export function previousDay(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

export function badRecord(what: string): ConnectorError {
  return new ConnectorError('BAD_RESPONSE', what, { reason: what });
}

/**
 * Owns reading Personio API v1 lists page by page, with the completeness checks that turn any
 * gap into BAD_RESPONSE instead of a short list: employees (record offset, `total_elements`
 * constant, unique ids, no empty page before the last, no page repeated, a probe past a full
 * last page), time-offs (page numbers from 1, duplicates across pages dropped, raw count checked
 * against the total), hour-based absence periods, time-off types, the attribute list.
 * Yields raw payloads; mapping is the mappers' job. Never keeps more than one page plus ids.
 */
import type { DateWindow } from '../connector';
import type { Pacer } from '../pacing';
import { badRecord, idText } from './personio-common.mapper';
import type { BearerAuth, PersonioHttpClient, RunContext } from './personio-http.client';
import type {
  V1AbsencePeriod,
  V1AttributeDefinition,
  V1Employee,
  V1List,
  V1TimeOff,
  V1TimeOffType,
} from './personio-raw.types';
import { v1EmployeeId } from './personio-v1.mapper';

export interface V1Pacers {
  /** `/v1/company/employees*`: per-IP and per-credential employee buckets. */
  employees: readonly Pacer[];
  /** Every other v1 endpoint: the per-IP bucket. */
  other: readonly Pacer[];
}

export interface V1ClientOptions {
  /** Employees per page, at most 100 since Jan 2025. */
  employeePageSize: number;
  /** Time-offs and absence periods per page, at most 200. */
  absencePageSize: number;
}

function list(body: unknown): V1List<unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRecord('not a v1 list object');
  }
  const page = body as V1List<unknown>;
  if (page.success === false) throw badRecord('v1 answer with success false');
  if (!Array.isArray(page.data)) throw badRecord('v1 list without a data array');
  return page;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw badRecord(`v1 list without a valid ${what}`);
  }
  return value;
}

/** Ids as small as possible in the per-read id set: numbers when they are (v1 ids are). */
function idKey(id: string): string | number {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : id;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A list's `total_elements`, which must not move while one read pages through it. */
function steadyTotal(page: V1List<unknown>, expected: number | null): number {
  const total = count(page.metadata?.total_elements, 'total_elements');
  if (expected !== null && total !== expected) {
    throw badRecord(`total_elements changed during the read (${expected} -> ${total})`);
  }
  return total;
}

export class PersonioV1Client {
  constructor(
    private readonly http: PersonioHttpClient,
    private readonly auth: BearerAuth,
    private readonly pacers: V1Pacers,
    private readonly options: V1ClientOptions,
  ) {}

  /**
   * Every employee, page by page. `attributes` narrows the payload (projection) for reads that
   * need only a few attributes, e.g. org units.
   */
  async *employeePages(
    run: RunContext,
    attributes: readonly string[] = [],
  ): AsyncGenerator<V1Employee[]> {
    const limit = this.options.employeePageSize;
    const seen = new Set<string | number>();
    let total: number | null = null;
    let offset = 0;
    const projection = attributes.map((a) => ['attributes[]', a] as const);
    const fetchPage = (at: number, expectedTotal: number | null) =>
      this.http.send({
        method: 'GET',
        path: '/v1/company/employees',
        query: [['limit', String(limit)], ['offset', String(at)], ...projection],
        pacers: this.pacers.employees,
        run,
        auth: this.auth,
        area: 'employees',
        validate: (body) => {
          const page = list(body);
          const t = steadyTotal(page, expectedTotal);
          const data = page.data as V1Employee[];
          const expected = Math.max(0, Math.min(limit, t - at));
          if (data.length === 0 && expected > 0) throw badRecord('empty page before the last');
          if (data.length !== expected) {
            throw badRecord(
              `page at offset ${at} has ${data.length} records, expected ${expected}`,
            );
          }
          const ids = new Set<string>();
          for (const e of data) {
            const id = v1EmployeeId(e);
            if (id === null) throw badRecord('employee without id');
            if (ids.has(id) || seen.has(idKey(id)))
              throw badRecord(`employee ${id} repeated (page repeated?)`);
            ids.add(id);
          }
        },
      });
    let pending = fetchPage(0, null);
    for (;;) {
      const answer = await pending;
      const page = answer.body as V1List<V1Employee>;
      const data = page.data ?? [];
      total ??= page.metadata?.total_elements ?? 0;
      for (const e of data) seen.add(idKey(v1EmployeeId(e) ?? ''));
      offset += data.length;
      const done = offset >= total;
      if (!done) {
        // Ask for the next page while the caller maps and stores this one (same pacing).
        pending = fetchPage(offset, total);
        // Handled where it is awaited; this only keeps an abandoned read from warning.
        void pending.catch(() => undefined);
      }
      if (data.length > 0) yield data;
      if (done) {
        // A full last page might hide a wrong total: make sure nothing follows it.
        if (data.length === limit) await this.probeEnd(run, offset, total, projection);
        return;
      }
    }
  }

  private async probeEnd(
    run: RunContext,
    offset: number,
    total: number,
    projection: ReadonlyArray<readonly [string, string]>,
  ): Promise<void> {
    await this.http.send({
      method: 'GET',
      path: '/v1/company/employees',
      query: [['limit', '1'], ['offset', String(offset)], ...projection],
      pacers: this.pacers.employees,
      run,
      auth: this.auth,
      area: 'employees',
      validate: (body) => {
        const page = list(body);
        steadyTotal(page, total);
        if ((page.data ?? []).length > 0) throw badRecord('records found after total_elements');
      },
    });
  }

  async attributes(run: RunContext): Promise<V1AttributeDefinition[]> {
    const answer = await this.http.send({
      method: 'GET',
      path: '/v1/company/employees/attributes',
      pacers: this.pacers.employees,
      run,
      auth: this.auth,
      area: 'employees',
      validate: (body) => void list(body),
    });
    return ((answer.body as V1List<V1AttributeDefinition>).data ?? []).filter(
      (a) => typeof a.key === 'string',
    );
  }

  async timeOffTypes(run: RunContext): Promise<V1TimeOffType[]> {
    const out: V1TimeOffType[] = [];
    const seen = new Set<string>();
    const limit = 200;
    for (let offset = 0; ; offset += limit) {
      const answer = await this.http.send({
        method: 'GET',
        path: '/v1/company/time-off-types',
        query: [
          ['limit', String(limit)],
          ['offset', String(offset)],
        ],
        pacers: this.pacers.other,
        run,
        auth: this.auth,
        area: 'absences',
        validate: (body) => void list(body),
      });
      const data = (answer.body as V1List<V1TimeOffType>).data ?? [];
      for (const t of data) {
        const id = idText(t.attributes?.id);
        if (id === null) throw badRecord('time-off type without id');
        if (!seen.has(id)) out.push(t);
        seen.add(id);
      }
      if (data.length < limit) return out;
    }
  }

  /**
   * Day-based time-offs overlapping the window. Personio may return only absences contained in
   * the window (UNCERTAIN), so the request is widened by `marginDays` and the caller filters.
   */
  timeOffPages(
    run: RunContext,
    window: DateWindow,
    marginDays: number,
  ): AsyncGenerator<V1TimeOff[]> {
    return this.pagedAbsences<V1TimeOff>(run, '/v1/company/time-offs', 'page', [
      ['start_date', addDays(window.from, -marginDays)],
      ['end_date', addDays(window.to, marginDays)],
    ]);
  }

  /** Hour-based absence periods intersecting the window (documented as intersection). */
  absencePeriodPages(
    run: RunContext,
    window: DateWindow,
    offsetMode: 'record' | 'page',
  ): AsyncGenerator<V1AbsencePeriod[]> {
    return this.pagedAbsences<V1AbsencePeriod>(run, '/v1/company/absence-periods', offsetMode, [
      ['start_date', window.from],
      ['end_date', window.to],
    ]);
  }

  private async *pagedAbsences<T extends { attributes?: { id?: unknown } }>(
    run: RunContext,
    path: string,
    offsetMode: 'record' | 'page',
    filters: ReadonlyArray<readonly [string, string]>,
  ): AsyncGenerator<T[]> {
    const limit = this.options.absencePageSize;
    const seen = new Set<string>();
    let total: number | null = null;
    let received = 0;
    for (let page = 1; ; page += 1) {
      const expectedTotal = total;
      // time-offs: `offset` is a page number from 1 [REFERENCE 3.10].
      const offset = offsetMode === 'page' ? page : (page - 1) * limit;
      const answer = await this.http.send({
        method: 'GET',
        path,
        query: [...filters, ['limit', String(limit)], ['offset', String(offset)]],
        pacers: this.pacers.other,
        run,
        auth: this.auth,
        area: 'absences',
        validate: (body) => {
          const p = list(body);
          const t = steadyTotal(p, expectedTotal);
          const current = p.metadata?.current_page;
          if (typeof current === 'number' && current !== page) {
            throw badRecord(`asked for page ${page}, got page ${current}`);
          }
          const data = p.data as T[];
          if (data.length > limit) throw badRecord('page larger than its limit');
          if (data.length === 0 && received < t) throw badRecord('empty page before the last');
          for (const item of data) {
            if (idText(item.attributes?.id) === null) throw badRecord('absence without id');
          }
        },
      });
      const body = answer.body as V1List<T>;
      total ??= body.metadata?.total_elements ?? 0;
      const data = body.data ?? [];
      received += data.length;
      // Duplicates across pages are a known quirk: keep the first copy.
      const fresh = data.filter((item) => {
        const id = idText(item.attributes?.id) ?? '';
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length > 0) yield fresh;
      if (received >= total || data.length === 0) {
        if (received < total) throw badRecord(`read ${received} of ${total} records`);
        return;
      }
    }
  }
}

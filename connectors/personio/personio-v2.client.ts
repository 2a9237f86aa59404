/**
 * Owns reading Personio API v2 lists: cursor pagination through `_meta.links.next.href` (the
 * cursor is taken from the link and sent to the configured base URL, so a proxy or another host
 * name in the link does not matter), a repeated cursor or an empty page before the last is
 * BAD_RESPONSE, ids must be unique across pages; plus the per-person employment and
 * per-absence breakdown fan-outs at bounded concurrency. Yields raw payloads only.
 */
import { ConnectorError, type DateWindow } from '../connector';
import type { TokenBucket } from '../pacing';
import { badRecord, idText } from './personio-common.mapper';
import type { BearerAuth, PersonioHttpClient, RunContext } from './personio-http.client';
import type {
  V2AbsencePeriod,
  V2AbsenceType,
  V2Breakdown,
  V2Employment,
  V2List,
  V2OrgUnit,
  V2Person,
} from './personio-raw.types';

export interface V2Pacers {
  persons: TokenBucket;
  absencePeriods: TokenBucket;
  other: TokenBucket;
}

export interface V2ClientOptions {
  personPageSize: number;
  absencePageSize: number;
  /** Parallel requests in the per-person and per-absence fan-outs. */
  concurrency: number;
  /** Share of an announced refill rate the client allows itself (see the connector). */
  paceSafety: number;
}

function v2List(body: unknown): V2List<unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRecord('not a v2 list object');
  }
  const page = body as V2List<unknown>;
  if (!Array.isArray(page._data)) throw badRecord('v2 list without _data');
  return page;
}

function nextCursor(page: V2List<unknown>): string | null {
  const href = page._meta?.links?.next?.href;
  if (typeof href !== 'string' || href === '') return null;
  const cursor = new URL(href, 'http://relative.invalid').searchParams.get('cursor');
  if (cursor === null || cursor === '') throw badRecord('next link without a cursor');
  return cursor;
}

/** Maps with at most `limit` calls in flight, keeping input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T);
      } catch (error: unknown) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return out;
}

export class PersonioV2Client {
  constructor(
    private readonly http: PersonioHttpClient,
    private readonly auth: BearerAuth,
    private readonly pacers: V2Pacers,
    private readonly options: V2ClientOptions,
  ) {}

  /**
   * Follows x-ratelimit-* so the client paces at the rate Personio announces, keeping the same
   * margins as for v1 (one spare token, a slightly slower refill) against arrival jitter.
   */
  private adopt(bucket: TokenBucket): (headers: Record<string, string>) => void {
    return (headers) => {
      const rate = Number(headers['x-ratelimit-replenish-rate']);
      const burst = Number(headers['x-ratelimit-burst-capacity']);
      const left = Number(headers['x-ratelimit-remaining']);
      if (Number.isFinite(rate) && Number.isFinite(burst) && rate > 0 && burst > 0) {
        bucket.adopt(
          Math.max(1, burst - 1),
          rate * this.options.paceSafety,
          Number.isFinite(left) ? Math.max(0, left - 1) : undefined,
        );
      }
    };
  }

  async *pages<T extends { id?: unknown }>(
    run: RunContext,
    path: string,
    filters: ReadonlyArray<readonly [string, string]>,
    limit: number,
    bucket: TokenBucket,
    area: string,
  ): AsyncGenerator<T[]> {
    const seenIds = new Set<string>();
    const seenCursors = new Set<string>();
    let cursor: string | null = null;
    for (;;) {
      const query: Array<readonly [string, string]> =
        cursor === null
          ? [...filters, ['limit', String(limit)]]
          : [
              ['cursor', cursor],
              ['limit', String(limit)],
            ];
      const answer = await this.http.send({
        method: 'GET',
        path,
        query,
        pacers: [bucket],
        run,
        auth: this.auth,
        area,
        onHeaders: this.adopt(bucket),
        validate: (body) => {
          const page = v2List(body);
          const data = page._data as T[];
          if (data.length > limit) throw badRecord('page larger than its limit');
          const next = nextCursor(page);
          if (data.length === 0 && next !== null) throw badRecord('empty page before the last');
          if (next !== null && (seenCursors.has(next) || next === cursor)) {
            throw badRecord('next link repeats a cursor already read');
          }
          const ids = new Set<string>();
          for (const item of data) {
            const id = idText(item.id);
            if (id === null) throw badRecord(`${path} item without id`);
            if (ids.has(id) || seenIds.has(id))
              throw badRecord(`${path}: ${id} repeated (page repeated?)`);
            ids.add(id);
          }
        },
      });
      const page = answer.body as V2List<T>;
      const data = page._data ?? [];
      for (const item of data) seenIds.add(idText(item.id) ?? '');
      if (data.length > 0) yield data;
      const next = nextCursor(page);
      if (next === null) return;
      if (cursor !== null) seenCursors.add(cursor);
      cursor = next;
    }
  }

  personPages(run: RunContext): AsyncGenerator<V2Person[]> {
    return this.pages<V2Person>(
      run,
      '/v2/persons',
      [],
      this.options.personPageSize,
      this.pacers.persons,
      'employees',
    );
  }

  /** The current (most recent) employment of each person, in order; null when there is none. */
  async employmentsOf(
    run: RunContext,
    persons: readonly V2Person[],
  ): Promise<Array<V2Employment | null>> {
    return mapConcurrent(persons, this.options.concurrency, async (person) => {
      const id = idText(person.id);
      if (id === null) throw badRecord('person without id');
      // Most recent first [OFF v2-employment]: the first page's first item is the current one.
      for await (const page of this.pages<V2Employment>(
        run,
        `/v2/persons/${encodeURIComponent(id)}/employments`,
        [],
        50,
        this.pacers.persons,
        'employees',
      )) {
        return page[0] ?? null;
      }
      return null;
    });
  }

  orgUnitPages(run: RunContext, type: 'department' | 'team'): AsyncGenerator<V2OrgUnit[]> {
    return this.pages<V2OrgUnit>(
      run,
      '/v2/org-units',
      [['type', type]],
      100,
      this.pacers.other,
      'org_units',
    );
  }

  absencePeriodPages(run: RunContext, window: DateWindow): AsyncGenerator<V2AbsencePeriod[]> {
    // Date-range filters match absences overlapping the period [REFERENCE 4.7].
    return this.pages<V2AbsencePeriod>(
      run,
      '/v2/absence-periods',
      [
        ['starts_from.date_time.gte', `${window.from}T00:00:00`],
        ['ends_at.date_time.lte', `${window.to}T23:59:59`],
      ],
      this.options.absencePageSize,
      this.pacers.absencePeriods,
      'absences',
    );
  }

  async breakdownsOf(
    run: RunContext,
    periods: readonly V2AbsencePeriod[],
  ): Promise<V2Breakdown[][]> {
    return mapConcurrent(periods, this.options.concurrency, async (period) => {
      const id = idText(period.id) ?? '';
      const answer = await this.http.send({
        method: 'GET',
        path: `/v2/absence-periods/${encodeURIComponent(id)}/breakdowns`,
        pacers: [this.pacers.absencePeriods],
        run,
        auth: this.auth,
        area: 'absences',
        onHeaders: this.adopt(this.pacers.absencePeriods),
        validate: (body) => void v2List(body),
      });
      return (answer.body as V2List<V2Breakdown>)._data ?? [];
    });
  }

  absenceTypePages(run: RunContext): AsyncGenerator<V2AbsenceType[]> {
    return this.pages<V2AbsenceType>(
      run,
      '/v2/absence-types',
      [],
      100,
      this.pacers.other,
      'absences',
    );
  }

  /** Office names by id; null when the account has no `/v2/workplaces` (it is not everywhere). */
  async workplaceNames(run: RunContext): Promise<Map<string, string> | null> {
    const names = new Map<string, string>();
    try {
      for await (const page of this.pages<{ id?: unknown; name?: unknown }>(
        run,
        '/v2/workplaces',
        [],
        100,
        this.pacers.other,
        'employees',
      )) {
        for (const w of page) {
          const id = idText(w.id);
          if (id !== null && typeof w.name === 'string') names.set(id, w.name);
        }
      }
    } catch (error: unknown) {
      if (
        error instanceof ConnectorError &&
        (error.code === 'NOT_FOUND' || error.code === 'PERMISSION_MISSING')
      ) {
        return null;
      }
      throw error;
    }
    return names;
  }
}

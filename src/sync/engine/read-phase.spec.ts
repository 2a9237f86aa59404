import type { ConnectorSession, DateWindow } from '../../../connectors/connector';
import type {
  UnifiedAbsence,
  UnifiedAbsenceType,
  UnifiedEmployee,
  UnifiedTeam,
} from '../../../connectors/unified';
import { contentDigest, contentHash } from '../content-hash';
import { compileFieldMapping } from '../field-mapping';
import { compileScope, UNRESTRICTED_SCOPE } from '../scope';
import { sampleEmployee } from '../sync.test-kit';
import {
  deletionsOf,
  readAhead,
  readAll,
  type ChangeSink,
  type ReadPlan,
  type StagedRecord,
  type StoredEntry,
} from './read-phase';
import { employeeData } from './resource-specs';
import { keyOf, StoredIndex } from './stored-index';

const CONNECTION = '0b3c7e0e-8f7a-4b1e-9c55-0d6f3a2b1c9d';
const WINDOW: DateWindow = { from: '2026-11-01', to: '2027-05-01' };

/** A connector session over fixed pages (the read phase's only input). */
function sessionOf(pages: {
  employees?: UnifiedEmployee[][];
  absences?: UnifiedAbsence[][];
}): ConnectorSession {
  async function* of<T>(list: T[][] = []): AsyncGenerator<T[]> {
    for (const page of list) yield await Promise.resolve(page);
  }
  return {
    employees: () => of(pages.employees),
    orgUnits: () => of<UnifiedTeam>([]),
    absences: () => of(pages.absences),
    absenceTypes: () => of<UnifiedAbsenceType>([]),
  } as unknown as ConnectorSession;
}

class RecordingSink implements ChangeSink {
  staged: StagedRecord[] = [];
  stored: Array<StoredEntry | undefined> = [];
  stage(record: StagedRecord, stored: StoredEntry | undefined): Promise<void> {
    this.staged.push(record);
    this.stored.push(stored);
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

function plan(overrides: Partial<ReadPlan> = {}): ReadPlan {
  return {
    connectionId: CONNECTION,
    resources: new Set(['employees', 'absences']),
    scope: UNRESTRICTED_SCOPE,
    mapping: compileFieldMapping(undefined, []).plan,
    window: WINDOW,
    ...overrides,
  };
}

function absence(remoteId: string, employeeId: string): UnifiedAbsence {
  return {
    remote_id: remoteId,
    employee_id: employeeId,
    absence_type_id: null,
    status: 'approved',
    start_date: '2026-12-01',
    end_date: '2026-12-02',
    half_day_start: false,
    half_day_end: false,
    duration: { value: 2, unit: 'day' },
    remote_created_at: null,
    remote_updated_at: null,
    remote_data: null,
  };
}

describe('readAll', () => {
  const ada = sampleEmployee({ remote_id: '1', manager_id: null });
  const bob = sampleEmployee({ remote_id: '2', first_name: 'Bob', manager_id: '1' });

  it('stages new and changed records and skips unchanged ones without staging', async () => {
    const mapping = compileFieldMapping(undefined, []).plan;
    const adaData = employeeData(CONNECTION, { ...ada, custom_fields: {} });
    const index = StoredIndex.of([['1', { hash: contentHash(adaData), live: true }]]);
    const sink = new RecordingSink();
    const outcome = await readAll(
      sessionOf({ employees: [[ada, bob]] }),
      plan({ mapping, resources: new Set(['employees', 'positions']) }),
      { employees: index },
      sink,
    );
    expect(outcome.reads.employees).toMatchObject({ unchanged: 1, staged: 1 });
    expect(sink.staged.map((r) => `${r.resource}:${r.remoteId}`)).toEqual(
      expect.arrayContaining(['employees:2', 'reporting_lines:2', 'positions:title:engineer']),
    );
    expect(sink.staged.find((r) => r.remoteId === '2')?.data.manager_id).not.toBeNull();
  });

  it('leaves out-of-scope people and their absences out, and names them left_scope', async () => {
    const scope = compileScope({ statuses: ['active'] }, []).plan;
    const gone = sampleEmployee({ remote_id: '3', status: 'inactive' });
    const index = StoredIndex.of([
      ['1', { hash: 'old', live: true }],
      ['3', { hash: 'old', live: true }],
      ['9', { hash: 'old', live: true }],
    ]);
    const outcome = await readAll(
      sessionOf({
        employees: [[ada], [gone]],
        absences: [[absence('a1', '1'), absence('a3', '3')]],
      }),
      plan({ scope }),
      { employees: index },
      new RecordingSink(),
    );
    expect(deletionsOf(outcome.reads.employees)).toEqual([
      { remoteId: '3', reason: 'left_scope' },
      { remoteId: '9', reason: 'removed_in_source' },
    ]);
    expect(outcome.reads.absences?.seenCount).toBe(1);
    expect(outcome.reads.absences?.hasSeen('a1')).toBe(true);
    expect(outcome.reads.absences?.hasSeen('a3')).toBe(false);
    expect(outcome.reads.absences?.outOfScope.has('a3')).toBe(true);
  });

  it('trusts no deletions of a resource whose read returned a record twice', async () => {
    const index = StoredIndex.of([['7', { hash: 'old', live: true }]]);
    const outcome = await readAll(
      sessionOf({ employees: [[ada], [ada]] }),
      plan(),
      { employees: index },
      new RecordingSink(),
    );
    expect(outcome.reads.employees?.deletionsTrusted).toBe(false);
    expect(deletionsOf(outcome.reads.employees)).toEqual([]);
    expect(outcome.warnings.join(' ')).toContain('twice');
  });

  it('restores a deleted record with an equal hash and never deletes what is already gone', async () => {
    const adaData = employeeData(CONNECTION, { ...ada, custom_fields: {} });
    const index = StoredIndex.of([
      ['1', { hash: contentHash(adaData), live: false }],
      ['5', { hash: contentHash(adaData), live: false }],
    ]);
    const sink = new RecordingSink();
    const outcome = await readAll(
      sessionOf({ employees: [[ada]] }),
      plan(),
      { employees: index },
      sink,
    );
    expect(sink.staged.map((r) => r.remoteId)).toEqual(['1']);
    expect(sink.stored).toEqual([{ live: false }]);
    expect(sink.staged[0]?.hash).toBe(contentHash(adaData));
    expect(deletionsOf(outcome.reads.employees)).toEqual([]);
  });

  it('uses indexes that are still loading once they are loaded, and fails with a failed load', async () => {
    const adaData = employeeData(CONNECTION, { ...ada, custom_fields: {} });
    let loaded: (index: StoredIndex) => void = () => undefined;
    const employees = new Promise<StoredIndex>((resolve) => (loaded = resolve));
    const sink = new RecordingSink();
    const session = sessionOf({ employees: [[ada]], absences: [[absence('a1', '1')]] });
    let employeesRequested = false;
    const employeePages = session.employees.bind(session);
    session.employees = () => {
      employeesRequested = true;
      return employeePages();
    };
    const reading = readAll(
      session,
      plan(),
      {
        employees,
        absences: Promise.resolve(StoredIndex.of([['a9', { hash: 'old', live: true }]])),
      },
      sink,
    );
    await new Promise((resolve) => setImmediate(resolve));
    // Personio is asked for the first page while the index loads; nothing is offered before it.
    expect(employeesRequested).toBe(true);
    expect(sink.staged).toEqual([]);
    loaded(StoredIndex.of([['1', { hash: contentHash(adaData), live: true }]]));
    const outcome = await reading;
    expect(outcome.reads.employees).toMatchObject({ unchanged: 1, staged: 0 });
    expect(sink.staged.map((r) => r.remoteId)).toEqual(['a1']);
    expect(deletionsOf(outcome.reads.absences)).toEqual([
      { remoteId: 'a9', reason: 'removed_in_source' },
    ]);

    const failedLoad = Promise.reject(new Error('index query failed'));
    failedLoad.catch(() => undefined);
    await expect(
      readAll(
        sessionOf({ employees: [[ada]], absences: [[absence('a1', '1')]] }),
        plan(),
        { employees: Promise.resolve(new StoredIndex()), absences: failedLoad },
        new RecordingSink(),
      ),
    ).rejects.toThrow('index query failed');
  });

  it('reads a company with no employees against the stored index, so the stored ones are deleted', async () => {
    const outcome = await readAll(
      sessionOf({ employees: [] }),
      plan(),
      { employees: Promise.resolve(StoredIndex.of([['1', { hash: 'old', live: true }]])) },
      new RecordingSink(),
    );
    expect(deletionsOf(outcome.reads.employees)).toEqual([
      { remoteId: '1', reason: 'removed_in_source' },
    ]);
  });

  it('lets a failed read throw, so nothing after it can be used to delete', async () => {
    const failing = {
      ...sessionOf({}),
      employees: async function* () {
        yield await Promise.resolve([ada]);
        throw new Error('page 2 failed');
      },
    } as unknown as ConnectorSession;
    await expect(readAll(failing, plan(), {}, new RecordingSink())).rejects.toThrow('page 2');
  });
});

describe('readAhead', () => {
  /** A source that records how far it was pulled and whether it was closed. */
  function source(pages: number, failAt?: number) {
    const log: string[] = [];
    async function* pagesOf(): AsyncGenerator<number> {
      try {
        for (let i = 1; i <= pages; i += 1) {
          await Promise.resolve();
          if (i === failAt) throw new Error(`page ${i} failed`);
          log.push(`fetched ${i}`);
          yield i;
        }
      } finally {
        log.push('closed');
      }
    }
    return { log, pages: pagesOf() };
  }

  it('hands out every page in order, with the next one fetched before a page is handled', async () => {
    const { log, pages } = source(3);
    const seen: number[] = [];
    for await (const page of readAhead(pages)) {
      seen.push(page);
      log.push(`handled ${page}`);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(log.indexOf('fetched 2')).toBeLessThan(log.indexOf('handled 1'));
    expect(log.filter((line) => line === 'closed')).toHaveLength(1);
  });

  it('throws a failed page where that page would come, after the pages before it', async () => {
    const { pages } = source(5, 3);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of readAhead(pages)) seen.push(page);
      })(),
    ).rejects.toThrow('page 3 failed');
    expect(seen).toEqual([1, 2]);
  });

  it('closes the source when the caller stops early, a failure in flight included', async () => {
    for (const failAt of [undefined, 2]) {
      const { log, pages } = source(5, failAt);
      await expect(
        (async () => {
          for await (const page of readAhead(pages)) {
            if (page === 1) throw new Error('cancelled');
          }
        })(),
      ).rejects.toThrow('cancelled');
      expect(log.at(-1)).toBe('closed');
      expect(log).not.toContain('fetched 3');
    }
  });
});

describe('StoredIndex', () => {
  const hex = (byte: string): string => byte.repeat(64);

  it('finds records by remote id whether the id is a small integer or not', () => {
    const index = StoredIndex.of([
      ['42', { hash: hex('a'), live: true }],
      ['007', { hash: hex('b'), live: true }],
      ['9999999999', { hash: hex('c'), live: false }],
      ['a1-b2', { hash: hex('d'), live: true }],
    ]);
    expect(index.size).toBe(4);
    expect(index.liveCount).toBe(3);
    expect(['42', '007', '7', '9999999999', 'a1-b2', '43'].map((id) => index.slotOf(id))).toEqual([
      0, 1, -1, 2, 3, -1,
    ]);
    expect([...index.entries()]).toEqual([
      ['42', 0],
      ['007', 1],
      ['9999999999', 2],
      ['a1-b2', 3],
    ]);
    expect(index.isLive(2)).toBe(false);
    expect(() => index.add('42', hex('e'), true)).toThrow('twice');
  });

  it('matches a digest only against the same stored SHA-256, and never a hash it cannot read', () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({ remote_id: String(i) }));
    const index = StoredIndex.of(
      records.map((r) => [r.remote_id, { hash: contentHash(r), live: true }] as const),
    );
    const odd = StoredIndex.of([['1', { hash: 'old', live: true }]]);
    for (const [i, r] of records.entries()) {
      // What the read compares (contentDigest) against what was stored (contentHash).
      const digest = contentDigest(r);
      expect(index.hasDigest(i, digest)).toBe(true);
      expect(index.hasDigest((i + 1) % records.length, digest)).toBe(false);
    }
    expect(odd.hasDigest(0, Buffer.alloc(32).toString('latin1'))).toBe(false);
  });

  it('tells a digest that differs in any one byte, or is cut short, from the stored one', () => {
    const stored = Buffer.from(contentHash({ remote_id: '1' }), 'hex');
    const index = StoredIndex.of([['1', { hash: stored.toString('hex'), live: true }]]);
    expect(index.hasDigest(0, stored.toString('latin1'))).toBe(true);
    for (let at = 0; at < stored.length; at += 1) {
      const other = Buffer.from(stored);
      other[at] = other[at]! ^ 0x80;
      expect(index.hasDigest(0, other.toString('latin1'))).toBe(false);
    }
    // One character above 0xff where the stored byte is its low byte: still a different digest.
    const wide = stored.toString('latin1');
    expect(index.hasDigest(0, `${String.fromCharCode(stored[0]! + 0x100)}${wide.slice(1)}`)).toBe(
      false,
    );
    expect(index.hasDigest(0, stored.subarray(0, 31).toString('latin1'))).toBe(false);
    expect(index.hasDigest(0, `${stored.toString('latin1')}x`)).toBe(false);
  });

  it('never matches a stored hash that is hex only in part, even where the part agrees', () => {
    const digest = Buffer.alloc(32, 0xab).toString('latin1');
    const index = StoredIndex.of([
      ['1', { hash: `${'ab'.repeat(31)}ag`, live: true }],
      ['2', { hash: `${'ab'.repeat(32)}00`, live: true }],
      ['3', { hash: 'ab'.repeat(32), live: true }],
    ]);
    expect([0, 1, 2].map((slot) => index.hasDigest(slot, digest))).toEqual([false, false, true]);
  });
});

describe('keyOf', () => {
  it('keys canonical integers of up to 9 digits as numbers and every other id as itself', () => {
    const asNumbers = ['0', '7', '42', '100', '123456789', '999999999'];
    const asStrings = ['', '00', '007', '-1', '+1', ' 1', '1 ', '1e3', '1.0', '12a', '\uff11'];
    asStrings.push('1234567890', 'a1-b2', '0x1', '١');
    for (const id of asNumbers) expect(keyOf(id)).toBe(Number(id));
    for (const id of asStrings) expect(keyOf(id)).toBe(id);
  });
});

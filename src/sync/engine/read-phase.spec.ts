import type { ConnectorSession, DateWindow } from '../../../connectors/connector';
import type {
  UnifiedAbsence,
  UnifiedAbsenceType,
  UnifiedEmployee,
  UnifiedTeam,
} from '../../../connectors/unified';
import { contentHash } from '../content-hash';
import { compileFieldMapping } from '../field-mapping';
import { compileScope, UNRESTRICTED_SCOPE } from '../scope';
import { sampleEmployee } from '../sync.test-kit';
import {
  deletionsOf,
  readAll,
  type ChangeSink,
  type ReadPlan,
  type StagedRecord,
  type StoredIndex,
} from './read-phase';
import { employeeData } from './resource-specs';

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
  stage(record: StagedRecord): Promise<void> {
    this.staged.push(record);
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
    const index: StoredIndex = new Map([['1', { hash: contentHash(adaData), live: true }]]);
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
    const index: StoredIndex = new Map([
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
    expect(deletionsOf(index, outcome.reads.employees)).toEqual([
      { remoteId: '3', reason: 'left_scope' },
      { remoteId: '9', reason: 'removed_in_source' },
    ]);
    expect(Array.from(outcome.reads.absences?.seen ?? [])).toEqual(['a1']);
    expect(outcome.reads.absences?.outOfScope.has('a3')).toBe(true);
  });

  it('trusts no deletions of a resource whose read returned a record twice', async () => {
    const index: StoredIndex = new Map([['7', { hash: 'old', live: true }]]);
    const outcome = await readAll(
      sessionOf({ employees: [[ada], [ada]] }),
      plan(),
      { employees: index },
      new RecordingSink(),
    );
    expect(outcome.reads.employees?.deletionsTrusted).toBe(false);
    expect(deletionsOf(index, outcome.reads.employees)).toEqual([]);
    expect(outcome.warnings.join(' ')).toContain('twice');
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

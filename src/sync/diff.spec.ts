import type { UnifiedEmployee } from '../../connectors/unified';
import { contentHash } from './content-hash';
import { changesBetween, diffRecords, type StoredRecord, SyncInputError } from './diff';
import { sampleEmployee } from './sync.test-kit';

type Stored = Map<string, StoredRecord<UnifiedEmployee>>;

function storedOf(records: UnifiedEmployee[], deletedIds: string[] = []): Stored {
  return new Map(
    records.map((record) => [
      record.remote_id,
      {
        hash: contentHash(record),
        record,
        remote_deleted_at: deletedIds.includes(record.remote_id)
          ? '2026-11-01T00:00:00.000Z'
          : null,
      },
    ]),
  );
}

const emp = (id: string, overrides: Partial<UnifiedEmployee> = {}): UnifiedEmployee =>
  sampleEmployee({ remote_id: id, ...overrides });

describe('diffRecords', () => {
  it('sorts a read into created, updated, unchanged and deleted, each in remote id order', () => {
    const stored = storedOf([emp('2'), emp('10'), emp('3'), emp('4')]);
    const fresh = [emp('11'), emp('3', { job_title: 'CTO' }), emp('2'), emp('9'), emp('10')];
    const diff = diffRecords({ stored, fresh, deletionThreshold: 0.3 });
    expect(diff.created.map((c) => [c.remote_id, c.restored])).toEqual([
      ['9', false],
      ['11', false],
    ]);
    expect(diff.updated.map((u) => u.remote_id)).toEqual(['3']);
    expect(diff.unchanged).toEqual(['2', '10']);
    expect(diff.deleted).toEqual([
      { remote_id: '4', record: emp('4'), reason: 'removed_in_source' },
    ]);
    expect(diff.rehashed).toEqual([]);
    expect(diff.created[0]?.hash).toBe(contentHash(emp('9')));
  });

  it('puts only the changed fields and their old values in previous', () => {
    const stored = storedOf([emp('1')]);
    const fresh = [
      emp('1', {
        job_title: 'CTO',
        position_id: 'title:cto',
        custom_fields: { dynamic_1: 'No', dynamic_2: 1200.5, dynamic_3: ['English', 'German'] },
      }),
    ];
    const [update] = diffRecords({ stored, fresh, deletionThreshold: 0.3 }).updated;
    expect(update?.changed).toEqual(['custom_fields.dynamic_1', 'job_title', 'position_id']);
    expect(update?.previous).toEqual({
      custom_fields: { dynamic_1: 'Yes' },
      job_title: 'Engineer',
      position_id: 'title:engineer',
    });
  });

  it('treats a change of volatile fields only as unchanged (no write, no event)', () => {
    const stored = storedOf([emp('1')]);
    const fresh = [
      emp('1', { remote_updated_at: '2026-11-21T10:00:00.000Z', remote_data: { other: true } }),
    ];
    const diff = diffRecords({ stored, fresh, deletionThreshold: 0.3 });
    expect(diff.unchanged).toEqual(['1']);
    expect(diff.updated).toEqual([]);
  });

  it('rewrites without an event when only the stored hash differs', () => {
    const stored: Stored = new Map([
      ['1', { hash: 'made-by-an-older-version', record: emp('1'), remote_deleted_at: null }],
    ]);
    const diff = diffRecords({ stored, fresh: [emp('1')], deletionThreshold: 0.3 });
    expect(diff.rehashed).toEqual([
      { remote_id: '1', record: emp('1'), hash: contentHash(emp('1')) },
    ]);
    expect(diff.updated).toEqual([]);
    expect(diff.unchanged).toEqual([]);
  });

  it('names left_scope for ids the caller saw out of scope, removed_in_source otherwise', () => {
    const stored = storedOf([emp('1'), emp('2'), emp('3')]);
    const diff = diffRecords({
      stored,
      fresh: [emp('3')],
      outOfScope: new Set(['2', '99']),
      deletionThreshold: 1,
    });
    expect(diff.deleted.map((d) => [d.remote_id, d.reason])).toEqual([
      ['1', 'removed_in_source'],
      ['2', 'left_scope'],
    ]);
  });

  it('restores a record stored as deleted as created (same gateway id), and ignores the gone', () => {
    const stored = storedOf([emp('1'), emp('2'), emp('3')], ['1', '2']);
    const diff = diffRecords({ stored, fresh: [emp('1'), emp('3')], deletionThreshold: 0.3 });
    expect(diff.created).toEqual([
      { remote_id: '1', record: emp('1'), hash: contentHash(emp('1')), restored: true },
    ]);
    expect(diff.deleted).toEqual([]);
    expect(diff.guard).toEqual({ live: 1, deleting: 0, share: 0, threshold: 0.3, exceeded: false });
  });

  it('trips the mass-deletion guard only above the threshold of live stored records', () => {
    const ids = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
    const stored = storedOf([...ids.map((id) => emp(id)), emp('11')], ['11']);
    const keep = (n: number): UnifiedEmployee[] => ids.slice(n).map((id) => emp(id));
    expect(diffRecords({ stored, fresh: keep(3), deletionThreshold: 0.3 }).guard).toEqual({
      live: 10,
      deleting: 3,
      share: 0.3,
      threshold: 0.3,
      exceeded: false,
    });
    expect(diffRecords({ stored, fresh: keep(4), deletionThreshold: 0.3 }).guard.exceeded).toBe(
      true,
    );
    // Leaving the scope counts too: a whitelist or scope change that hides people is guarded.
    const hidden = diffRecords({
      stored,
      fresh: keep(4),
      outOfScope: new Set(['1', '2', '3', '4']),
      deletionThreshold: 0.3,
    });
    expect(hidden.guard.exceeded).toBe(true);
    expect(diffRecords({ stored, fresh: [], deletionThreshold: 1 }).guard.exceeded).toBe(false);
    expect(diffRecords({ stored: new Map(), fresh: [], deletionThreshold: 0 }).guard).toEqual({
      live: 0,
      deleting: 0,
      share: 0,
      threshold: 0,
      exceeded: false,
    });
  });

  it('refuses a threshold that is not a share, so the guard cannot be switched off by NaN', () => {
    for (const deletionThreshold of [Number.NaN, -0.1, 1.5]) {
      expect(() => diffRecords({ stored: new Map(), fresh: [], deletionThreshold })).toThrow(
        RangeError,
      );
    }
  });

  it('refuses a read with a duplicate id, or an id both read and out of scope', () => {
    expect(() =>
      diffRecords({ stored: new Map(), fresh: [emp('1'), emp('1')], deletionThreshold: 0.3 }),
    ).toThrow(SyncInputError);
    expect(() =>
      diffRecords({
        stored: new Map(),
        fresh: [emp('1')],
        outOfScope: new Set(['1']),
        deletionThreshold: 0.3,
      }),
    ).toThrow(/both in the read and out of scope/);
  });

  it('gives the same result whatever order the read came in', () => {
    const stored = storedOf([emp('5'), emp('6', { office: 'Munich' })]);
    const fresh = [emp('1'), emp('6'), emp('3'), emp('2')];
    const a = diffRecords({ stored, fresh, deletionThreshold: 0.3 });
    const b = diffRecords({ stored, fresh: [...fresh].reverse(), deletionThreshold: 0.3 });
    expect(b).toEqual(a);
  });
});

describe('changesBetween', () => {
  it('treats a missing field as null and reports appearing custom keys from null', () => {
    expect(
      changesBetween({ a: null, custom_fields: { x: 1 } }, { custom_fields: { x: 1, y: 'n' } }),
    ).toEqual({ changed: ['custom_fields.y'], previous: { custom_fields: { y: null } } });
  });

  it('reports a whole nested value when custom_fields itself turns null', () => {
    expect(changesBetween({ custom_fields: { x: 1 } }, { custom_fields: null })).toEqual({
      changed: ['custom_fields'],
      previous: { custom_fields: { x: 1 } },
    });
  });

  it('ignores volatile fields', () => {
    expect(
      changesBetween({ remote_updated_at: 'a', remote_data: 1 }, { remote_updated_at: 'b' }),
    ).toEqual({ changed: [], previous: {} });
  });
});

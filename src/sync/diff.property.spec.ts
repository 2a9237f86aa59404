/**
 * Properties of diffRecords over random stored states and reads: applying the diff to the
 * stored state gives exactly the read (as clients see it), unchanged records cause nothing, and
 * `previous` holds changed fields only.
 */
import fc from 'fast-check';
import { canonicalJson, contentHash, contentOf } from './content-hash';
import { diffRecords, type DiffResult, type StoredRecord } from './diff';

interface Rec {
  remote_id: string;
  name: string | null;
  level: number;
  tags: string[];
  custom_fields: Record<string, unknown>;
  remote_updated_at: string;
  remote_data: unknown;
}

const ids: fc.Arbitrary<string> = fc.constantFrom(
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '10',
  '11',
  '12',
);
const body = fc.record({
  name: fc.option(fc.constantFrom('Ada', 'Bob', 'Cy'), { nil: null }),
  level: fc.integer({ min: 0, max: 2 }),
  tags: fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }),
  custom_fields: fc.dictionary(
    fc.constantFrom('budget', 'alleo', 'site'),
    fc.option(fc.constantFrom('Yes', 'No', 100, ['a']), { nil: null }),
  ),
  remote_updated_at: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
  remote_data: fc.constantFrom(null, { raw: 1 }, { raw: 2 }),
});
const records = fc.uniqueArray(
  fc.tuple(ids, body).map(([remote_id, b]): Rec => ({ remote_id, ...b })),
  { selector: (r) => r.remote_id, maxLength: 12 },
);
const storedState = fc.tuple(records, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 })).map(
  ([recs, gone]) =>
    new Map<string, StoredRecord<Rec>>(
      recs.map((record, i) => [
        record.remote_id,
        {
          hash: contentHash(record),
          record,
          remote_deleted_at: gone[i] === true ? '2026-01-01T00:00:00.000Z' : null,
        },
      ]),
    ),
);

/** The stored state after writing the diff the way the sync service will. */
function apply(
  stored: ReadonlyMap<string, StoredRecord<Rec>>,
  diff: DiffResult<Rec>,
): Map<string, StoredRecord<Rec>> {
  const state = new Map(stored);
  for (const c of [...diff.created, ...diff.updated, ...diff.rehashed]) {
    state.set(c.remote_id, { hash: c.hash, record: c.record, remote_deleted_at: null });
  }
  for (const d of diff.deleted) {
    const before = state.get(d.remote_id);
    if (before) state.set(d.remote_id, { ...before, remote_deleted_at: 'now' });
  }
  return state;
}

/** Client-visible content, with null and absent treated alike (top level and custom fields). */
function visible(record: object): string {
  const drop = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
  const content = drop(contentOf(record));
  const custom = content.custom_fields;
  if (typeof custom === 'object' && custom !== null && !Array.isArray(custom)) {
    content.custom_fields = drop(custom as Record<string, unknown>);
  }
  return canonicalJson(content);
}

const liveOf = (state: ReadonlyMap<string, StoredRecord<Rec>>): string[] =>
  [...state].filter(([, s]) => s.remote_deleted_at === null).map(([id]) => id);

describe('diffRecords properties', () => {
  it('applying the diff to the stored state yields exactly the fresh state', () => {
    fc.assert(
      fc.property(
        storedState,
        records,
        fc.uniqueArray(ids, { maxLength: 12 }),
        (stored, fresh, seenOut) => {
          const freshIds = new Set(fresh.map((r) => r.remote_id));
          const outOfScope = new Set(seenOut.filter((id) => !freshIds.has(id)));
          const diff = diffRecords({ stored, fresh, outOfScope, deletionThreshold: 0.3 });
          const state = apply(stored, diff);
          expect(liveOf(state).sort()).toEqual([...freshIds].sort());
          for (const r of fresh) {
            const now = state.get(r.remote_id);
            expect(now?.hash).toBe(contentHash(r));
            expect(canonicalJson(contentOf(now?.record ?? {}))).toBe(canonicalJson(contentOf(r)));
          }
          for (const d of diff.deleted) {
            expect(d.reason).toBe(outOfScope.has(d.remote_id) ? 'left_scope' : 'removed_in_source');
          }
          // Every fresh id is in exactly one bucket; deletions are live stored ids not read.
          const buckets = [
            ...diff.created.map((c) => c.remote_id),
            ...diff.updated.map((u) => u.remote_id),
            ...diff.rehashed.map((u) => u.remote_id),
            ...diff.unchanged,
          ];
          expect(buckets.sort()).toEqual([...freshIds].sort());
          expect(diff.guard.deleting).toBe(diff.deleted.length);
          expect(diff.guard.exceeded).toBe(
            diff.guard.live > 0 && diff.deleted.length / diff.guard.live > 0.3,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a read equal to the live stored records (volatile fields aside) changes nothing', () => {
    fc.assert(
      fc.property(storedState, fc.constantFrom('2030-01-01T00:00:00.000Z'), (stored, later) => {
        const fresh = [...stored.values()]
          .filter((s) => s.remote_deleted_at === null)
          .map((s) => ({ ...s.record, remote_updated_at: later, remote_data: { other: 1 } }));
        const diff = diffRecords({ stored, fresh, deletionThreshold: 0 });
        expect(diff.created).toEqual([]);
        expect(diff.updated).toEqual([]);
        expect(diff.rehashed).toEqual([]);
        expect(diff.deleted).toEqual([]);
        expect(diff.unchanged.length).toBe(fresh.length);
        expect(diff.guard.exceeded).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('previous holds old values of changed fields only, and undoes the update', () => {
    fc.assert(
      fc.property(storedState, records, (stored, fresh) => {
        const diff = diffRecords({ stored, fresh, deletionThreshold: 1 });
        for (const u of diff.updated) {
          const before = stored.get(u.remote_id)?.record as Rec;
          const old = contentOf(before);
          const now = contentOf(u.record);
          expect(u.changed.length).toBeGreaterThan(0);
          for (const [key, value] of Object.entries(u.previous)) {
            if (key === 'custom_fields' && u.changed.some((p) => p.startsWith('custom_fields.'))) {
              const oldCustom = before.custom_fields;
              for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) {
                expect(u.changed).toContain(`custom_fields.${sub}`);
                expect(canonicalJson(subValue)).toBe(canonicalJson(oldCustom[sub] ?? null));
                expect(canonicalJson(oldCustom[sub] ?? null)).not.toBe(
                  canonicalJson(u.record.custom_fields[sub] ?? null),
                );
              }
            } else {
              expect(u.changed).toContain(key);
              expect(canonicalJson(value)).toBe(canonicalJson(old[key] ?? null));
              expect(canonicalJson(old[key] ?? null)).not.toBe(canonicalJson(now[key] ?? null));
            }
          }
          // The fresh record with previous laid over it reads as the stored one.
          const undone: Record<string, unknown> = { ...now };
          for (const [key, value] of Object.entries(u.previous)) {
            undone[key] =
              key === 'custom_fields'
                ? { ...u.record.custom_fields, ...(value as Record<string, unknown>) }
                : value;
          }
          expect(visible(undone)).toBe(visible(before));
        }
      }),
      { numRuns: 500 },
    );
  });
});

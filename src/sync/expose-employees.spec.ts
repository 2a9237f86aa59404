/**
 * The sync core end to end, the way the sync service will use it: compile settings once, expose
 * each page, diff the complete read against what is stored, then hold or write.
 */
// The settings DTO carries class-validator decorators, which need the metadata polyfill.
import 'reflect-metadata';
import type { CustomAttributeDefinition, UnifiedEmployee } from '../../connectors/unified';
import { effectiveSettings } from '../connections/dto/connection-settings.dto';
import { contentHash } from './content-hash';
import { diffRecords, type StoredRecord } from './diff';
import { exposeEmployees } from './expose-employees';
import type { ExposedEmployee } from './field-mapping';
import { compileFieldMapping } from './field-mapping';
import { compileScope } from './scope';
import { sampleEmployee } from './sync.test-kit';

const catalog: CustomAttributeDefinition[] = [
  { key: 'dynamic_1', label: 'Alleo', type: 'list', options: ['Yes', 'No'] },
  { key: 'dynamic_2', label: 'Budget', type: 'decimal', options: [] },
];

const company: UnifiedEmployee[] = [
  sampleEmployee({ remote_id: '1', custom_fields: { dynamic_1: 'Yes', dynamic_2: 500 } }),
  sampleEmployee({ remote_id: '2', custom_fields: { dynamic_1: 'No', dynamic_2: 700 } }),
  sampleEmployee({ remote_id: '3', custom_fields: { dynamic_2: 900 } }),
  sampleEmployee({
    remote_id: '4',
    employment_type: 'external',
    custom_fields: { dynamic_1: 'Yes' },
  }),
];

function run(settingsLayer: Record<string, unknown>, pages: UnifiedEmployee[][]) {
  const settings = effectiveSettings(settingsLayer);
  const scope = compileScope(settings.scope, catalog);
  const mapping = compileFieldMapping(settings.field_mapping, catalog);
  const fresh: ExposedEmployee[] = [];
  const outOfScope = new Set<string>();
  for (const page of pages) {
    const result = exposeEmployees(page, { scope: scope.plan, mapping: mapping.plan });
    fresh.push(...result.exposed);
    for (const id of result.outOfScope) outOfScope.add(id);
  }
  return { settings, fresh, outOfScope, issues: [...scope.issues, ...mapping.issues] };
}

function store(records: ExposedEmployee[]): Map<string, StoredRecord<ExposedEmployee>> {
  return new Map(
    records.map((record) => [
      record.remote_id,
      { hash: contentHash(record), record, remote_deleted_at: null },
    ]),
  );
}

describe('exposeEmployees', () => {
  it('the benefits case: only Alleo = Yes, budget served as a custom field', () => {
    const { fresh, outOfScope, issues } = run(
      {
        scope: { attribute_rule: { attribute: 'Alleo', equals: ['Yes'] } },
        field_mapping: { budget: 'Budget' },
      },
      [company.slice(0, 2), company.slice(2)],
    );
    expect(fresh.map((e) => [e.remote_id, e.custom_fields])).toEqual([
      ['1', { budget: 500 }],
      ['4', { budget: null }],
    ]);
    expect([...outOfScope]).toEqual(['2', '3']);
    expect(issues).toEqual([]);
  });

  it('reports why people are out of scope', () => {
    const { plan } = compileScope({ employment_types: ['internal'] }, catalog);
    const page = exposeEmployees(company, {
      scope: plan,
      mapping: compileFieldMapping({}, catalog).plan,
    });
    expect(page.excluded).toEqual([
      { remote_id: '4', reason: { code: 'employment_type', value: 'external' } },
    ]);
  });

  it('the learning case: widening the scope creates, narrowing it deletes with left_scope', () => {
    const internal = run({ scope: { employment_types: ['internal'] } }, [company]);
    const both = run({ scope: { employment_types: ['internal', 'external'] } }, [company]);
    const stored = store(internal.fresh);

    const widened = diffRecords({
      stored,
      fresh: both.fresh,
      outOfScope: both.outOfScope,
      deletionThreshold: both.settings.deletion_threshold,
    });
    expect(widened.created.map((c) => c.remote_id)).toEqual(['4']);
    expect(widened.unchanged).toEqual(['1', '2', '3']);

    const narrowed = diffRecords({
      stored: store(both.fresh),
      fresh: internal.fresh,
      outOfScope: internal.outOfScope,
      deletionThreshold: internal.settings.deletion_threshold,
    });
    expect(narrowed.deleted.map((d) => [d.remote_id, d.reason])).toEqual([['4', 'left_scope']]);
    expect(narrowed.guard.exceeded).toBe(false);
  });

  it('a mapping change updates those it shows something new, previous holding the old value only', () => {
    const before = run({ field_mapping: { budget: 'Budget' } }, [company]);
    const after = run({ field_mapping: { budget: 'Budget', alleo: 'Alleo' } }, [company]);
    const diff = diffRecords({
      stored: store(before.fresh),
      fresh: after.fresh,
      deletionThreshold: 0.3,
    });
    const previous = { custom_fields: { alleo: null } };
    expect(diff.updated.map((u) => [u.remote_id, u.changed, u.previous])).toEqual([
      ['1', ['custom_fields.alleo'], previous],
      ['2', ['custom_fields.alleo'], previous],
      ['4', ['custom_fields.alleo'], previous],
    ]);
    // No Alleo value: null before (absent) and after, so no event; only the new shape is stored.
    expect(diff.rehashed.map((r) => [r.remote_id, r.record.custom_fields])).toEqual([
      ['3', { alleo: null, budget: 900 }],
    ]);
  });

  it('a scope that suddenly hides most people trips the mass-deletion guard', () => {
    const everyone = run({}, [company]);
    const hidden = run({ scope: { attribute_rule: { attribute: 'Alleo', equals: ['Yes'] } } }, [
      company,
    ]);
    const diff = diffRecords({
      stored: store(everyone.fresh),
      fresh: hidden.fresh,
      outOfScope: hidden.outOfScope,
      deletionThreshold: hidden.settings.deletion_threshold,
    });
    expect(diff.guard).toMatchObject({ live: 4, deleting: 2, share: 0.5, exceeded: true });
  });
});

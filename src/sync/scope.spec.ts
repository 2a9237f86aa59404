import type { CustomAttributeDefinition } from '../../connectors/unified';
import {
  compileScope,
  decideScope,
  describeScopeReason,
  type ScopeReason,
  UNRESTRICTED_SCOPE,
} from './scope';
import { sampleEmployee } from './sync.test-kit';

const catalog: CustomAttributeDefinition[] = [
  { key: 'dynamic_1', label: 'Alleo', type: 'list', options: ['Yes', 'No'] },
  { key: 'dynamic_2', label: 'Budget', type: 'decimal', options: [] },
  { key: 'dynamic_3', label: 'Languages', type: 'tags', options: ['English', 'German'] },
  { key: 'dynamic_4', label: 'Remote', type: 'boolean', options: [] },
];

const alleo = (equals: string[]) =>
  compileScope({ attribute_rule: { attribute: 'Alleo', equals } }, catalog);

describe('compileScope', () => {
  it('resolves the rule attribute by label or key and reports an unknown one', () => {
    expect(alleo(['Yes']).plan.rule).toEqual({
      attribute: 'Alleo',
      key: 'dynamic_1',
      equals: ['Yes'],
    });
    expect(
      compileScope({ attribute_rule: { attribute: 'dynamic_2', equals: [] } }, catalog).plan.rule
        ?.key,
    ).toBe('dynamic_2');
    const unknown = compileScope({ attribute_rule: { attribute: 'Benefit', equals: [] } }, []);
    expect(unknown.issues).toEqual([{ code: 'unknown_attribute', attribute: 'Benefit' }]);
    expect(unknown.plan.rule?.key).toBeNull();
  });

  it('treats absent and empty lists as no restriction', () => {
    expect(compileScope(undefined, catalog)).toEqual({ plan: UNRESTRICTED_SCOPE, issues: [] });
    expect(compileScope({ statuses: [], employment_types: [] }, catalog).plan).toEqual(
      UNRESTRICTED_SCOPE,
    );
  });
});

describe('decideScope', () => {
  it('lets everyone in without a scope', () => {
    expect(decideScope(sampleEmployee({ status: null }), UNRESTRICTED_SCOPE)).toEqual({ in: true });
  });

  it('filters by status and employment type, with the reason', () => {
    const { plan } = compileScope(
      { statuses: ['active', 'onboarding'], employment_types: ['internal'] },
      catalog,
    );
    expect(decideScope(sampleEmployee(), plan)).toEqual({ in: true });
    expect(decideScope(sampleEmployee({ status: 'inactive' }), plan)).toEqual({
      in: false,
      reason: { code: 'status', value: 'inactive' },
    });
    expect(decideScope(sampleEmployee({ status: null }), plan)).toEqual({
      in: false,
      reason: { code: 'status', value: null },
    });
    expect(decideScope(sampleEmployee({ employment_type: 'external' }), plan)).toEqual({
      in: false,
      reason: { code: 'employment_type', value: 'external' },
    });
  });

  it('the benefits case: Alleo must be "Yes", exactly as Personio presents it', () => {
    const { plan } = alleo(['Yes']);
    expect(decideScope(sampleEmployee({ custom_fields: { dynamic_1: 'Yes' } }), plan)).toEqual({
      in: true,
    });
    expect(decideScope(sampleEmployee({ custom_fields: { dynamic_1: ' Yes ' } }), plan).in).toBe(
      true,
    );
    expect(decideScope(sampleEmployee({ custom_fields: { dynamic_1: 'No' } }), plan)).toEqual({
      in: false,
      reason: { code: 'attribute_mismatch', attribute: 'Alleo', value: 'No' },
    });
    expect(decideScope(sampleEmployee({ custom_fields: { dynamic_1: 'yes' } }), plan).in).toBe(
      false,
    );
  });

  it('puts people without the attribute out of scope when a rule exists', () => {
    const { plan } = alleo(['Yes']);
    for (const custom_fields of [{}, { dynamic_1: null }, { dynamic_1: '  ' }]) {
      expect(decideScope(sampleEmployee({ custom_fields }), plan)).toEqual({
        in: false,
        reason: { code: 'attribute_missing', attribute: 'Alleo' },
      });
    }
    // An empty `equals` asks only for a value.
    expect(
      decideScope(sampleEmployee({ custom_fields: { dynamic_1: 'No' } }), alleo([]).plan).in,
    ).toBe(true);
    expect(decideScope(sampleEmployee({ custom_fields: {} }), alleo([]).plan).in).toBe(false);
  });

  it('puts everyone out of scope when the rule attribute cannot be read', () => {
    const { plan } = compileScope({ attribute_rule: { attribute: 'Alleo', equals: ['Yes'] } }, []);
    expect(decideScope(sampleEmployee({ custom_fields: { dynamic_1: 'Yes' } }), plan)).toEqual({
      in: false,
      reason: { code: 'attribute_unknown', attribute: 'Alleo' },
    });
  });

  it('compares numbers by value, booleans as true/false and tags by any tag', () => {
    const rule = (attribute: string, equals: string[]) =>
      compileScope({ attribute_rule: { attribute, equals } }, catalog).plan;
    const is = (plan: ReturnType<typeof rule>, custom_fields: Record<string, unknown>) =>
      decideScope(sampleEmployee({ custom_fields }), plan).in;
    expect(is(rule('Budget', ['100.0']), { dynamic_2: 100 })).toBe(true);
    expect(is(rule('Budget', ['', '101']), { dynamic_2: 100 })).toBe(false);
    expect(is(rule('Remote', ['true']), { dynamic_4: true })).toBe(true);
    expect(is(rule('Remote', ['true']), { dynamic_4: false })).toBe(false);
    expect(is(rule('Languages', ['German']), { dynamic_3: ['English', 'German'] })).toBe(true);
    expect(is(rule('Languages', ['French']), { dynamic_3: ['English'] })).toBe(false);
    expect(is(rule('Languages', ['x']), { dynamic_3: { x: 1 } })).toBe(false);
  });
});

describe('describeScopeReason', () => {
  it('says each reason in plain words', () => {
    const reasons: ScopeReason[] = [
      { code: 'status', value: null },
      { code: 'employment_type', value: 'external' },
      { code: 'attribute_unknown', attribute: 'Alleo' },
      { code: 'attribute_missing', attribute: 'Alleo' },
      { code: 'attribute_mismatch', attribute: 'Alleo', value: 'No' },
    ];
    expect(reasons.map(describeScopeReason)).toEqual([
      "status (none) is not in the scope's statuses",
      "employment type external is not in the scope's employment types",
      'the attribute "Alleo" is not readable with these credentials',
      'no value for the attribute "Alleo"',
      'the attribute "Alleo" does not have an accepted value',
    ]);
  });
});

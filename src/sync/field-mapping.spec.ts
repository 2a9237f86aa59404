import type { CustomAttributeDefinition } from '../../connectors/unified';
import {
  applyFieldMapping,
  compileFieldMapping,
  describeMappingIssue,
  type MappingIssue,
} from './field-mapping';
import { sampleEmployee } from './sync.test-kit';

const catalog: CustomAttributeDefinition[] = [
  { key: 'dynamic_1', label: 'Alleo', type: 'list', options: ['Yes', 'No'] },
  { key: 'dynamic_2', label: 'Budget', type: 'decimal', options: [] },
  { key: 'dynamic_5', label: 'Personalnummer', type: 'standard', options: [] },
  { key: 'dynamic_6', label: 'Eintritt', type: 'date', options: [] },
  { key: 'dynamic_7', label: 'Stunden', type: 'standard', options: [] },
  { key: 'dynamic_8', label: 'Rolle', type: 'standard', options: [] },
  { key: 'dynamic_9', label: 'Rufname', type: 'standard', options: [] },
];

const map = (mapping: Record<string, string>) => compileFieldMapping(mapping, catalog);

describe('compileFieldMapping', () => {
  it('resolves labels and keys, and reports what it cannot use without throwing', () => {
    const { plan, issues } = map({
      budget: 'Budget',
      alleo: 'dynamic_1',
      bonus: 'Bonus',
      legacy: 'dynamic_404',
      employee_number: 'Personalnummer',
      manager_id: 'Rolle',
      office: 'Standort',
    });
    expect(plan.custom).toEqual([
      { field: 'alleo', source: 'dynamic_1', key: 'dynamic_1' },
      { field: 'bonus', source: 'Bonus', key: null },
      { field: 'budget', source: 'Budget', key: 'dynamic_2' },
      { field: 'legacy', source: 'dynamic_404', key: 'dynamic_404' },
    ]);
    expect(plan.core).toEqual([
      { field: 'employee_number', source: 'Personalnummer', key: 'dynamic_5' },
    ]);
    expect(issues).toEqual([
      { code: 'unknown_attribute', field: 'bonus', source: 'Bonus' },
      { code: 'unlisted_attribute', field: 'legacy', source: 'dynamic_404' },
      { code: 'core_field_not_overridable', field: 'manager_id', source: 'Rolle' },
      { code: 'unknown_attribute', field: 'office', source: 'Standort' },
    ]);
  });
});

describe('applyFieldMapping', () => {
  it('keeps only mapped custom fields, null when unknown or empty (the benefits case)', () => {
    const { plan } = map({ budget: 'Budget', bonus: 'Bonus', alleo: 'Alleo' });
    const employee = sampleEmployee({ custom_fields: { dynamic_2: 1200.5, dynamic_3: ['x'] } });
    const { employee: exposed, issues } = applyFieldMapping(employee, plan);
    expect(exposed.custom_fields).toEqual({ alleo: null, bonus: null, budget: 1200.5 });
    expect(issues).toEqual([]);
    // Everything else passes through unchanged, the input is not touched.
    expect({ ...exposed, custom_fields: employee.custom_fields }).toEqual(employee);
    expect(employee.custom_fields).toEqual({ dynamic_2: 1200.5, dynamic_3: ['x'] });
  });

  it('serves no custom fields without a mapping', () => {
    expect(applyFieldMapping(sampleEmployee(), map({}).plan).employee.custom_fields).toEqual({});
  });

  it('overrides core fields with converted values; empty values become null', () => {
    const { plan } = map({
      employee_number: 'Personalnummer',
      hire_date: 'Eintritt',
      weekly_working_hours: 'Stunden',
    });
    const out = (custom_fields: Record<string, unknown>) =>
      applyFieldMapping(sampleEmployee({ custom_fields }), plan).employee;
    expect(out({ dynamic_5: ' 4711 ', dynamic_6: '2021-03-01', dynamic_7: '37,5' })).toMatchObject({
      employee_number: '4711',
      hire_date: '2021-03-01',
      weekly_working_hours: 37.5,
    });
    expect(out({ dynamic_5: 4711, dynamic_7: 20 })).toMatchObject({
      employee_number: '4711',
      hire_date: null,
      weekly_working_hours: 20,
    });
    expect(out({ dynamic_5: '' }).employee_number).toBeNull();
  });

  it('reports values that do not fit the core field and serves null', () => {
    const { plan } = map({
      hire_date: 'Eintritt',
      weekly_working_hours: 'Stunden',
      gender: 'Alleo',
    });
    const { employee, issues } = applyFieldMapping(
      sampleEmployee({
        remote_id: '7',
        custom_fields: { dynamic_6: '2021-02-30', dynamic_7: 'full time', dynamic_1: ['Yes'] },
      }),
      plan,
    );
    expect(employee).toMatchObject({ hire_date: null, weekly_working_hours: null, gender: null });
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ['invalid_value', 'gender'],
      ['invalid_value', 'hire_date'],
      ['invalid_value', 'weekly_working_hours'],
    ]);
  });

  it('keeps derived fields in step: position from job title, display name from names', () => {
    const { plan } = map({ job_title: 'Rolle', preferred_name: 'Rufname' });
    const { employee } = applyFieldMapping(
      sampleEmployee({ custom_fields: { dynamic_8: 'Head of  People', dynamic_9: 'Addy' } }),
      plan,
    );
    expect(employee).toMatchObject({
      job_title: 'Head of  People',
      position_id: 'title:head of people',
      preferred_name: 'Addy',
      display_name: 'Addy',
    });
    const cleared = applyFieldMapping(sampleEmployee({ custom_fields: {} }), plan).employee;
    expect(cleared).toMatchObject({
      job_title: null,
      position_id: null,
      display_name: 'Ada Lovelace',
    });
  });

  it('leaves the core field as Personio has it when the override attribute is unknown', () => {
    const { plan } = map({ office: 'Standort' });
    expect(applyFieldMapping(sampleEmployee(), plan).employee.office).toBe('Berlin');
  });
});

describe('describeMappingIssue', () => {
  it('says each issue in plain words', () => {
    const issues: MappingIssue[] = [
      { code: 'unknown_attribute', field: 'bonus', source: 'Bonus' },
      { code: 'unlisted_attribute', field: 'x', source: 'dynamic_4' },
      { code: 'core_field_not_overridable', field: 'status', source: 'Alleo' },
      { code: 'invalid_value', field: 'hire_date', source: 'Eintritt', remote_id: '7', value: 1 },
    ];
    expect(issues.map(describeMappingIssue)).toEqual([
      '"Bonus" (mapped to bonus) is not a Personio attribute these credentials can read',
      '"dynamic_4" (mapped to x) is not in the readable attribute list; it is used as written',
      "status cannot be mapped from a Personio attribute; it comes from Personio's own field",
      'employee 7: the value of "Eintritt" is not a valid hire_date',
    ]);
  });
});

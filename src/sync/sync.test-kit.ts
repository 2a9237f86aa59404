/**
 * Owns the sample records the sync specs share (a unified employee with every field set). Test
 * support only: production code never imports it.
 */
import type { UnifiedEmployee } from '../../connectors/unified';

export function sampleEmployee(overrides: Partial<UnifiedEmployee> = {}): UnifiedEmployee {
  return {
    remote_id: '101',
    first_name: 'Ada',
    last_name: 'Lovelace',
    preferred_name: null,
    display_name: 'Ada Lovelace',
    email: 'ada@example.com',
    employee_number: 'E-101',
    gender: 'female',
    birth_date: '1990-12-10',
    status: 'active',
    employment_type: 'internal',
    job_title: 'Engineer',
    position_id: 'title:engineer',
    department_id: 'department:1',
    team_id: 'team:7',
    office: 'Berlin',
    manager_id: '100',
    hire_date: '2020-01-01',
    termination_date: null,
    termination_type: null,
    contract_end_date: null,
    weekly_working_hours: 40,
    custom_fields: { dynamic_1: 'Yes', dynamic_2: 1200.5, dynamic_3: ['English', 'German'] },
    remote_created_at: '2020-01-01T08:00:00.000Z',
    remote_updated_at: '2026-11-01T08:00:00.000Z',
    remote_data: { id: 101, attributes: {} },
    ...overrides,
  };
}

import { dueEffectiveDateEvents, effectiveDateEventKey } from './effective-dates';

const person = (remote_id: string, hire_date: string | null, termination_date: string | null) => ({
  remote_id,
  hire_date,
  termination_date,
});

describe('dueEffectiveDateEvents', () => {
  const people = [
    person('12', '2026-11-22', null),
    person('3', '2020-01-01', '2026-11-22'),
    person('4', '2026-11-22', '2026-11-22'),
    person('5', '2026-11-23', '2026-11-21'),
    person('6', null, null),
  ];

  it('emits started and terminated for dates equal to today only, in a stable order', () => {
    expect(dueEffectiveDateEvents(people, { today: '2026-11-22' })).toEqual([
      {
        type: 'employee.started',
        remote_id: '4',
        date: '2026-11-22',
        key: 'employee.started:4:2026-11-22',
      },
      {
        type: 'employee.started',
        remote_id: '12',
        date: '2026-11-22',
        key: 'employee.started:12:2026-11-22',
      },
      {
        type: 'employee.terminated',
        remote_id: '3',
        date: '2026-11-22',
        key: 'employee.terminated:3:2026-11-22',
      },
      {
        type: 'employee.terminated',
        remote_id: '4',
        date: '2026-11-22',
        key: 'employee.terminated:4:2026-11-22',
      },
    ]);
  });

  it('takes the UTC day of an instant as today', () => {
    const late = dueEffectiveDateEvents(people, { today: new Date('2026-11-21T23:59:00.000Z') });
    expect(late.map((e) => e.key)).toEqual(['employee.terminated:5:2026-11-21']);
  });

  it('is idempotent: already emitted keys are not due again, the rest is unchanged', () => {
    const first = dueEffectiveDateEvents(people, { today: '2026-11-22' });
    const emitted = new Set(first.slice(0, 2).map((e) => e.key));
    expect(dueEffectiveDateEvents(people, { today: '2026-11-22', emitted })).toEqual(
      first.slice(2),
    );
    const all = new Set(first.map((e) => e.key));
    expect(dueEffectiveDateEvents(people, { today: '2026-11-22', emitted: all })).toEqual([]);
  });

  it('catches up missed days from `since`, oldest first, never future dates', () => {
    const events = dueEffectiveDateEvents(people, { today: '2026-11-22', since: '2026-11-20' });
    expect(events.map((e) => e.key)).toEqual([
      'employee.terminated:5:2026-11-21',
      'employee.started:4:2026-11-22',
      'employee.started:12:2026-11-22',
      'employee.terminated:3:2026-11-22',
      'employee.terminated:4:2026-11-22',
    ]);
    expect(dueEffectiveDateEvents(people, { today: '2026-11-22', since: '2026-11-23' })).toEqual(
      [],
    );
  });

  it('gives a moved date a new key', () => {
    expect(effectiveDateEventKey('employee.started', '4', '2026-11-22')).not.toBe(
      effectiveDateEventKey('employee.started', '4', '2026-12-01'),
    );
  });
});

import { EVENT_TYPES } from '../events/event-types';
import { eventPatternProblem } from './event-filter';

describe('event filter', () => {
  it('accepts known types, known families and *', () => {
    for (const type of EVENT_TYPES) expect(eventPatternProblem(type)).toBeNull();
    expect(eventPatternProblem('employee.*')).toBeNull();
    expect(eventPatternProblem('webhook_endpoint.*')).toBeNull();
    expect(eventPatternProblem('*')).toBeNull();
  });

  it('refuses unknown types and families with a reason', () => {
    for (const bad of [
      'employee.hired',
      'employees.*',
      'employee*',
      '*.created',
      '',
      'employee.',
    ]) {
      expect(eventPatternProblem(bad)).toEqual(expect.any(String));
    }
  });
});

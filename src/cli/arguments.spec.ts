import { parseCommandArgs } from './arguments';
import { type OptionSpecs } from './command';
import { UsageError } from './errors';

const OPTIONS: OptionSpecs = {
  name: { type: 'string', description: '' },
  scope: { type: 'string', multiple: true, description: '' },
  limit: { type: 'string', description: '' },
  settings: { type: 'string', description: '' },
  json: { type: 'boolean', description: '' },
  help: { type: 'boolean', short: 'h', description: '' },
};

const parse = (argv: string[], args: string[] = []) => parseCommandArgs(argv, OPTIONS, args);
const usage = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError');
};

describe('parseCommandArgs', () => {
  it('reads strings, repeated and comma-separated lists, flags and positionals', () => {
    const input = parse(
      ['run-1', '--name', 'Expense', '--scope', 'a,b', '--scope', ' c ', '--json'],
      ['id'],
    );
    expect(input.argument('id')).toBe('run-1');
    expect(input.string('name')).toBe('Expense');
    expect(input.strings('scope')).toEqual(['a', 'b', 'c']);
    expect(input.flag('json')).toBe(true);
    expect(input.flag('help')).toBe(false);
    expect(input.string('limit')).toBeUndefined();
  });

  it('turns unknown options, missing values and extra or missing arguments into usage errors', () => {
    expect(usage(() => parse(['--colour']))).toBe("Unknown option '--colour'");
    expect(usage(() => parse(['--name']))).toMatch(/--name/);
    expect(usage(() => parse(['--json=yes']))).toMatch(/--json/);
    expect(usage(() => parse(['a', 'b'], ['id']))).toBe("unexpected argument 'b'");
    expect(usage(() => parse([], ['id']).argument('id'))).toBe('missing argument <id>');
    expect(usage(() => parse(['--name', '']).string('name'))).toBe('--name needs a value');
  });

  it('lets --help through without the required arguments', () => {
    expect(parse(['--help'], ['id']).argument('id')).toBe('');
    expect(parse(['-h']).flag('help')).toBe(true);
  });

  it('checks whole numbers against their range', () => {
    expect(parse(['--limit', '500']).integer('limit', { min: 1, max: 500 })).toBe(500);
    expect(usage(() => parse(['--limit', '0']).integer('limit', { min: 1, max: 500 }))).toBe(
      '--limit must be between 1 and 500',
    );
    expect(usage(() => parse(['--limit', '2.5']).integer('limit', { min: 1, max: 500 }))).toBe(
      "--limit must be a whole number, not '2.5'",
    );
  });

  it('accepts a JSON object and refuses anything else', () => {
    expect(parse(['--settings', '{"schedule":"PT1H"}']).json('settings')).toEqual({
      schedule: 'PT1H',
    });
    for (const bad of ['{', '[1]', '"text"', 'null']) {
      expect(usage(() => parse(['--settings', bad]).json('settings'))).toMatch(
        /^--settings must be a JSON object/,
      );
    }
  });
});

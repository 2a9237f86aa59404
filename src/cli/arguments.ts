/**
 * Parses one command's argv with node:util parseArgs (strict: an unknown flag is an error) and
 * exposes the result through typed getters that turn a bad value into a UsageError.
 */
import { parseArgs } from 'node:util';
import { type OptionSpecs, type OptionValue, type ParsedInput } from './command';
import { UsageError } from './errors';

interface ParseArgsError extends Error {
  code?: string;
}

// Duck-typed, not instanceof: errors from Node's core can come from another realm (e.g. jest's vm).
const isParseArgsError = (error: unknown): error is ParseArgsError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as ParseArgsError).message === 'string' &&
  typeof (error as ParseArgsError).code === 'string' &&
  (error as ParseArgsError).code!.startsWith('ERR_PARSE_ARGS');

/** parseArgs' messages name the option but add advice meant for programmers; keep the first sentence. */
function usageMessage(error: ParseArgsError): string {
  const first = error.message.split('. ')[0] ?? error.message;
  return first.replace(/\.$/, '');
}

export function parseCommandArgs(
  argv: readonly string[],
  options: OptionSpecs,
  argumentNames: readonly string[],
): ParsedInput {
  let parsed: { values: Record<string, OptionValue>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          {
            type: spec.type,
            ...(spec.multiple ? { multiple: true } : {}),
            ...(spec.short ? { short: spec.short } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, OptionValue>; positionals: string[] };
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(usageMessage(error));
    throw error;
  }
  const { values, positionals } = parsed;
  if (positionals.length > argumentNames.length) {
    throw new UsageError(`unexpected argument '${positionals[argumentNames.length]}'`);
  }
  const byName = new Map(argumentNames.map((name, index) => [name, positionals[index]]));
  const wantsHelp = values.help === true;
  return {
    argument(name) {
      const value = byName.get(name);
      if (value === undefined || value === '') {
        if (wantsHelp) return '';
        throw new UsageError(`missing argument <${name}>`);
      }
      return value;
    },
    string(name) {
      const value = values[name];
      if (Array.isArray(value)) return value[value.length - 1];
      if (typeof value === 'string') {
        if (value === '') throw new UsageError(`--${name} needs a value`);
        return value;
      }
      return undefined;
    },
    strings(name) {
      const value = values[name];
      const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
      // "--scope a,b" and "--scope a --scope b" both work.
      return list
        .flatMap((item) => item.split(','))
        .map((item) => item.trim())
        .filter(Boolean);
    },
    flag(name) {
      return values[name] === true;
    },
    integer(name, range) {
      const raw = this.string(name);
      if (raw === undefined) return undefined;
      if (!/^\d+$/.test(raw))
        throw new UsageError(`--${name} must be a whole number, not '${raw}'`);
      const value = Number(raw);
      if (value < range.min || value > range.max) {
        throw new UsageError(`--${name} must be between ${range.min} and ${range.max}`);
      }
      return value;
    },
    json(name) {
      const raw = this.string(name);
      if (raw === undefined) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new UsageError(`--${name} must be a JSON object, e.g. '{"schedule":"PT15M"}'`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new UsageError(`--${name} must be a JSON object, e.g. '{"schedule":"PT15M"}'`);
      }
      return value as Record<string, unknown>;
    },
  };
}

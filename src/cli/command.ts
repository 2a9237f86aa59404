/**
 * How a command is declared: its words, arguments, options and which credentials it needs.
 * Commands are data plus a `run`; parsing, help and credentials are handled once in cli.ts.
 */
import { type GatewayClient } from './gateway-client';
import { type CliIo } from './io';
import { type Output } from './output';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Placeholder shown in help for a string option, e.g. `<id>`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/**
 * `admin`: the operator's ADMIN_TOKEN. `application`: an access token exchanged for the
 * application's client credentials. `local`: no gateway; works on the database directly.
 */
export type CommandAuth = 'admin' | 'application' | 'local';

export interface CommandSpec {
  group: string;
  action: string;
  summary: string;
  /** Required positional arguments, in order. */
  arguments: ReadonlyArray<{ name: string; description: string }>;
  options: OptionSpecs;
  auth: CommandAuth;
  /** Extra help text: examples, what the output means. */
  details?: string;
  run(context: CommandContext): Promise<number>;
}

/** What a running command gets: its parsed input and where to write. */
export interface CommandContext {
  readonly input: ParsedInput;
  readonly io: CliIo;
  readonly output: Output;
  /** The gateway, already authenticated as the command's `auth` asks (not for `local`). */
  readonly gateway: GatewayClient;
}

export type OptionValue = string | boolean | string[] | undefined;

/** Typed access to parsed options; every getter throws a UsageError for a bad value. */
export interface ParsedInput {
  argument(name: string): string;
  string(name: string): string | undefined;
  strings(name: string): string[];
  flag(name: string): boolean;
  integer(name: string, range: { min: number; max: number }): number | undefined;
  json(name: string): Record<string, unknown> | undefined;
}

/**
 * The CLI's dispatcher: finds the command in argv, parses its options, resolves credentials and
 * the gateway URL, runs it, and turns every failure into a message on stderr and an exit code
 * (0 done, 1 the operation failed, 2 bad usage). Never prints a credential it was given.
 */
import { parseCommandArgs } from './arguments';
import { type CommandSpec, type ParsedInput } from './command';
import { COMMANDS } from './commands';
import {
  ApiProblemError,
  GatewayUnreachableError,
  OperationFailedError,
  UsageError,
} from './errors';
import { GatewayClient, adminToken, applicationToken, type TokenSource } from './gateway-client';
import { EXIT, PROGRAM, type CliIo } from './io';
import { Output, describeProblem } from './output';
import {
  DEFAULT_GATEWAY_URL,
  commandHelp,
  generalHelp,
  groupHelp,
  optionsFor,
  synopsis,
} from './usage';

interface CommandWords {
  group?: string;
  action?: string;
  /** argv without the command words: options and the command's own arguments. */
  rest: string[];
}

/** Options that take a value, so the scan for command words can step over their values. */
const VALUE_OPTIONS = new Set(
  COMMANDS.flatMap((command) =>
    Object.entries(optionsFor(command))
      .filter(([, spec]) => spec.type === 'string')
      .map(([name]) => `--${name}`),
  ),
);

/** The first two words that are not options (or option values) name the command. */
export function findCommandWords(argv: readonly string[]): CommandWords {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (token.startsWith('-')) {
      if (VALUE_OPTIONS.has(token)) i++;
      continue;
    }
    words.push(i);
  }
  const [group, action] = words.map((i) => argv[i]);
  return { group, action, rest: argv.filter((_, i) => !words.includes(i)) };
}

/** For a wrong command word: what exists, without the full help. */
function shortUsage(): string {
  const groups = [...new Set(COMMANDS.map((c) => c.group))];
  return (
    `Usage: ${PROGRAM} <command> [options]\nCommands: ${groups.join(', ')}\n` +
    `Run '${PROGRAM} --help' for the list with their actions.\n`
  );
}

const wantsHelp = (argv: readonly string[]): boolean =>
  argv.some((token) => token === '--help' || token === '-h');

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { group, action, rest } = findCommandWords(argv);
  if (group === undefined) {
    if (wantsHelp(argv)) {
      io.stdout.write(generalHelp(COMMANDS));
      return EXIT.ok;
    }
    io.stderr.write(`${PROGRAM}: missing command\n${shortUsage()}`);
    return EXIT.usage;
  }
  if (!COMMANDS.some((c) => c.group === group)) {
    io.stderr.write(`${PROGRAM}: unknown command '${group}'\n${shortUsage()}`);
    return EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.group === group && c.action === action);
  if (!command) {
    if (action === undefined && wantsHelp(argv)) {
      io.stdout.write(groupHelp(group, COMMANDS));
      return EXIT.ok;
    }
    const problem =
      action === undefined ? `'${group}' needs an action` : `unknown command '${group} ${action}'`;
    io.stderr.write(`${PROGRAM}: ${problem}\n\n${groupHelp(group, COMMANDS)}`);
    return EXIT.usage;
  }
  return runCommand(command, rest, io);
}

async function runCommand(
  command: CommandSpec,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  // --json is looked up before parsing so even a parse failure answers in the asked-for form.
  const output = new Output(io, argv.includes('--json'));
  try {
    const input = parseCommandArgs(
      argv,
      optionsFor(command),
      command.arguments.map((a) => a.name),
    );
    if (input.flag('help')) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    for (const argument of command.arguments) input.argument(argument.name);
    const gateway = gatewayFor(command, input, io);
    return await command.run({ input, io, output, gateway });
  } catch (error) {
    return report(error, command, io, output);
  }
}

function gatewayUrl(input: ParsedInput, io: CliIo): string {
  const raw = input.string('url') ?? io.env.HRIS_GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`the gateway URL '${raw}' is not a URL (e.g. ${DEFAULT_GATEWAY_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `the gateway URL must start with http:// or https://, not '${url.protocol}'`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

function tokenSource(
  command: CommandSpec,
  input: ParsedInput,
  io: CliIo,
  baseUrl: string,
): TokenSource {
  switch (command.auth) {
    case 'admin': {
      const token = input.string('admin-token') ?? io.env.HRIS_ADMIN_TOKEN;
      if (!token) {
        throw new UsageError(
          `'${command.group} ${command.action}' needs the admin token: set HRIS_ADMIN_TOKEN (the gateway's ADMIN_TOKEN)`,
        );
      }
      return adminToken(token);
    }
    case 'application': {
      const id = input.string('client-id') ?? io.env.HRIS_CLIENT_ID;
      const secret = input.string('client-secret') ?? io.env.HRIS_CLIENT_SECRET;
      const missing = [!id && 'HRIS_CLIENT_ID', !secret && 'HRIS_CLIENT_SECRET'].filter(Boolean);
      if (!id || !secret) {
        throw new UsageError(
          `'${command.group} ${command.action}' needs the application's credentials: set ${missing.join(' and ')}`,
        );
      }
      return applicationToken(baseUrl, id, secret);
    }
    case 'local':
      return () =>
        Promise.reject(new Error(`'${command.group} ${command.action}' does not call the gateway`));
  }
}

function gatewayFor(command: CommandSpec, input: ParsedInput, io: CliIo): GatewayClient {
  const baseUrl = command.auth === 'local' ? DEFAULT_GATEWAY_URL : gatewayUrl(input, io);
  return new GatewayClient(baseUrl, tokenSource(command, input, io, baseUrl));
}

/** A hint for the answers whose cause is usually the CLI's own configuration. */
function credentialHint(error: ApiProblemError, command: CommandSpec): string {
  if (error.status !== 401) return '';
  return command.auth === 'admin'
    ? "\n  check HRIS_ADMIN_TOKEN: it must equal the gateway's ADMIN_TOKEN"
    : '\n  check HRIS_CLIENT_ID and HRIS_CLIENT_SECRET (a rotated secret revokes the old one)';
}

function report(error: unknown, command: CommandSpec, io: CliIo, output: Output): number {
  if (error instanceof UsageError) {
    io.stderr.write(
      `${PROGRAM}: ${error.message}\nUsage: ${synopsis(command)}\n` +
        `Run '${PROGRAM} ${command.group} ${command.action} --help' for all options.\n`,
    );
    return EXIT.usage;
  }
  if (error instanceof ApiProblemError) {
    io.stderr.write(
      `${describeProblem(error.status, error.body, error.during)}${credentialHint(error, command)}\n`,
    );
    if (output.json && error.body !== null)
      io.stdout.write(`${JSON.stringify(error.body, null, 2)}\n`);
    return EXIT.failed;
  }
  if (error instanceof GatewayUnreachableError) {
    io.stderr.write(
      `error: ${error.message}. Is it running? Point the CLI at it with --url or HRIS_GATEWAY_URL.\n`,
    );
    return EXIT.failed;
  }
  if (error instanceof OperationFailedError) {
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT.failed;
  }
  const message = (error as { message?: unknown } | null)?.message;
  io.stderr.write(`error: ${typeof message === 'string' ? message : String(error)}\n`);
  return EXIT.failed;
}

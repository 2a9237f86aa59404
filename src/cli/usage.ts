/** Help texts: the command list, one group's actions, one command in full. */
import { type CommandAuth, type CommandSpec, type OptionSpecs } from './command';
import { PROGRAM } from './io';

export const DEFAULT_GATEWAY_URL = 'http://localhost:3000';

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', description: 'Print the raw JSON result on stdout (for scripts)' },
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
};

export const GATEWAY_OPTIONS: OptionSpecs = {
  url: {
    type: 'string',
    value: '<url>',
    description: `Gateway URL (default: HRIS_GATEWAY_URL, else ${DEFAULT_GATEWAY_URL})`,
  },
};

/** Flags for secrets exist for completeness; the environment keeps them out of `ps`. */
export const CREDENTIAL_OPTIONS: Record<CommandAuth, OptionSpecs> = {
  admin: {
    'admin-token': {
      type: 'string',
      value: '<token>',
      description: 'Admin token (default: HRIS_ADMIN_TOKEN; prefer the variable)',
    },
  },
  application: {
    'client-id': {
      type: 'string',
      value: '<id>',
      description: 'Application client id (default: HRIS_CLIENT_ID)',
    },
    'client-secret': {
      type: 'string',
      value: '<secret>',
      description: 'Application client secret (default: HRIS_CLIENT_SECRET; prefer the variable)',
    },
  },
  local: {},
};

export function optionsFor(command: CommandSpec): OptionSpecs {
  return {
    ...command.options,
    ...(command.auth === 'local' ? {} : GATEWAY_OPTIONS),
    ...CREDENTIAL_OPTIONS[command.auth],
    ...COMMON_OPTIONS,
  };
}

const name = (command: CommandSpec): string => `${command.group} ${command.action}`;

export function synopsis(command: CommandSpec): string {
  const args = command.arguments.map((a) => ` <${a.name}>`).join('');
  return `${PROGRAM} ${name(command)}${args} [options]`;
}

function optionLines(options: OptionSpecs): string[] {
  const labels = Object.entries(options).map(([option, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '';
    return [`${short}--${option}${spec.value ? ` ${spec.value}` : ''}`, spec.description] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length));
  return labels.map(([label, description]) => `  ${label.padEnd(width)}  ${description}`);
}

export function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: ${synopsis(command)}`, '', command.summary, ''];
  if (command.arguments.length) {
    const width = Math.max(...command.arguments.map((a) => a.name.length + 2));
    lines.push('Arguments:');
    for (const a of command.arguments)
      lines.push(`  ${`<${a.name}>`.padEnd(width)}  ${a.description}`);
    lines.push('');
  }
  lines.push('Options:', ...optionLines(optionsFor(command)));
  if (command.details) lines.push('', command.details);
  return `${lines.join('\n')}\n`;
}

function commandList(commands: readonly CommandSpec[]): string[] {
  const width = Math.max(...commands.map((c) => name(c).length));
  return commands.map((c) => `  ${name(c).padEnd(width)}  ${c.summary}`);
}

export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  const own = commands.filter((c) => c.group === group);
  return [
    `Usage: ${PROGRAM} ${group} <${own.map((c) => c.action).join('|')}> [options]`,
    '',
    ...commandList(own),
    '',
    `Run '${PROGRAM} ${group} <action> --help' for its options.`,
    '',
  ].join('\n');
}

export function generalHelp(commands: readonly CommandSpec[]): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commandList(commands),
    '',
    'Options for every command:',
    ...optionLines({ ...GATEWAY_OPTIONS, ...COMMON_OPTIONS }),
    '',
    'Credentials come from the environment:',
    "  HRIS_ADMIN_TOKEN                    applications, signing-key (the gateway's ADMIN_TOKEN)",
    '  HRIS_CLIENT_ID, HRIS_CLIENT_SECRET  links, connections, sync, runs, webhooks',
    '  DATABASE_URL, VAULT_KEYS            vault rotate (as the gateway has them)',
    '',
    'Exit codes: 0 done, 1 the operation failed, 2 bad usage.',
    `Run '${PROGRAM} <command> --help' for a command's options.`,
    '',
  ].join('\n');
}

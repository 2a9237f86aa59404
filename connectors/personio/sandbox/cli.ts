/**
 * Command line entry: `npm run sandbox -- --port 4010 --seed 42 --employees 250 [--no-rate-limits]`.
 * Parses process.argv (nothing reads the environment), starts the sandbox, prints the base URL
 * and working credentials, and stops on SIGINT/SIGTERM.
 */
import { startSandbox } from './index';

interface CliArgs {
  port: number;
  host: string;
  seed: number;
  employees: number;
  rateLimits: boolean;
  legacyTokens: boolean;
}

const USAGE = `Usage: sandbox [--port 4010] [--host 127.0.0.1] [--seed 42] [--employees 250]
               [--no-rate-limits] [--legacy-tokens]
`;

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    port: 4010,
    host: '127.0.0.1',
    seed: 42,
    employees: 250,
    rateLimits: true,
    legacyTokens: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): number => {
      const raw = argv[++i];
      const n = Number(raw);
      if (raw === undefined || !Number.isInteger(n) || n < 0)
        throw new Error(`${flag} needs a non-negative integer`);
      return n;
    };
    switch (flag) {
      case '--port':
        args.port = value();
        break;
      case '--seed':
        args.seed = value();
        break;
      case '--employees':
        args.employees = value();
        break;
      case '--host': {
        const host = argv[++i];
        if (!host) throw new Error('--host needs a value');
        args.host = host;
        break;
      }
      case '--no-rate-limits':
        args.rateLimits = false;
        break;
      case '--legacy-tokens':
        args.legacyTokens = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${String(flag)}\n${USAGE}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const sandbox = await startSandbox({
    port: args.port,
    host: args.host,
    seed: args.seed,
    employees: args.employees,
    rateLimits: args.rateLimits ? undefined : false,
    quirks: args.legacyTokens ? { v1LegacyOneTimeTokens: true } : undefined,
  });
  const lines = [
    `Personio sandbox listening on ${sandbox.url}`,
    `Company "${sandbox.company.name}": ${sandbox.company.employees.length} employees, seed ${args.seed} (${Date.now() - started} ms)`,
    `Rate limits ${args.rateLimits ? 'on' : 'off'}; control API at ${sandbox.url}/_sandbox`,
    '',
  ];
  for (const c of sandbox.credentials) {
    lines.push(
      `Credential "${c.name}" (scopes: ${c.scopes.join(' ')}${c.readableAttributes ? `; readable: ${c.readableAttributes.join(', ')}` : ''})`,
    );
    lines.push(`  client_id:     ${c.clientId}`);
    lines.push(`  client_secret: ${c.clientSecret}`);
  }
  const first = sandbox.credentials[0];
  if (first) {
    lines.push(
      '',
      'Try:',
      `  curl -s -X POST ${sandbox.url}/v1/auth -H 'content-type: application/json' -d '{"client_id":"${first.clientId}","client_secret":"${first.clientSecret}"}'`,
      `  curl -s -X POST ${sandbox.url}/v2/auth/token -d grant_type=client_credentials -d client_id=${first.clientId} -d client_secret=${first.clientSecret}`,
      `  curl -s ${sandbox.url}/v1/company/employees?limit=2 -H "Authorization: Bearer <token>"`,
      `  curl -s ${sandbox.url}/v2/persons?limit=2 -H "Authorization: Bearer <access_token>"`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

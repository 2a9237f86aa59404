/**
 * `vault rotate`: re-seal every stored secret with the active (first) key of VAULT_KEYS. The
 * same steps as `npm run vault:rotate` (src/vault/cli/rotate.cli.ts), on the database named by
 * DATABASE_URL or the embedded one. Safe while gateways run; safe to interrupt and re-run.
 * Its heavy modules (TypeORM, config validation) load only when this command runs.
 */
import { type CliIo } from '../io';
import { type CommandSpec } from '../command';
import { OperationFailedError } from '../errors';

export interface VaultRotationResult {
  active_key: string;
  resealed: number;
  by_column: Record<string, number>;
  /** Values still on an old key afterwards (written meanwhile): run again. */
  stale: number;
}

export async function rotateVault(
  env: CliIo['env'],
  log: (message: string) => void,
): Promise<VaultRotationResult> {
  await import('reflect-metadata');
  const { DataSource } = await import('typeorm');
  const { ConfigError, loadConfig } = await import('../../config/app-config');
  const { dataSourceOptions } = await import('../../database/data-source-options');
  const { openDatabaseServer } = await import('../../database/database-server');
  const { runPendingMigrations } = await import('../../database/migrator');
  const { loadKeyRing } = await import('../../vault/key-ring');
  const { Vault } = await import('../../vault/vault');
  const { countStaleValues, rotateSealedValues } = await import('../../vault/vault-rotation');

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new OperationFailedError(error.message);
    throw error;
  }
  const vault = await Vault.create(loadKeyRing(config, log));
  const server = await openDatabaseServer(config, (level, message) => {
    if (level !== 'debug') log(message);
  });
  const dataSource = await new DataSource(dataSourceOptions(server.url, 2)).initialize();
  try {
    await runPendingMigrations(dataSource);
    const report = await rotateSealedValues(dataSource, vault);
    const stale = await countStaleValues(dataSource, vault);
    return {
      active_key: vault.activeVersion,
      resealed: report.resealed,
      by_column: report.byColumn,
      stale,
    };
  } finally {
    await dataSource.destroy();
    await server.stop();
  }
}

export const vaultRotate: CommandSpec = {
  group: 'vault',
  action: 'rotate',
  summary: 'Re-seal stored secrets with the first key of VAULT_KEYS (talks to the database)',
  arguments: [],
  auth: 'local',
  options: {},
  details:
    'Put the new key first in VAULT_KEYS, keeping the old ones, and run this with the same\n' +
    'DATABASE_URL and VAULT_KEYS as the gateway. Once it reports 0 on an old key, the old key\n' +
    'can be removed from VAULT_KEYS.',
  async run({ io, output }) {
    const result = await rotateVault(io.env, (message) => output.note(message)).catch(
      (error: unknown) => {
        if (error instanceof OperationFailedError) throw error;
        const message = (error as { message?: unknown } | null)?.message;
        throw new OperationFailedError(
          `vault rotation failed: ${typeof message === 'string' ? message : String(error)}`,
        );
      },
    );
    output.result(
      result,
      () =>
        `Re-sealed ${result.resealed} values with key ${result.active_key} ${JSON.stringify(result.by_column)}; ` +
        `${result.stale} still on an old key${result.stale ? ' (written meanwhile: run again)' : ''}.`,
    );
    return 0;
  },
};

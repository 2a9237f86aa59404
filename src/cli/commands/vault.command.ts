/**
 * `vault rotate`: re-seal every stored secret with the active (first) key of VAULT_KEYS. The
 * same code as `npm run vault:rotate` (src/vault/rotate-stored-secrets.ts), on the database named by
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
  const { ConfigError, loadConfig } = await import('../../config/app-config');
  const { rotateStoredSecrets } = await import('../../vault/rotate-stored-secrets');
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new OperationFailedError(error.message);
    throw error;
  }
  const report = await rotateStoredSecrets(config, log);
  return {
    active_key: report.activeKey,
    resealed: report.resealed,
    by_column: report.byColumn,
    stale: report.stale,
  };
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

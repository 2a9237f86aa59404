/**
 * `npm run vault:rotate`: after putting a new key first in VAULT_KEYS (keeping the old ones),
 * re-seal every stored secret with it. Safe while gateways run; safe to interrupt and re-run.
 * Once it reports 0 stale values, the old key can be removed from VAULT_KEYS.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../config/app-config';
import { dataSourceOptions } from '../../database/data-source-options';
import { openDatabaseServer } from '../../database/database-server';
import { runPendingMigrations } from '../../database/migrator';
import { loadKeyRing } from '../key-ring';
import { Vault } from '../vault';
import { countStaleValues, rotateSealedValues } from '../vault-rotation';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const vault = await Vault.create(loadKeyRing(config, (m) => process.stderr.write(`${m}\n`)));
  const server = await openDatabaseServer(config, (level, message) => {
    if (level !== 'debug') process.stderr.write(`${message}\n`);
  });
  const dataSource = await new DataSource(dataSourceOptions(server.url, 2)).initialize();
  try {
    await runPendingMigrations(dataSource);
    const report = await rotateSealedValues(dataSource, vault);
    const stale = await countStaleValues(dataSource, vault);
    process.stdout.write(
      `re-sealed ${report.resealed} values with key ${vault.activeVersion} ${JSON.stringify(report.byColumn)}; ` +
        `${stale} still on an old key${stale ? ' (written meanwhile: run again)' : ''}\n`,
    );
  } finally {
    await dataSource.destroy();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `${error.message}\n`
        : `vault rotation failed: ${String(error)}\n`,
    );
    process.exit(1);
  },
);

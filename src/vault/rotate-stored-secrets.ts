/**
 * Re-seals every stored secret with the active key of the configured ring, on the configured
 * database (or the embedded one): what `npm run vault:rotate` and `hris-gateway vault rotate`
 * run. Safe while gateways run; safe to interrupt and re-run.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { type AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { openDatabaseServer } from '../database/database-server';
import { runPendingMigrations } from '../database/migrator';
import { loadKeyRing } from './key-ring';
import { Vault } from './vault';
import { countStaleValues, rotateSealedValues } from './vault-rotation';

export interface StoredSecretsRotation {
  activeKey: string;
  resealed: number;
  byColumn: Record<string, number>;
  /** Values still on an old key afterwards (written meanwhile): run again. */
  stale: number;
}

export async function rotateStoredSecrets(
  config: AppConfig,
  log: (message: string) => void,
): Promise<StoredSecretsRotation> {
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
      activeKey: vault.activeVersion,
      resealed: report.resealed,
      byColumn: report.byColumn,
      stale,
    };
  } finally {
    await dataSource.destroy();
    await server.stop();
  }
}

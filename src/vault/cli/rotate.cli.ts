/**
 * `npm run vault:rotate`: after putting a new key first in VAULT_KEYS (keeping the old ones),
 * re-seal every stored secret with it. Safe while gateways run; safe to interrupt and re-run.
 * Once it reports 0 stale values, the old key can be removed from VAULT_KEYS.
 */
import { ConfigError, loadConfig } from '../../config/app-config';
import { rotateStoredSecrets } from '../rotate-stored-secrets';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const report = await rotateStoredSecrets(config, (m) => process.stderr.write(`${m}\n`));
  process.stdout.write(
    `re-sealed ${report.resealed} values with key ${report.activeKey} ${JSON.stringify(report.byColumn)}; ` +
      `${report.stale} still on an old key${report.stale ? ' (written meanwhile: run again)' : ''}\n`,
  );
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
